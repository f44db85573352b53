"""Answers in bulk and as of a moment: importing earlier annotations, reproducible snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._checks import OneOf, Text, check, check_kwargs
from ..ledger.bulk import ON_ERROR, ImportReport, import_frame
from ..store import SOURCES
from .base import ProjectBase

if TYPE_CHECKING:
    from ..io.snapshot import Snapshot

_KEY_COLUMN = Text(200, none=True, blank=False, line=True, what="a column name")


class History(ProjectBase):
    """Bulk import and snapshots of a project's answers (see :class:`nblabel.Project`)."""

    @check_kwargs
    def add_many(
        self,
        frame: pd.DataFrame,
        *,
        annotator: str | None = None,
        source: str = "human",
        key: str | None = None,
        on_error: str = "raise",
    ) -> ImportReport:
        """Import earlier answers from a tidy frame: every row checked first, stored at once.

        Parameters
        ----------
        frame : pandas.DataFrame
            One answer per row, in the order they were given: ``item`` (an index value of
            ``df``), ``annotator``, ``value``, and optionally ``event`` (``label``, ``skip``,
            ``retract``; default ``label``), ``flag``, ``comment``, ``source``, ``guideline``,
            ``created_at`` (a time; UTC unless it names a zone; default now), ``duration_ms``
            and ``meta``. ``proj.annotations`` of another project is such a frame (its
            ``event_id`` column is read past).
        annotator : str, optional
            Who answered, for rows without an annotator.
        source : {"human", "model", "gold", "adjudicated"}, default "human"
            Where the answers come from, for rows without a source.
        key : str, optional
            A column holding each answer's id in the system it comes from (e.g.
            ``"ls:" + annotation id``); without it each answer's key is a hash of its row.
        on_error : {"raise", "skip"}, default "raise"
            ``"raise"``: one bad row refuses the import (:class:`~nblabel.io.ImportRefused`,
            a ``ValueError``, lists the problems); ``"skip"``: store the good rows and list
            the others in the report.

        Returns
        -------
        ImportReport
            ``added``, ``present`` (rows imported before, left out), ``refused`` (a table of
            row, item, annotator, field, reason) and ``event_ids``.

        Notes
        -----
        Each row is checked as ``proj.add`` checks an answer (the task, the field rules), and
        against the project as it stands and the rows before it: a ``retract`` needs an answer
        to undo; with ``overlap``, a full item refuses an annotator who does not hold a place.
        The events are written in one transaction, in the frame's order. Each carries its key
        in ``meta["import_key"]`` and the time it was imported in ``meta["imported_us"]``: a
        row whose key is already stored is left out, so importing an export again adds
        nothing. Identical rows in one frame count as repeated answers; give ``created_at`` to
        tell answers repeated across imports apart.

        Examples
        --------
        >>> earlier = pd.DataFrame({"item": [0, 1], "annotator": "ana", "value": ["pos", "neg"]})
        >>> proj.add_many(earlier)  # doctest: +SKIP
        ImportReport(added=2, already present=0, refused=0)
        """
        annotator = None if annotator is None else check("annotator", annotator)
        source = OneOf(SOURCES)("source", source)
        key = _KEY_COLUMN("key", key)
        on_error = OneOf(ON_ERROR)("on_error", on_error)
        with self._ledger.lock:
            report = import_frame(
                self._ledger, frame, self.task, self.df, annotator=annotator, source=source,
                key=key, on_error=on_error,
            )
            self._sessions.flush()
        return report

    def snapshot(self, as_of: Any = None) -> Snapshot:
        """Return the answers as of an event id or a time, fixed: a :class:`~nblabel.io.Snapshot`.

        ``as_of``: the newest event id to hold, or a time (a datetime, Timestamp or ISO text;
        UTC unless it names a zone) for what the store held then; None for everything stored
        now. The snapshot's ``annotations``, ``labels()`` and ``manifest`` never change, and
        every export in :mod:`nblabel.io` can be made from it.
        """
        return self._snapshot(as_of)
