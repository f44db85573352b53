"""Appending events: one writer's checks and inserts, and a group of writers in one transaction.

:func:`write_group` is what :class:`~nblabel.store.commits.GroupCommit` runs for a
:class:`~nblabel.store.Store`: it takes the events lock of every project the group writes to
(in id order, so two kernels' leaders never wait for each other in a circle), then writes each
:class:`Append` with :func:`append_rows`: its ``if_last`` and ``based_on`` checks, its overlap
slots, its rows. A group is written straight through; if the store refuses one of its
appends (stale, item full, log changed, a refused or failing statement), nothing is committed
and the group is written again with a savepoint per append, so the refused one is rolled back
alone and its writer gets its own error while the others commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .._checks import Integer
from .commits import Write
from .engines import exclusive, lock_events
from .errors import LogChanged, StaleAnswer
from .records import ANSWER_EVENTS, now_us
from .schema import events_table as _events
from .slots import give_slot_back, hold_slot_for_good

_BASED_ON = Integer(low=0, none=True, what="an event id (0: none)")
#: Statements built once: values go in as parameters, so their compiled forms are reused.
_INSERT = _events.insert()
#: The id of an annotator's newest answer event on an item (None: none).
_LATEST_ANSWER = sa.select(sa.func.max(_events.c.id)).where(
    _events.c.project_id == sa.bindparam("project_id"),
    _events.c.item == sa.bindparam("item"),
    _events.c.annotator == sa.bindparam("annotator"),
    _events.c.event.in_(ANSWER_EVENTS),
)


class Append(NamedTuple):
    """One writer's checked rows for :func:`append_rows`, as :meth:`Store.append` took them."""

    project_id: int
    rows: list[dict[str, Any]]
    conditions: list[int | None]
    overlap: int | None
    lease_us: int
    if_last: int | None


def write_group(engine: Engine, writes: list[Write]) -> None:
    """Write the :class:`Append` of each of ``writes`` in one transaction, and commit it.

    Sets ``ids`` on each write stored and ``error`` on each refused. Raises (nothing
    committed) when the transaction as a whole fails. A group is first written straight
    through; only if one of its appends is refused is it written again (nothing of the first
    attempt was committed) with a savepoint per append, so the refusal stays its writer's own.
    """
    if len(writes) > 1:
        try:
            _write(engine, writes, alone=False)
            return
        except _Refused:
            for write in writes:
                write.ids = None
    _write(engine, writes, alone=True)


class _Refused(Exception):
    """One append of a group written straight through was refused (the group rolled back)."""


def _write(engine: Engine, writes: list[Write], alone: bool) -> None:
    projects = sorted({write.job.project_id for write in writes})
    with exclusive(engine, schema=False) as conn:
        for project_id in projects:
            lock_events(conn, project_id)
        if len(writes) == 1:  # its error rolls the transaction back and reaches its writer
            writes[0].ids = append_rows(conn, writes[0].job)
        elif not alone:
            for write in writes:
                try:
                    write.ids = append_rows(conn, write.job)
                except Exception as error:  # before the commit: the group is written again
                    raise _Refused from error
        else:
            for write in writes:
                savepoint = conn.begin_nested()
                try:
                    write.ids = append_rows(conn, write.job)
                except Exception as error:  # this writer's refusal, not the group's
                    savepoint.rollback()
                    write.error = error
                else:
                    savepoint.commit()


def append_rows(conn: sa.Connection, job: Append) -> list[int]:
    """Check and insert one writer's rows in ``conn``'s transaction; return their ids in order.

    The caller holds the project's events lock, so the rows' ids follow every id committed
    before and come back in the order of the rows.
    """
    project_id, rows = job.project_id, job.rows
    before = None
    if job.if_last is not None:
        before = last_id(conn, project_id)
        if before != job.if_last:
            raise LogChanged(job.if_last, before)
    held: set[tuple[str, str]] = set()  # slots this batch already holds for good
    for row, condition in zip(rows, job.conditions, strict=True):
        if condition is not None:
            check_not_stale(conn, row, condition)
        if job.overlap is not None and row["source"] == "human":
            slot = (row["item"], row["annotator"])
            if row["event"] == "label" and slot not in held:
                hold_slot_for_good(conn, project_id, *slot, job.overlap, now_us(), job.lease_us)
                held.add(slot)
            elif row["event"] == "skip":  # not an answer: the place goes to another
                give_slot_back(conn, project_id, *slot)
                held.discard(slot)
    if len(rows) == 1:  # an answer from a view or from code: its id comes back at once
        inserted = conn.execute(_INSERT, rows[0])
        return [int(inserted.inserted_primary_key[0])]
    if before is None:
        before = last_id(conn, project_id)
    conn.execute(_INSERT, rows)
    # Appends to one project commit one at a time (see lock_events), so the rows' ids are this
    # project's events after ``before``, in the order they were given.
    ids = conn.execute(
        sa.select(_events.c.id)
        .where(_events.c.project_id == project_id, _events.c.id > before)
        .order_by(_events.c.id)
    ).scalars()
    return [int(event_id) for event_id in ids]


def check_based_on(based_on: Sequence[int | None] | None, count: int) -> list[int | None]:
    """Return one ``based_on`` condition per event (None: none), checked."""
    if based_on is None:
        return [None] * count
    if isinstance(based_on, str | bytes) or not isinstance(based_on, Sequence):
        raise TypeError(f"based_on must be a list of event ids (or None), got {based_on!r}.")
    if len(based_on) != count:
        raise ValueError(f"based_on has {len(based_on)} entries for {count} events.")
    return [_BASED_ON("based_on", value) for value in based_on]


def check_if_last(if_last: int | None) -> int | None:
    """Return ``if_last`` (an event id, 0 for an empty log, or None), checked."""
    return _BASED_ON("if_last", if_last)


def last_id(conn: sa.Connection, project_id: int) -> int:
    """Return the id of the project's newest event (0 when it has none)."""
    last = conn.execute(
        sa.select(sa.func.max(_events.c.id)).where(_events.c.project_id == project_id)
    ).scalar()
    return int(last or 0)


def check_not_stale(conn: sa.Connection, row: dict[str, Any], based_on: int) -> None:
    """Raise :class:`StaleAnswer` if the annotator has an event on the item newer than based_on."""
    latest = conn.execute(
        _LATEST_ANSWER,
        {"project_id": row["project_id"], "item": row["item"], "annotator": row["annotator"]},
    ).scalar()
    if latest is not None and latest > based_on:
        raise StaleAnswer(row["item"], row["annotator"], based_on, int(latest))
