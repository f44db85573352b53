"""Overlap: each item's ``overlap`` answer slots, taken, renewed, kept and given back.

An annotator holds at most one slot of an item: a lease while the item is on their screen, for
good once they answered. The claims table's keys make the cap hold across kernels; these
statements run inside the caller's transaction (see :class:`~nblabel.store.Store`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from .engines import insert_ignore
from .errors import ItemFull
from .schema import claims_table as _claims


def take_slot(
    conn: sa.Connection,
    project_id: int,
    item: str,
    annotator: str,
    overlap: int,
    now: int,
    expires: int,
) -> bool:
    """Renew ``annotator``'s slot of ``item``, or take a free or expired one; return if held."""
    mine = (
        (_claims.c.project_id == project_id)
        & (_claims.c.item == item)
        & (_claims.c.annotator == annotator)
    )
    if conn.execute(_claims.update().where(mine).values(expires_us=expires)).rowcount:
        return True
    for slot in range(overlap):
        taken = conn.execute(
            insert_ignore(conn.dialect.name, _claims).values(
                project_id=project_id,
                item=item,
                slot=slot,
                annotator=annotator,
                expires_us=expires,
                done=False,
            )
            # RETURNING, not rowcount: drivers report -1 for an INSERT that did nothing.
            .returning(_claims.c.slot)
        )
        if taken.first() is not None:
            return True
    for slot in range(overlap):
        expired = conn.execute(
            _claims.update()
            .where(
                _claims.c.project_id == project_id,
                _claims.c.item == item,
                _claims.c.slot == slot,
                _claims.c.done.is_(False),
                _claims.c.expires_us < now,
            )
            .values(annotator=annotator, expires_us=expires)
        )
        if expired.rowcount:
            return True
    return False


def hold_slot_for_good(
    conn: sa.Connection,
    project_id: int,
    item: str,
    annotator: str,
    overlap: int,
    now: int,
    lease_us: int,
) -> None:
    """Keep ``annotator``'s slot of ``item`` for good (they answered); raise ``ItemFull``."""
    if not take_slot(conn, project_id, item, annotator, overlap, now, now + lease_us):
        raise ItemFull(
            f"item {item} already has its {overlap} answers (or annotators holding it) from "
            "others; nothing was saved. Go on with another item."
        )
    conn.execute(
        _claims.update()
        .where(
            _claims.c.project_id == project_id,
            _claims.c.item == item,
            _claims.c.annotator == annotator,
        )
        .values(done=True)
    )


def give_slot_back(conn: sa.Connection, project_id: int, item: str, annotator: str) -> None:
    """Free ``annotator``'s slot of ``item``, answered or not (a skip is not an answer)."""
    conn.execute(
        _claims.delete().where(
            _claims.c.project_id == project_id,
            _claims.c.item == item,
            _claims.c.annotator == annotator,
        )
    )


def renew_leases(
    conn: sa.Connection, project_id: int, items: Sequence[str], annotator: str, expires: int
) -> int:
    """Extend ``annotator``'s unanswered leases on ``items``; return how many were renewed."""
    result = conn.execute(
        _claims.update()
        .where(
            _claims.c.project_id == project_id,
            _claims.c.annotator == annotator,
            _claims.c.item.in_(list(items)),
            _claims.c.done.is_(False),
        )
        .values(expires_us=expires)
    )
    return int(result.rowcount)


def release_leases(conn: sa.Connection, project_id: int, annotator: str) -> int:
    """Give back ``annotator``'s unanswered leases; return how many were released."""
    result = conn.execute(
        _claims.delete().where(
            _claims.c.project_id == project_id,
            _claims.c.annotator == annotator,
            _claims.c.done.is_(False),
        )
    )
    return int(result.rowcount)


def held_slots(project_id: int) -> sa.Select:
    """Return the query of every slot held in the project, in :class:`Claim` field order."""
    return (
        sa.select(
            _claims.c.item,
            _claims.c.slot,
            _claims.c.annotator,
            _claims.c.expires_us,
            _claims.c.done,
        )
        .where(_claims.c.project_id == project_id)
        .order_by(_claims.c.item, _claims.c.slot)
    )
