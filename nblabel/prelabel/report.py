"""How much suggestions sway annotators: acceptance, each pre-labeler's accuracy, and anchoring.

Every answer given with a suggestion on screen records it (``meta["suggestion"]`` and whether
it was ``accepted``; a span answer, what became of each suggested span). An answer to an item
whose suggestion was hidden (``Project.label(hide_suggestions=...)``) records the hidden one
(``meta["hidden_suggestion"]``). Comparing the two groups measures anchoring: do annotators
agree with a suggestion more when they see it, and do they then agree less with the settled
label? Rates carry Wilson intervals; the difference between shown and hidden a Newcombe
interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._html import element, frame_html
from .._intervals import rate_row
from ..ledger import value_key

RATE_COLUMNS = ["answers", "agree", "rate", "low", "high"]


@dataclass(frozen=True)
class SuggestionReport:
    """The influence of suggestions on a project's answers.

    Attributes
    ----------
    acceptance : pandas.DataFrame
        ``scope`` (overall, annotator, label, confidence, suggested_by), ``key``, ``answers``
        (answers given with a suggestion shown; suggested spans for span tasks, each counted
        once under its label and source), ``agree`` (accepted), ``rate`` with ``low``/``high``;
        ``1 - rate`` is the correction rate.
    prelabelers : pandas.DataFrame
        Per pre-labeler: ``items`` suggested, ``answers`` (items with a settled label),
        ``agree`` (suggestion equal to it), ``rate``, ``low``, ``high``, ``cost``, ``tokens``.
    anchoring : pandas.DataFrame
        Rows ``shown``, ``hidden`` and ``shown - hidden``; for each, agreement with the
        suggestion (``suggestion_rate``…) and with the settled label (``settled_rate``…),
        counted over answers to items that had a suggestion.
    """

    acceptance: pd.DataFrame
    prelabelers: pd.DataFrame
    anchoring: pd.DataFrame

    def _repr_html_(self) -> str:
        return "\n".join([
            element("h4", "Suggestions accepted"),
            frame_html(self.acceptance, precision=3, index=False),
            element("h4", "Pre-labelers against the settled labels"),
            frame_html(self.prelabelers, precision=3, index=False),
            element("h4", "Anchoring: suggestion shown or hidden"),
            frame_html(self.anchoring, precision=3, index=False),
        ])


def suggestion_report(
    events: pd.DataFrame, settled: pd.Series, *, bins: int = 5, ci: float = 0.95
) -> SuggestionReport:
    """Build the :class:`SuggestionReport` of a project's events.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log (``Project.annotations``): answers with their ``meta``, and the
        pre-labelers' ``suggest`` events.
    settled : pandas.Series
        The settled label per item (``Project.labels(how="majority")``).
    bins : int, default 5
        Confidence bins of the acceptance table.
    ci : float, default 0.95
        Confidence level of the intervals.
    """
    suggestions = events[events["event"] == "suggest"]
    answers = _current_human_answers(events)
    shown = answers[answers["meta"].map(lambda m: isinstance(m, dict) and "suggestion" in m)
                    .astype(bool)]  # a mask even with no answers (not a list of columns)
    acceptance = _acceptance(shown, answers, suggestions, bins, ci)
    return SuggestionReport(
        acceptance,
        _prelabelers(suggestions, settled, ci),
        _anchoring(answers, settled, ci),
    )


def _current_human_answers(events: pd.DataFrame) -> pd.DataFrame:
    answers = events[events["event"].isin(("label", "skip", "retract"))]
    answers = answers[answers["source"] == "human"].sort_values("event_id")
    latest = answers.drop_duplicates(["item", "annotator"], keep="last")
    return latest[latest["event"] == "label"].reset_index(drop=True)


def _acceptance(
    shown: pd.DataFrame, answers: pd.DataFrame, suggestions: pd.DataFrame, bins: int, ci: float
) -> pd.DataFrame:
    rows = _span_rows(answers, ci)
    if shown.empty:
        return pd.DataFrame(rows, columns=["scope", "key", *RATE_COLUMNS])
    accepted = shown["meta"].map(lambda m: bool(m.get("accepted")))
    suggested = shown["meta"].map(lambda m: m["suggestion"])
    origin = [_origin(row, suggestions) for row in shown.itertuples(index=False)]
    frame = pd.DataFrame({
        "annotator": shown["annotator"].to_numpy(),
        "label": [", ".join(map(str, s)) if isinstance(s, list) else str(s) for s in suggested],
        "accepted": accepted.to_numpy(),
        "suggested_by": [by for by, _ in origin],
        "confidence": _confidence_bins([c for _, c in origin], bins),
    })
    rows.append(["overall", "all", *rate_row(frame["accepted"].sum(), len(frame), ci)])
    for scope in ("annotator", "label", "suggested_by", "confidence"):
        for key, group in frame.groupby(scope, sort=True, observed=True):
            rows.append([scope, str(key), *rate_row(group["accepted"].sum(), len(group), ci)])
    return pd.DataFrame(rows, columns=["scope", "key", *RATE_COLUMNS])


def _span_rows(answers: pd.DataFrame, ci: float) -> list[list[Any]]:
    """Return the acceptance of suggested spans: overall, per annotator, label and source."""
    spans = []  # one row per suggested span: who answered, its label, whose it was, kept
    for annotator, meta in zip(answers["annotator"], answers["meta"], strict=True):
        if not isinstance(meta, dict) or not isinstance(meta.get("suggestions"), dict):
            continue
        report = meta["suggestions"]
        kept = set(report.get("accepted", []))
        source = str(report.get("source"))
        by = source.split(":", 1)[1] if source.startswith("prelabel:") else source
        spans.extend((annotator, span[2], by, index in kept)
                     for index, span in enumerate(report.get("spans", [])))
    if not spans:
        return []
    frame = pd.DataFrame(spans, columns=["annotator", "label", "suggested_by", "accepted"])
    rows = [["overall", "suggested spans", *rate_row(frame["accepted"].sum(), len(frame), ci)]]
    for scope in ("annotator", "label", "suggested_by"):
        for key, group in frame.groupby(scope, sort=True):
            rows.append([scope, str(key), *rate_row(group["accepted"].sum(), len(group), ci)])
    return rows


def _origin(answer: Any, suggestions: pd.DataFrame) -> tuple[str, float | None]:
    """Return who made the suggestion an answer was given with, and its confidence if known.

    The newest stored pre-label of the item, before the answer, with the same value; else the
    suggestion came from the task's column or the model, whose confidence is not kept.
    """
    suggestion = value_key(answer.meta["suggestion"])
    before = suggestions[
        (suggestions["item"] == answer.item) & (suggestions["event_id"] < answer.event_id)
    ]
    for row in before.iloc[::-1].itertuples(index=False):
        if value_key(row.value) == suggestion:
            return row.annotator, (row.meta or {}).get("confidence")
    return "column or model", None


def _confidence_bins(confidences: list[float | None], bins: int) -> pd.Categorical:
    edges = np.linspace(0.0, 1.0, bins + 1)
    names = [f"{low:.1f}–{high:.1f}" for low, high in zip(edges[:-1], edges[1:], strict=True)]
    codes = [
        -1 if c is None else min(int(np.searchsorted(edges, c, side="right")) - 1, bins - 1)
        for c in confidences
    ]
    return pd.Categorical.from_codes(codes, categories=names)


def _prelabelers(suggestions: pd.DataFrame, settled: pd.Series, ci: float) -> pd.DataFrame:
    columns = ["prelabeler", "versions", "items", *RATE_COLUMNS, "cost", "tokens"]
    rows = []
    for name, group in suggestions.sort_values("event_id").groupby("annotator", sort=True):
        latest = group.drop_duplicates("item", keep="last")
        truth = settled.reindex(latest["item"]).to_numpy()
        known = np.array([_known(value) for value in truth], dtype=bool)
        agree = sum(
            value_key(s) == value_key(t)
            for s, t, k in zip(latest["value"], truth, known, strict=True)
            if k
        )
        metas = [m or {} for m in group["meta"]]
        versions = sorted({str(m.get("version")) for m in metas})
        cost = sum(m.get("cost") or 0 for m in metas)
        tokens = sum(m.get("tokens") or 0 for m in metas)
        rows.append([
            name, ", ".join(versions), len(latest), *rate_row(agree, int(known.sum()), ci),
            cost, tokens,
        ])
    return pd.DataFrame(rows, columns=columns)


def _known(value: Any) -> bool:
    return isinstance(value, list | dict) or not pd.isna(value)


def _anchoring(answers: pd.DataFrame, settled: pd.Series, ci: float) -> pd.DataFrame:
    def suggestion_of(meta: Any, key: str) -> Any:
        return meta.get(key) if isinstance(meta, dict) else None

    groups = {}
    for condition, key in (("shown", "suggestion"), ("hidden", "hidden_suggestion")):
        picked = answers[answers["meta"].map(lambda m, k=key: suggestion_of(m, k) is not None)
                         .astype(bool)]
        suggested = [value_key(suggestion_of(m, key)) for m in picked["meta"]]
        given = [value_key(v) for v in picked["value"]]
        truth = settled.reindex(picked["item"]).to_numpy()
        known = [_known(t) for t in truth]
        groups[condition] = (
            sum(s == g for s, g in zip(suggested, given, strict=True)), len(given),
            sum(g == value_key(t) for g, t, k in zip(given, truth, known, strict=True) if k),
            sum(known),
        )
    rows = [[condition, *rate_row(a, n, ci)[2:], *rate_row(b, m, ci)[2:], n]
            for condition, (a, n, b, m) in groups.items()]
    rows.append(["shown - hidden", *_difference(groups, 0, 1, ci),
                 *_difference(groups, 2, 3, ci), groups["shown"][1] + groups["hidden"][1]])
    columns = ["condition", "suggestion_rate", "suggestion_low", "suggestion_high",
               "settled_rate", "settled_low", "settled_high", "answers"]
    return pd.DataFrame(rows, columns=columns)


def _difference(
    groups: dict[str, tuple[int, int, int, int]], hit: int, total: int, ci: float
) -> list[float]:
    """Return the difference of two proportions, shown minus hidden, with Newcombe's interval."""
    shown, hidden = groups["shown"], groups["hidden"]
    if not shown[total] or not hidden[total]:
        return [np.nan, np.nan, np.nan]
    _, _, p1, l1, u1 = rate_row(shown[hit], shown[total], ci)
    _, _, p2, l2, u2 = rate_row(hidden[hit], hidden[total], ci)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return [diff, low, high]
