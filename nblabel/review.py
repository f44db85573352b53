"""Adjudication: a reviewer settles the items annotators disagreed on, one by one.

:meth:`nblabel.Project.review` opens the task's own labeling view for a reviewer, fed with the
items that need a decision — answers that differ, a weak majority, or answers marked unsure —
and shows everyone's answer beside the item. The reviewer picks one of them (Shift + its number)
or gives a new answer with the usual keys, and may comment; the decision is stored as an event
with ``source="adjudicated"`` by the reviewer, and the consensus labels of the project follow it.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._payload import Buffers
from ._session import AnnotatorSession, RejectedAnswer
from .queue import Queue

if TYPE_CHECKING:
    from .project import Project

#: Reasons an item needs review, as accepted by ``Project.review(which=...)``.
REASONS = ("disagreement", "low_confidence", "flagged")


def needs_review(project: Project, which: Sequence[str], threshold: float) -> list[int]:
    """Return the row positions to review, in the project's queue order.

    Only answers from people (``source="human"``) count. ``disagreement``: two or more
    answers that are not all the same;
    ``low_confidence``: the most common answer has less than ``threshold`` of the votes;
    ``flagged``: some annotator marked their answer unsure. Items someone already
    adjudicated are left out.
    """
    chosen: set[int] = set()
    for pos, answers in project._by_item.items():
        if any(answer[5] == "adjudicated" for answer in answers.values()):
            continue
        human = [
            answer for answer in answers.values() if answer[5] == "human" and answer[1] == "label"
        ]
        if not human:
            continue
        votes = Counter(_canonical(answer[2]) for answer in human)
        share = votes.most_common(1)[0][1] / len(human)
        if (
            ("disagreement" in which and len(human) >= 2 and len(votes) > 1)
            or ("low_confidence" in which and len(human) >= 2 and share < threshold)
            or ("flagged" in which and any(answer[3] for answer in human))
        ):
            chosen.add(pos)
    order = project.queue.positions
    return [int(pos) for pos in order[np.isin(order, list(chosen))]]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _reviewed(project: Project, annotator: str, answer: Any) -> dict[str, Any]:
    """Return one annotator's answer as the review panel shows it, with its details if any."""
    shown = {"annotator": annotator, "value": answer[2], "flag": answer[3], "comment": answer[4]}
    meta = _meta_of(project, answer[0])
    if meta:
        shown["meta"] = meta
    return shown


def _meta_of(project: Project, event_id: int) -> Any:
    """Return the details (``meta``) stored with event ``event_id``, e.g. a ranking's shown order.

    Events are mirrored in increasing id order, so a binary search finds it.
    """
    columns = project._log._columns
    ids = columns["id"]
    at = bisect.bisect_left(ids, event_id)
    if at == len(ids) or ids[at] != event_id:
        return None
    return columns["meta"][at]


class ReviewSession(AnnotatorSession):
    """A reviewer's session: the items to settle, with everyone's answers in each payload."""

    source = "adjudicated"

    def __init__(
        self,
        project: Project,
        reviewer: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int,
        positions: list[int],
    ) -> None:
        super().__init__(project, reviewer, item_view, window)
        self.cursor = Queue.of(project.n_items, positions).cursor()
        self.review_total = len(positions) + len(self.answers)

    def _top_up(self) -> list[int]:
        taken = set(self.sent)
        wanted = self.window - len(self.sent)
        new = self.cursor.take(max(0, wanted), lambda p: p not in self.answers and p not in taken)
        self.sent.extend(new)
        return new

    def _exhausted(self) -> bool:
        return self.cursor.exhausted

    def _payload(self, pos: int, buffers: Buffers) -> dict[str, Any]:
        payload = super()._payload(pos, buffers)
        answers = self.project._by_item.get(pos, {})
        payload["review"] = [
            _reviewed(self.project, annotator, answer)
            for annotator, answer in sorted(answers.items(), key=lambda kv: kv[1][0])
            if answer[5] != "adjudicated" and answer[1] == "label"
        ]
        return payload

    def _answer_meta(
        self, message: dict[str, Any], pos: int, meta: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        picked = message.get("picked")
        if picked is None:
            return meta
        answers = self.project._by_item.get(pos, {})
        if not isinstance(picked, str) or picked not in answers:
            raise RejectedAnswer(f"{picked!r} has no answer on this item to pick")
        return {**(meta or {}), "picked": picked}

    def progress(self) -> dict[str, Any]:
        """Return the reviewer's counts, with the number of items to review as the total."""
        progress = super().progress()
        progress["total"] = self.review_total
        return progress
