"""Pre-labels: each pre-labeler's latest suggestion per item, from ``suggest`` events.

A pre-labeler (an LLM client, rules, a model) writes ``suggest`` events: never answers, but what
the views offer for Enter to accept, with their provenance in ``meta`` (``version``,
``confidence``, ``cost``, ``tokens``). :class:`PreLabels` keeps the latest per item and
pre-labeler as events arrive, so showing a suggestion never re-reads the log.
"""

from __future__ import annotations

from typing import Any

from ..store import StoredEvent


class PreLabels:
    """Every item's latest suggestion from each pre-labeler, by row position."""

    def __init__(self) -> None:
        self._by_item: dict[int, dict[str, StoredEvent]] = {}

    def apply(self, pos: int, row: StoredEvent) -> None:
        """Take one stored event into account (in id order); only suggestions count."""
        if row.event == "suggest":
            self._by_item.setdefault(pos, {})[row.annotator] = row

    def latest(self, pos: int, name: str | None = None) -> StoredEvent | None:
        """Return the newest suggestion for ``pos`` (of pre-labeler ``name`` if given)."""
        found = self._by_item.get(pos, {})
        if name is not None:
            return found.get(name)
        return max(found.values(), key=lambda row: row.id) if found else None

    def done(self, name: str, version: str) -> set[int]:
        """Return the positions pre-labeler ``name`` already suggested for, as ``version``."""
        return {
            pos
            for pos, found in self._by_item.items()
            if name in found and (found[name].meta or {}).get("version") == version
        }

    def names(self) -> list[str]:
        """Return the pre-labelers that suggested anything, in name order."""
        return sorted({name for found in self._by_item.values() for name in found})


def as_suggestion(row: StoredEvent) -> dict[str, Any]:
    """Return a suggest event as a view shows it: value, confidence and whose it is."""
    meta = row.meta or {}
    return {
        "value": row.value,
        "confidence": meta.get("confidence"),
        "source": "prelabel",
        "by": row.annotator,
        "version": meta.get("version"),
    }
