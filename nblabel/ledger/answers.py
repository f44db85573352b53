"""Current answers: each annotator's standing answer per item, and the rules that read them.

The *current* answer of an annotator for an item is their latest ``label`` or ``skip`` event not
followed by a ``retract``. :class:`CurrentAnswers` keeps them per row position as events arrive,
so the queue, overlap, review and the model never re-read the log. The rules that every reader
shares live here once: which answers fill one of an item's ``overlap`` places, and that an
adjudicated answer settles its item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ..store import ANSWER_EVENTS, StoredEvent


class CurrentAnswer(NamedTuple):
    """One annotator's standing answer to one item."""

    event_id: int
    event: str
    value: Any
    flag: str | None
    comment: str | None
    source: str

    @property
    def is_label(self) -> bool:
        """Whether it gives a label (not a skip)."""
        return self.event == "label"

    @property
    def is_human_label(self) -> bool:
        """Whether it is an annotator's own label (not a skip, a model's, gold or a decision)."""
        return self.event == "label" and self.source == "human"

    @property
    def is_decision(self) -> bool:
        """Whether it is a reviewer's adjudicated label."""
        return self.event == "label" and self.source == "adjudicated"


class CurrentAnswers:
    """Every item's current answers, by row position and annotator."""

    def __init__(self) -> None:
        self._by_item: dict[int, dict[str, CurrentAnswer]] = {}

    def apply(self, pos: int, row: StoredEvent) -> None:
        """Take one stored event into account (in id order); suggestions are not answers."""
        if row.event not in ANSWER_EVENTS:
            return
        answers = self._by_item.setdefault(pos, {})
        if row.event == "retract":
            answers.pop(row.annotator, None)
        else:
            answers[row.annotator] = CurrentAnswer(
                row.id, row.event, row.value, row.flag, row.comment, row.source
            )

    def of(self, pos: int) -> Mapping[str, CurrentAnswer]:
        """Return the current answers to the item at ``pos``, by annotator (read-only view)."""
        return _EMPTY if pos not in self._by_item else _ReadOnly(self._by_item[pos])

    def items(self) -> Iterator[tuple[int, Mapping[str, CurrentAnswer]]]:
        """Yield ``(position, answers by annotator)`` for every item with an event."""
        for pos, answers in self._by_item.items():
            yield pos, _ReadOnly(answers)

    def holders(self, pos: int) -> set[str]:
        """Annotators whose own labels fill one of the item's ``overlap`` places.

        A skip gives its place back, and a reviewer's or a model's answer takes none.
        """
        answers = self._by_item.get(pos, {})
        return {name for name, answer in answers.items() if answer.is_human_label}


class _ReadOnly(Mapping[str, CurrentAnswer]):
    """A read-only view of one item's answers."""

    def __init__(self, answers: dict[str, CurrentAnswer]) -> None:
        self._answers = answers

    def __getitem__(self, annotator: str) -> CurrentAnswer:
        return self._answers[annotator]

    def __iter__(self) -> Iterator[str]:
        return iter(self._answers)

    def __len__(self) -> int:
        return len(self._answers)


_EMPTY: Mapping[str, CurrentAnswer] = _ReadOnly({})


def decision(answers: Mapping[str, CurrentAnswer]) -> CurrentAnswer | None:
    """Return the adjudicated answer that settles an item (the latest if several), or None.

    Every way of settling an item (consensus labels, the model's training label) starts here:
    a reviewer's decision wins over the annotators' answers.
    """
    decided = [answer for answer in answers.values() if answer.is_decision]
    return max(decided, key=lambda answer: answer.event_id) if decided else None


def value_key(value: Any) -> str:
    """Return a hashable key that is equal for equal answers (labels, label sets, spans…)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
