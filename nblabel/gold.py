"""Gold items: questions with known answers, mixed into the stream to measure and teach annotators.

A :class:`Gold` says which items have known answers (a column of the DataFrame, or a Series
indexed by item ids), how often they appear among the other items, whether the widget teaches
(shows the right answer and its explanation right after an annotator answers one), and whether
annotators must first pass a qualification round of gold items before their answers count.
Annotators are not told which items are gold (unless teaching).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import Boolean, Integer, Number, check, check_kwargs
from .qualification import Round, qualification_rounds
from .tasks import Task


@dataclass(frozen=True)
class Gold:
    """Known answers for some items, and how to use them.

    Parameters
    ----------
    answers : str or pandas.Series
        A column of the project's DataFrame holding the known answer (missing where unknown),
        or a Series of answers indexed by item ids. To use a separate gold set, append its
        rows to the DataFrame and point ``answers`` at them.
    explanation : str, optional
        A column with why the answer is right, shown in teaching mode.
    rate : float, default 0.1
        Share of the stream that is gold after qualification (0 to mix none in).
    teach : bool, default False
        Show the right answer (and explanation) right after a gold item is answered.
    qualify : int, default 0
        Every annotator first answers this many gold items; their answers count only if
        they reach ``threshold`` on them (see :meth:`nblabel.Project.qualified`).
    threshold : float, default 0.8
        Share of qualification items to get right.
    requalify_on_guideline : bool, default False
        Send an annotator back for another round when they first answer under a new
        guideline version (see :mod:`nblabel.qualification`).
    window : int, default 0
        After qualifying, watch accuracy over the last ``window`` gold answers; below
        ``threshold``, another round starts (0: do not watch).

    Examples
    --------
    >>> import nblabel as nl
    >>> gold = nl.Gold("known_intent", rate=0.05, qualify=10, threshold=0.8)
    """

    answers: str | pd.Series
    explanation: str | None = None
    rate: float = 0.1
    teach: bool = False
    qualify: int = 0
    threshold: float = 0.8
    requalify_on_guideline: bool = False
    window: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.answers, (str, pd.Series)):
            raise TypeError(
                "answers must be a column name or a pandas Series of known answers indexed "
                f"by item id, got {type(self.answers).__name__}."
            )
        if self.explanation is not None and not isinstance(self.explanation, str):
            raise TypeError(f"explanation must be a column name, got {self.explanation!r}.")
        Number(0, 1, high_open=True, what="a share between 0 and 1 (e.g. 0.1)")("rate", self.rate)
        Boolean()("teach", self.teach)
        Integer(low=0, what="a number of gold items (0 for none)")("qualify", self.qualify)
        check("threshold", self.threshold)
        Boolean()("requalify_on_guideline", self.requalify_on_guideline)
        Integer(low=0, what="a number of gold answers (0: not watched)")("window", self.window)
        if (self.requalify_on_guideline or self.window) and not self.qualify:
            raise ValueError(
                "requalify_on_guideline and window send annotators back to a qualification "
                "round: give qualify= its number of gold items too."
            )

    @property
    def period(self) -> int | None:
        """Every ``period``-th item of the stream is gold (None when ``rate`` is 0)."""
        return None if self.rate == 0 else max(2, round(1 / self.rate))


class GoldSet:
    """A :class:`Gold` bound to a project's DataFrame and task: positions and checked answers."""

    def __init__(self, gold: Gold, df: pd.DataFrame, task: Task) -> None:
        self.spec = gold
        answers = _answers(gold, df)
        self.expected: dict[int, Any] = {}
        for item, value in answers.items():
            try:
                self.expected[int(df.index.get_loc(item))] = task.validate(value)
            except ValueError as error:
                raise ValueError(
                    f"the gold answer for item {item!r} is not valid: {error}"
                ) from error
        if not self.expected:
            raise ValueError("no gold answers: the gold column or Series has no known answer.")
        if gold.qualify > len(self.expected):
            raise ValueError(
                f"qualify={gold.qualify} needs at least that many gold items; there are "
                f"{len(self.expected)}."
            )
        self.explanations: dict[int, str] = {}
        if gold.explanation is not None:
            if gold.explanation not in df.columns:
                raise ValueError(
                    f"explanation column {gold.explanation!r} is not in df; its columns are "
                    f"{[str(c) for c in df.columns]}."
                )
            column = df[gold.explanation]
            for pos in self.expected:
                text = column.iloc[pos]
                if isinstance(text, str) and text:
                    self.explanations[pos] = text
        self.positions = frozenset(self.expected)

    @classmethod
    def of(cls, gold: str | Gold, df: pd.DataFrame, task: Task) -> GoldSet:
        """Return the gold set of ``gold`` (a column name or a :class:`Gold`) for a project."""
        if not isinstance(gold, str | Gold):
            raise TypeError(f"gold must be a column name or nl.Gold(...), got {gold!r}.")
        return cls(Gold(gold) if isinstance(gold, str) else gold, df, task)

    def __contains__(self, pos: int) -> bool:
        return pos in self.positions

    def due(self, index: int, seen: int) -> bool:
        """Whether item ``index`` of an annotator's stream is a gold one (``seen`` so far).

        Gold items come first for the qualification round, then every ``period``-th item.
        """
        spec = self.spec
        if seen < spec.qualify:
            return True
        return spec.period is not None and (index - spec.qualify + 1) % spec.period == 0

    def regular_run(self, index: int, window: int) -> int:
        """How many regular items may follow stream position ``index`` before a gold one."""
        spec = self.spec
        if spec.period is None:
            return window
        return max(1, spec.period - 1 - (index - spec.qualify) % spec.period)

    def teaching(self, pos: int) -> dict[str, Any] | None:
        """Return what to show once ``pos`` is answered in teaching mode (None otherwise)."""
        if not self.spec.teach or pos not in self.positions:
            return None
        return {"expected": self.expected[pos], "explanation": self.explanations.get(pos)}

    def graded(self, current: pd.DataFrame) -> pd.DataFrame:
        """Return the label answers on gold items with ``correct``, oldest first.

        ``current`` holds current answers with a ``position`` column (see ``EventLog.current``).
        """
        on_gold = current[(current["event"] == "label") & current["position"].isin(self.positions)]
        on_gold = on_gold.sort_values("event_id")
        correct = [
            value == self.expected[pos]
            for pos, value in zip(on_gold["position"], on_gold["value"], strict=True)
        ]
        return on_gold.assign(correct=np.asarray(correct, dtype=bool))

    def rounds(self, annotator: str, current: pd.DataFrame, events: pd.DataFrame) -> list[Round]:
        """Return ``annotator``'s qualification rounds (see :mod:`nblabel.qualification`).

        ``current`` holds their current answers (with ``position``), ``events`` the log.
        """
        graded = self.graded(current)
        mine = events[(events["annotator"] == annotator) & events["event"].isin(("label", "skip"))]
        spec = self.spec
        return qualification_rounds(
            graded[graded["annotator"] == annotator], mine, qualify=spec.qualify,
            threshold=spec.threshold, requalify_on_guideline=spec.requalify_on_guideline,
            window=spec.window,
        )

    def qualification_of(
        self, annotator: str, current: pd.DataFrame, events: pd.DataFrame
    ) -> dict[str, Any]:
        """Return ``annotator``'s current round: done, needed, correct and passed.

        After the first round, also ``round`` (its number) and ``reason`` (why it started).
        """
        last = self.rounds(annotator, current, events)[-1]
        state = {"done": last.done, "needed": last.needed, "correct": last.correct,
                 "passed": last.passed}
        if last.round > 1:
            state.update(round=last.round, reason=last.reason)
        return state

    def counts(self, annotator: str, current: pd.DataFrame, events: pd.DataFrame) -> bool:
        """Whether ``annotator``'s answers count: no qualification round, or they passed it."""
        if not self.spec.qualify:
            return True
        return self.qualification_of(annotator, current, events)["passed"] is True


