"""Guideline pilots: how agreement changed from one guideline version to the next, and why.

A pilot round has several annotators label the same items under one version of the guideline;
the team reads where they disagreed, revises the guideline, and measures again. Every answer
records the version (content hash) of the guideline shown, so one project holds every round:
:func:`pilot_report` splits the answers by version and puts the rounds side by side.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import agreement
from ._checks import check, check_kwargs
from ._html import element, frame_html
from .agreement.data import current_answers
from .confusions import answer_key, label_confusions, set_confusions, span_confusions
from .store import GuidelineVersion
from .tasks import Classify, Spans

if TYPE_CHECKING:
    import altair as alt


@dataclass(frozen=True)
class PilotReport:
    """Agreement per guideline version, the labels confused most, and the items disagreed on.

    Attributes
    ----------
    agreement : pandas.DataFrame
        :func:`nblabel.agreement.summary` (spans: :func:`nblabel.agreement.span_summary`)
        for each version, with ``guideline`` (version hash) and ``name`` columns in front,
        oldest version first.
    confusions : pandas.DataFrame
        Per version, pairs of labels that annotators of the same item gave: ``label_a``,
        ``label_b``, ``pairs`` (annotator pairs that split this way) and ``share`` (of the
        version's disagreeing pairs), most frequent first; for label sets and spans,
        ``"(none)"`` stands for a label one annotator gave and the other did not (see
        :mod:`nblabel.confusions`).
    disagreements : pandas.DataFrame
        Per version, the items whose answers were not unanimous: ``item``, ``agreement`` (the
        most common answer's share), ``answers`` (how many), one column per annotator, and the
        item's text when the task shows one; least agreement first.
    """

    agreement: pd.DataFrame
    confusions: pd.DataFrame
    disagreements: pd.DataFrame

    def chart(self) -> alt.Chart:
        """Return agreement per label, one colour per guideline version, with intervals."""
        import altair as alt

        from .charts.display import Chart

        data = self.agreement.assign(
            version=self.agreement["name"].fillna(self.agreement["guideline"]),
            label=self.agreement["label"].fillna("(overall)"),
        )
        data = data[data["metric"].isin(["kappa", "krippendorff_alpha", "span_f1"])]
        base = Chart(data).encode(
            y=alt.Y("label:N", title=None, sort=None),
            yOffset=alt.YOffset("version:N", sort=None),
            color=alt.Color("version:N", title="guideline", sort=None),
        )
        bars = base.mark_bar().encode(
            x=alt.X("estimate:Q", title="agreement (α overall, κ per label; spans: F1)"),
            tooltip=[
                "version:N",
                "label:N",
                "metric:N",
                alt.Tooltip("estimate:Q", format=".3f"),
                alt.Tooltip("low:Q", format=".3f"),
                alt.Tooltip("high:Q", format=".3f"),
                "items:Q",
            ],
        )
        whiskers = base.mark_rule(color="black").encode(x="low:Q", x2="high:Q")
        return (bars + whiskers).properties(title="Agreement by guideline version", width=420)

    def _repr_html_(self) -> str:
        parts = [
            element("h4", "Agreement by guideline version"),
            frame_html(self.agreement, precision=3, index=False),
            element("h4", "Labels confused most"),
            frame_html(self.confusions, precision=3, index=False),
            element("h4", "Items disagreed on"),
            frame_html(self.disagreements, precision=3, index=False),
        ]
        return "\n".join(parts)


@check_kwargs
def pilot_report(
    events: pd.DataFrame,
    history: pd.DataFrame,
    task: Classify,
    df: pd.DataFrame,
    *,
    ci: float = 0.95,
    n: int = 1000,
    seed: int | None = 0,
    top: int = 10,
) -> PilotReport:
    """Compare agreement across the guideline versions answers were given under.

    Answers are grouped by the guideline version recorded with them; within a version each
    annotator's latest answer per item counts (a retract removes it).
    :meth:`nblabel.Project.pilot_report` passes a project's data.

    Parameters
    ----------
    events : pandas.DataFrame
        The answers that count, in the layout of ``Project.annotations``.
    history : pandas.DataFrame
        The guideline versions, oldest first (see :func:`history_table`).
    task : Classify or Spans
        The task: agreement is :func:`nblabel.agreement.summary` for classification (MASI
        distance and per-label agreement for label sets) and
        :func:`nblabel.agreement.span_summary` for spans; confused labels are counted as in
        :mod:`nblabel.confusions`.
    df : pandas.DataFrame
        The items (for the text of the items disagreed on).
    ci, n, seed
        Bootstrap intervals, as in :func:`nblabel.agreement.summary`.
    top : int, default 10
        Items disagreed on, and confused label pairs, kept per version.

    Returns
    -------
    PilotReport

    Examples
    --------
    >>> report = proj.pilot_report()  # doctest: +SKIP
    >>> report.agreement.query("scope == 'overall'")  # doctest: +SKIP
    """
    if not isinstance(task, (Classify, Spans)):
        raise TypeError(
            "pilot_report() compares classification and span rounds; for rankings see "
            "nblabel.agreement.kendall_w and preference_agreement."
        )
    check("top", top)
    if history.empty:
        raise ValueError(
            "no answer was given under a guideline: give the task guidelines= (each version's "
            "answers are compared)."
        )
    labels = list(task.labels)
    rounds, confused, disputed = [], [], []
    for version, name in zip(history["version"], history["name"], strict=True):
        answers = events[events["guideline"] == version]
        current = current_answers(answers, "item", "annotator", "value")
        if current["annotator"].nunique() < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", agreement.AgreementWarning)
            if isinstance(task, Spans):
                table = agreement.span_summary(answers, labels, ci=ci, n=n, seed=seed)
            else:
                table = agreement.summary(answers, labels, ci=ci, n=n, seed=seed)
        rounds.append(table.assign(guideline=version, name=name))
        confused.append(_confusions(current, task).head(top).assign(guideline=version, name=name))
        disputed.append(_disagreements(current, task, df).head(top).assign(guideline=version))
    if not rounds:
        raise ValueError("no guideline version has answers from two or more annotators yet.")
    front = ["guideline", "name"]
    agreement_table = pd.concat(rounds, ignore_index=True)
    agreement_table = agreement_table[front + [c for c in agreement_table if c not in front]]
    confusions = pd.concat(confused, ignore_index=True)
    confusions = confusions[front + [c for c in confusions if c not in front]]
    disagreements = pd.concat(disputed, ignore_index=True)
    disagreements = disagreements[["guideline"] + [c for c in disagreements if c != "guideline"]]
    return PilotReport(agreement_table, confusions, disagreements)


def _confusions(current: pd.DataFrame, task: Classify | Spans) -> pd.DataFrame:
    """Count annotator pairs that split between two labels (see :mod:`nblabel.confusions`)."""
    if isinstance(task, Spans):
        return span_confusions(current)
    if task.multi:
        return set_confusions(current)
    return label_confusions(current, list(task.labels))


def _disagreements(current: pd.DataFrame, task: Classify | Spans, df: pd.DataFrame
                   ) -> pd.DataFrame:
    """Items whose answers differ, least agreement first, with everyone's answer."""
    keyed = current.assign(key=current["value"].map(answer_key))
    wide = keyed.pivot(index="item", columns="annotator", values="value")
    keys = keyed.pivot(index="item", columns="annotator", values="key")
    answered = keys.notna().sum(axis=1)
    top_share = keys.apply(lambda row: row.value_counts().iloc[0] / row.count(), axis=1)
    keep = (answered >= 2) & (top_share < 1)
    table = pd.DataFrame({"item": wide.index, "agreement": top_share, "answers": answered})[keep]
    table = table.join(wide[keep].astype(object).where(wide[keep].notna(), None))
    if task.text is not None:
        table["text"] = df[task.text].reindex(table["item"]).to_numpy()
    order = table.sort_values(["agreement", "answers"], ascending=[True, False], kind="stable")
    return order.reset_index(drop=True)


def history_table(events: pd.DataFrame, versions: Iterable[GuidelineVersion]) -> pd.DataFrame:
    """Build :meth:`nblabel.Project.guideline_history` from the events and the stored versions."""
    rows: list[dict[str, Any]] = []
    for version, text, created_us, name in versions:
        answers = events["event"].isin(("label", "skip"))
        answered = events[(events["guideline"] == version) & answers]
        rows.append(
            {
                "version": version,
                "name": name,
                "first_seen": pd.Timestamp(created_us, unit="us", tz="UTC"),
                "answers": len(answered),
                "annotators": answered["annotator"].nunique(),
                "items": answered["item"].nunique(),
                "text": text,
            }
        )
    columns = ["version", "name", "first_seen", "answers", "annotators", "items", "text"]
    return pd.DataFrame(rows, columns=columns)
