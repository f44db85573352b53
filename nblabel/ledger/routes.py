"""Routes: items sent to chosen annotators first (experts), from ``route`` events.

A route names the annotators an item goes to first. Those annotators get it before their other
items; everyone else is kept off it until each of them has answered (or skipped) it. Routes are
events like any other, so every kernel sharing the store follows the same ones; the newest route
of an item replaces the one before (an empty one ends it).
"""

from __future__ import annotations

from ..store import StoredEvent
from .answers import CurrentAnswers


class Routes:
    """Every item's current route, by row position."""

    def __init__(self, answers: CurrentAnswers) -> None:
        self.answers = answers
        self._targets: dict[int, tuple[str, ...]] = {}
        self._event: dict[int, StoredEvent] = {}

    def apply(self, pos: int, row: StoredEvent) -> None:
        """Take one stored event into account (in id order); only routes count."""
        if row.event != "route":
            return
        targets = tuple(row.value or ())
        if targets:
            self._targets[pos], self._event[pos] = targets, row
        else:
            self._targets.pop(pos, None)
            self._event.pop(pos, None)

    def targets(self, pos: int) -> tuple[str, ...]:
        """Return the annotators ``pos`` goes to first (empty: no route)."""
        return self._targets.get(pos, ())

    def pending(self, pos: int) -> list[str]:
        """Return the route's annotators who have not answered or skipped ``pos`` yet."""
        answered = self.answers.of(pos)
        return [name for name in self.targets(pos) if name not in answered]

    def first_for(self, annotator: str) -> list[int]:
        """Return the positions routed to ``annotator`` they have not answered, oldest first."""
        mine = [pos for pos, targets in self._targets.items() if annotator in targets]
        mine.sort(key=lambda pos: self._event[pos].id)
        return [pos for pos in mine if annotator in self.pending(pos)]

    def held_back(self, pos: int, annotator: str) -> bool:
        """Whether ``pos`` is routed to others who have not all answered it yet."""
        targets = self._targets.get(pos)
        return bool(targets) and annotator not in targets and bool(self.pending(pos))

    def events(self) -> list[tuple[int, StoredEvent]]:
        """Return ``(position, route event)`` of every current route, oldest first."""
        return sorted(self._event.items(), key=lambda entry: entry[1].id)
