"""The annotation log: an append-only table of events, on SQLite or PostgreSQL.

Nothing is ever updated or deleted: an answer is a ``label`` event, undo is a ``retract`` event,
and readers derive the current state. Every write is committed before it returns, so an
acknowledged answer is on disk before the widget hears about it; concurrent appends to one
store share a transaction (group commit), each keeping its own ids or its own error. Access
goes through SQLAlchemy Core so the embedded SQLite file (WAL mode, full fsync, a busy timeout
so several kernels can share it) and a team's PostgreSQL server share one code path.

Modules: :mod:`~nblabel.store.records` (what goes in and comes out: :class:`NewEvent`,
:class:`StoredEvent`, :class:`Claim`, :class:`GuidelineVersion`), :mod:`~nblabel.store.store`
(the :class:`Store`), :mod:`~nblabel.store.schema` (tables and migrations),
:mod:`~nblabel.store.engines` (locations, SQLite and PostgreSQL specifics),
:mod:`~nblabel.store.commits` (group commit), :mod:`~nblabel.store.appending` (what an append
checks and writes, alone or in a group), :mod:`~nblabel.store.slots` (overlap slots),
:mod:`~nblabel.store.access` (team members' access on a shared PostgreSQL store, and what the
database's refusals mean) and :mod:`~nblabel.store.errors` (:class:`StoreError` and the
explanation of driver errors).
"""

from .engines import BUSY_TIMEOUT_S, DEFAULT_STORE
from .errors import AccessDenied, ItemFull, LogChanged, StaleAnswer, StoreError
from .records import (
    ANSWER_EVENTS,
    EVENT_COLUMNS,
    EVENT_KINDS,
    SOURCES,
    Claim,
    GuidelineVersion,
    NewEvent,
    StoredEvent,
    now_us,
)
from .schema import SCHEMA_VERSION
from .store import Store

__all__ = [
    "ANSWER_EVENTS",
    "AccessDenied",
    "BUSY_TIMEOUT_S",
    "DEFAULT_STORE",
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "SCHEMA_VERSION",
    "SOURCES",
    "Claim",
    "GuidelineVersion",
    "ItemFull",
    "LogChanged",
    "StaleAnswer",
    "NewEvent",
    "Store",
    "StoreError",
    "StoredEvent",
    "now_us",
]