def _answers(gold: Gold, df: pd.DataFrame) -> pd.Series:
    if isinstance(gold.answers, str):
        if gold.answers not in df.columns:
            raise ValueError(
                f"gold column {gold.answers!r} is not in df; its columns are "
                f"{[str(c) for c in df.columns]}."
            )
        answers = df[gold.answers]
    else:
        answers = gold.answers
        unknown = answers.index[~answers.index.isin(df.index)]
        if len(unknown):
            raise ValueError(
                f"gold answers name items that are not in df's index: {unknown[:5].tolist()}; "
                "append gold rows to the DataFrame first."
            )
    return answers[answers.map(_known)]


def _known(value: Any) -> bool:
    if isinstance(value, (list, tuple, dict)):
        return True
    return not pd.isna(value)


@check_kwargs
def gold_accuracy(
    gold: GoldSet | None, current: pd.DataFrame, over_time: bool = False
) -> pd.DataFrame:
    """Return each annotator's accuracy on gold items (overall, or as it evolved).

    Parameters
    ----------
    gold : GoldSet or None
        A project's gold items (``proj.gold``; None: an error that says how to add them).
    current : pandas.DataFrame
        Current answers with a ``position`` column (a project's ledger gives them).
    over_time : bool, default False
        False: one row per annotator (``answered``, ``correct``, ``accuracy``). True: one row
        per gold answer, oldest first, with the annotator's running ``accuracy`` so far.

    Examples
    --------
    >>> proj.gold_accuracy()  # doctest: +SKIP
    """
    if gold is None:
        raise ValueError("this project has no gold items: create it with gold=nl.Gold(...).")
    check("over_time", over_time)
    graded = gold.graded(current)
    if over_time:
        graded = graded.assign(one=1)
        by = graded.groupby("annotator", sort=False)
        return pd.DataFrame(
            {
                "annotator": graded["annotator"],
                "item": graded["item"],
                "created_at": graded["created_at"],
                "correct": graded["correct"],
                "answered": by["one"].cumsum(),
                "accuracy": by["correct"].cumsum() / by["one"].cumsum(),
            }
        ).reset_index(drop=True)
    by = graded.groupby("annotator")["correct"]
    table = pd.DataFrame({"answered": by.size(), "correct": by.sum().astype("int64")})
    table["accuracy"] = table["correct"] / table["answered"]
    return table
