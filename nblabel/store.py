"""The annotation log: an append-only table of events, on SQLite or PostgreSQL.

Nothing is ever updated or deleted: an answer is a ``label`` event, undo is a ``retract`` event,
and readers derive the current state. Every write is its own committed transaction, so an
acknowledged answer is on disk before the widget hears about it. Access goes through SQLAlchemy
Core so the embedded SQLite file (WAL mode, full fsync, a busy timeout so several kernels can
share it) and a team's PostgreSQL server share one code path.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from .tasks import Task, task_from_json

#: Version of the table layout; older files are migrated on open, newer ones refused.
SCHEMA_VERSION = 3
#: The default store: a SQLite file in the working directory.
DEFAULT_STORE = "nblabel.db"
#: Columns of the events table, in the order :meth:`Store.read` returns them.
EVENT_COLUMNS = (
    "id",
    "item",
    "annotator",
    "event",
    "value",
    "flag",
    "comment",
    "source",
    "guideline",
    "created_us",
    "duration_ms",
    "meta",
)
#: What an event records: an answer, a skip, or the undoing of the annotator's last answer.
EVENT_KINDS = ("label", "skip", "retract")
#: Where an answer comes from.
SOURCES = ("human", "model", "gold", "adjudicated")

_BUSY_TIMEOUT_S = 30.0
#: PostgreSQL advisory lock key held while creating or migrating the tables.
_SCHEMA_LOCK = 0x6E626C6162656C  # "nblabel"
#: PostgreSQL advisory lock key (with the project's id) held while appending events.
_EVENTS_LOCK = 0x6E626C  # "nbl"

_metadata = sa.MetaData()
_id_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_meta_table = sa.Table(
    "nblabel_meta",
    _metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
_projects = sa.Table(
    "nblabel_projects",
    _metadata,
    sa.Column("id", _id_type, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("task", sa.Text, nullable=False),
    sa.Column("created_us", sa.BigInteger, nullable=False),
)
_events = sa.Table(
    "nblabel_events",
    _metadata,
    sa.Column("id", _id_type, primary_key=True, autoincrement=True),
    sa.Column("project_id", _id_type, sa.ForeignKey("nblabel_projects.id"), nullable=False),
    sa.Column("item", sa.Text, nullable=False),
    sa.Column("annotator", sa.Text, nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("flag", sa.Text),
    sa.Column("comment", sa.Text),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("guideline", sa.String(64)),
    sa.Column("created_us", sa.BigInteger, nullable=False),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("meta", sa.Text),
    sa.Index("ix_nblabel_events_project_id", "project_id", "id"),
    sa.Index("ix_nblabel_events_project_item", "project_id", "item"),
)
_guidelines = sa.Table(
    "nblabel_guidelines",
    _metadata,
    sa.Column("project_id", _id_type, sa.ForeignKey("nblabel_projects.id"), primary_key=True),
    sa.Column("version", sa.String(64), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_us", sa.BigInteger, nullable=False),
    sa.Column("name", sa.Text),
)


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


#: Who holds which of an item's ``overlap`` answer slots: leases while an item is on someone's
#: screen, kept for good (``done``) once they answered. The primary key caps an item at
#: ``overlap`` holders and the unique constraint gives each annotator at most one slot per item,
#: so concurrent kernels can never hand out more than ``overlap`` answers for an item.
_claims = sa.Table(
    "nblabel_claims",
    _metadata,
    sa.Column("project_id", _id_type, sa.ForeignKey("nblabel_projects.id"), primary_key=True),
    sa.Column("item", sa.Text, primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True),
    sa.Column("annotator", sa.Text, nullable=False),
    sa.Column("expires_us", sa.BigInteger, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("project_id", "item", "annotator", name="uq_nblabel_claims_annotator"),
)

def _add_claims(conn: sa.Connection) -> None:
    """Add the overlap slots table (schema 2)."""
    _claims.create(conn, checkfirst=True)


def _add_guideline_names(conn: sa.Connection) -> None:
    """Add a human name to each guideline version (schema 3)."""
    columns = {column["name"] for column in sa.inspect(conn).get_columns(_guidelines.name)}
    if "name" not in columns:
        conn.exec_driver_sql(f"ALTER TABLE {_guidelines.name} ADD COLUMN name TEXT")


#: Upgrades from schema version N to N + 1, keyed by N.
_MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _add_claims, 2: _add_guideline_names}


class ItemFull(StoreError):
    """An item already has its ``overlap`` answers (or holders); this annotator cannot take it."""


def now_us() -> int:
    """Return the current UTC time in integer microseconds since the epoch."""
    return time.time_ns() // 1000


class Store:
    """An append-only log of annotation events shared by any number of projects.

    Parameters
    ----------
    location : str, pathlib.Path or sqlalchemy.engine.Engine, optional
        A SQLite file path (created if missing; default ``"nblabel.db"`` in the working
        directory), ``":memory:"`` for a throw-away store, or a SQLAlchemy URL such as
        ``"postgresql+psycopg://user@host/db"``.

    Examples
    --------
    >>> from nblabel.store import Store
    >>> store = Store(":memory:")
    >>> store.url
    'sqlite:///:memory:'
    """

    def __init__(self, location: str | os.PathLike[str] | Engine | None = None) -> None:
        self.engine = _make_engine(DEFAULT_STORE if location is None else location)
        self.url = self.engine.url.render_as_string(hide_password=True)
        try:
            self._prepare()
        except sa.exc.DBAPIError as error:
            self.engine.dispose()
            raise StoreError(_explain(error, self.url)) from error

    # -- projects -----------------------------------------------------------------------------
    def open_project(self, name: str, task: Task) -> int:
        """Return the id of project ``name``, creating it with ``task`` if it is new.

        Raises
        ------
        nblabel.tasks.TaskMismatchError
            If the project exists with a task whose stored answers would not fit ``task``.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a project name must be a non-empty string, got {name!r}.")
        if not isinstance(task, Task):
            raise TypeError(
                f"task must be an nblabel task (nl.Classify, nl.Spans or nl.Rank), got "
                f"{type(task).__name__}."
            )
        row = self._project_row(name)
        if row is None:
            with self._writing() as conn:
                conn.execute(
                    self._insert_ignore(_projects, ["name"]).values(
                        name=name, task=task.to_json(), created_us=now_us()
                    )
                )
            row = self._project_row(name)
        project_id, stored_json = row
        stored = task_from_json(stored_json)
        task.check_compatible(stored)
        if stored != task:
            with self._writing() as conn:
                conn.execute(
                    _projects.update()
                    .where(_projects.c.id == project_id)
                    .values(task=task.to_json())
                )
        if task.guidelines:
            self.record_guideline(
                project_id, task.guideline_version, task.guidelines, task.guideline_name
            )
        return int(project_id)

    def projects(self) -> list[str]:
        """Return the names of the projects in this store."""
        with self._reading() as conn:
            return [r[0] for r in conn.execute(sa.select(_projects.c.name).order_by("id"))]

    def record_guideline(
        self, project_id: int, version: str, text: str, name: str | None = None
    ) -> None:
        """Keep the text of guideline ``version`` (once) so answers can be traced to it.

        A name given later to a version recorded without one is added; names never change.
        """
        with self._writing() as conn:
            conn.execute(
                self._insert_ignore(_guidelines, ["project_id", "version"]).values(
                    project_id=project_id, version=version, text=text, created_us=now_us(),
                    name=name,
                )
            )
            if name is not None:
                conn.execute(
                    _guidelines.update()
                    .where(
                        _guidelines.c.project_id == project_id,
                        _guidelines.c.version == version,
                        _guidelines.c.name.is_(None),
                    )
                    .values(name=name)
                )

    def guidelines(self, project_id: int) -> list[tuple[str, str, int, str | None]]:
        """Return ``(version, text, created_us, name)`` of every guideline seen, oldest first."""
        query = (
            sa.select(
                _guidelines.c.version, _guidelines.c.text, _guidelines.c.created_us,
                _guidelines.c.name,
            )
            .where(_guidelines.c.project_id == project_id)
            .order_by(_guidelines.c.created_us)
        )
        with self._reading() as conn:
            return [tuple(row) for row in conn.execute(query)]

    # -- events -------------------------------------------------------------------------------
    def append(
        self,
        project_id: int,
        events: Sequence[Mapping[str, Any]],
        overlap: int | None = None,
        lease_us: int = 0,
    ) -> list[int]:
        """Write ``events`` in one committed transaction and return their ids.

        Each event is a mapping with the keys of :data:`EVENT_COLUMNS` except ``id``; ``value``
        and ``meta`` are JSON-encoded here. Missing ``created_us`` is set to now. With
        ``overlap``, every human ``label`` event takes (or keeps) one of its item's ``overlap``
        slots for good, in the same transaction; if none is left the whole transaction is rolled
        back and :class:`ItemFull` raised. A human ``skip`` gives the annotator's slot back.
        """
        if overlap is not None:
            _check_overlap(overlap, lease_us)
        rows = [_event_row(project_id, _check_event(event)) for event in events]
        ids = []
        try:
            with self._exclusive(schema=False) as conn:
                if self.engine.dialect.name == "postgresql":
                    # Ids come from a sequence: without this lock a writer could commit id 7
                    # after another committed id 8, and a kernel that had read up to 8 would
                    # never see 7. One writer at a time per project keeps commits in id order
                    # (SQLite's BEGIN IMMEDIATE already does).
                    conn.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({_EVENTS_LOCK}, {int(project_id)})"
                    )
                for row in rows:
                    if overlap is not None and row["source"] == "human":
                        if row["event"] == "label":
                            self._hold_for_good(conn, project_id, row, overlap, lease_us)
                        elif row["event"] == "skip":  # not an answer: the place goes to another
                            self._give_back(conn, project_id, row["item"], row["annotator"])
                    ids.append(
                        int(conn.execute(_events.insert().values(**row)).inserted_primary_key[0])
                    )
        except sa.exc.DBAPIError as error:
            raise StoreError(_explain(error, self.url)) from error
        return ids

    # -- overlap: answer slots --------------------------------------------------------------
    def claim(
        self, project_id: int, items: Sequence[str], annotator: str, overlap: int, lease_us: int
    ) -> list[str]:
        """Reserve one of ``overlap`` slots on each item for ``annotator``; return those held.

        An item the annotator already holds (or answered) is renewed and returned; otherwise a
        free slot is taken, or a slot whose lease expired and that was never answered. Items
        whose slots are all held by others are left out.
        """
        _check_overlap(overlap, lease_us)
        now = now_us()
        held = []
        try:
            with self._exclusive(schema=False) as conn:
                for item in items:
                    if self._take_slot(
                        conn, project_id, item, annotator, overlap, now, now + lease_us
                    ):
                        held.append(item)
        except sa.exc.DBAPIError as error:
            raise StoreError(_explain(error, self.url)) from error
        return held

    def renew(self, project_id: int, items: Sequence[str], annotator: str, lease_us: int) -> int:
        """Extend ``annotator``'s unanswered leases on ``items``; return how many were renewed."""
        _check_lease(lease_us)
        if not items:
            return 0
        with self._writing() as conn:
            result = conn.execute(
                _claims.update()
                .where(
                    _claims.c.project_id == project_id,
                    _claims.c.annotator == annotator,
                    _claims.c.item.in_(list(items)),
                    _claims.c.done.is_(False),
                )
                .values(expires_us=now_us() + lease_us)
            )
        return int(result.rowcount)

    def release(self, project_id: int, annotator: str) -> int:
        """Give back ``annotator``'s unanswered leases; return how many were released.

        Answered slots stay held for good; the released items go to the next annotator who
        asks instead of waiting for the leases to expire.
        """
        with self._writing() as conn:
            result = conn.execute(
                _claims.delete().where(
                    _claims.c.project_id == project_id,
                    _claims.c.annotator == annotator,
                    _claims.c.done.is_(False),
                )
            )
        return int(result.rowcount)

    def _give_back(self, conn: sa.Connection, project_id: int, item: str, annotator: str) -> None:
        conn.execute(
            _claims.delete().where(
                _claims.c.project_id == project_id,
                _claims.c.item == item,
                _claims.c.annotator == annotator,
            )
        )

    def claims(self, project_id: int) -> list[tuple[str, int, str, int, bool]]:
        """Return every slot held: ``(item, slot, annotator, expires_us, done)``."""
        query = (
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
        with self._reading() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def _take_slot(
        self,
        conn: sa.Connection,
        project_id: int,
        item: str,
        annotator: str,
        overlap: int,
        now: int,
        expires: int,
    ) -> bool:
        mine = (
            (_claims.c.project_id == project_id)
            & (_claims.c.item == item)
            & (_claims.c.annotator == annotator)
        )
        if conn.execute(_claims.update().where(mine).values(expires_us=expires)).rowcount:
            return True
        for slot in range(overlap):
            taken = conn.execute(
                self._insert_ignore(_claims).values(
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

    def _hold_for_good(
        self,
        conn: sa.Connection,
        project_id: int,
        row: Mapping[str, Any],
        overlap: int,
        lease_us: int,
    ) -> None:
        item, annotator = row["item"], row["annotator"]
        now = now_us()
        if not self._take_slot(conn, project_id, item, annotator, overlap, now, now + lease_us):
            raise ItemFull(
                f"this item already has its {overlap} answers (or annotators holding it) from "
                "others — your reservation of it had expired; nothing was saved, go on with "
                "the next item."
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

    def read(self, project_id: int, after: int = 0) -> list[tuple[Any, ...]]:
        """Return the project's events with id > ``after``, oldest first.

        Rows hold the :data:`EVENT_COLUMNS`; ``value`` and ``meta`` are decoded from JSON.
        """
        query = (
            sa.select(*[_events.c[name] for name in EVENT_COLUMNS])
            .where(_events.c.project_id == project_id, _events.c.id > after)
            .order_by(_events.c.id)
        )
        try:
            with self._reading() as conn:
                rows = conn.execute(query).all()
        except sa.exc.DBAPIError as error:
            raise StoreError(_explain(error, self.url)) from error
        value_at, meta_at = EVENT_COLUMNS.index("value"), EVENT_COLUMNS.index("meta")
        decoded = []
        for row in rows:
            row = list(row)
            row[value_at] = None if row[value_at] is None else json.loads(row[value_at])
            row[meta_at] = None if row[meta_at] is None else json.loads(row[meta_at])
            decoded.append(tuple(row))
        return decoded

    def close(self) -> None:
        """Release the store's connections (the data stays on disk)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- internals ----------------------------------------------------------------------------
    def _prepare(self) -> None:
        with self._exclusive() as conn:
            if not sa.inspect(conn).has_table(_meta_table.name):
                _metadata.create_all(conn, checkfirst=True)
                conn.execute(
                    _meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
                )
                return
            version = int(
                conn.execute(
                    sa.select(_meta_table.c.value).where(_meta_table.c.key == "schema_version")
                ).scalar_one()
            )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.url} was written by a newer nblabel (schema {version}, this one "
                    f"knows {SCHEMA_VERSION}); upgrade nblabel to open it."
                )
            while version < SCHEMA_VERSION:
                _MIGRATIONS[version](conn)
                version += 1
                conn.execute(
                    _meta_table.update()
                    .where(_meta_table.c.key == "schema_version")
                    .values(value=str(version))
                )

    def _project_row(self, name: str) -> tuple[int, str] | None:
        query = sa.select(_projects.c.id, _projects.c.task).where(_projects.c.name == name)
        with self._reading() as conn:
            row = conn.execute(query).first()
        return None if row is None else (row[0], row[1])

    def _insert_ignore(self, table: sa.Table, keys: list[str] | None = None) -> Any:
        """Return an INSERT that does nothing on a conflict (on ``keys``, or any constraint)."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing(index_elements=keys)

    def _writing(self) -> Any:
        return self.engine.begin()

    @contextlib.contextmanager
    def _exclusive(self, schema: bool = True) -> Iterator[sa.Connection]:
        """Open a transaction that holds the write lock from its first statement.

        For read-then-write transactions: SQLite's ``BEGIN IMMEDIATE`` (a deferred transaction
        that read first could not upgrade to writing once another kernel wrote); with
        ``schema``, PostgreSQL's advisory lock too (kernels creating the tables at once would
        race). Other PostgreSQL transactions rely on row locks and constraints.
        """
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif schema and self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _reading(self) -> Any:
        return self.engine.connect()


def _check_event(event: Any) -> Mapping[str, Any]:
    """Return ``event`` if it can be stored; raise saying what is wrong otherwise."""
    if not isinstance(event, Mapping):
        raise TypeError(f"an event is a mapping of {list(EVENT_COLUMNS[1:])}, got {event!r}.")
    if event.get("event") not in EVENT_KINDS:
        raise ValueError(f"event={event.get('event')!r} is not one of {list(EVENT_KINDS)}.")
    if event.get("source") not in SOURCES:  # stored as given: no default to guess
        raise ValueError(f"source={event.get('source')!r} is not one of {list(SOURCES)}.")
    for key in ("item", "annotator"):
        value = event.get(key)
        if not isinstance(value, str) or not value:
            raise ValueError(f"an event's {key} must be a non-empty string, got {value!r}.")
    return event


def _check_overlap(overlap: Any, lease_us: Any) -> None:
    if isinstance(overlap, bool) or not isinstance(overlap, int) or overlap < 1:
        raise ValueError(f"overlap must be a positive number of annotators, got {overlap!r}.")
    _check_lease(lease_us)


def _check_lease(lease_us: Any) -> None:
    if isinstance(lease_us, bool) or not isinstance(lease_us, int) or lease_us <= 0:
        raise ValueError(f"lease_us must be a positive number of microseconds, got {lease_us!r}.")


def _event_row(project_id: int, event: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: event.get(name) for name in EVENT_COLUMNS if name != "id"}
    row["project_id"] = project_id
    row["value"] = None if row["value"] is None else json.dumps(row["value"], ensure_ascii=False)
    row["meta"] = None if not row["meta"] else json.dumps(row["meta"], ensure_ascii=False)
    if row["created_us"] is None:
        row["created_us"] = now_us()
    return row


def _make_engine(location: str | os.PathLike[str] | Engine) -> Engine:
    if isinstance(location, Engine):
        return location
    if isinstance(location, os.PathLike):
        location = os.fspath(location)
    if not isinstance(location, str) or not location:
        raise TypeError(
            "store must be a SQLite file path, ':memory:', a SQLAlchemy URL "
            f"(e.g. 'postgresql+psycopg://user@host/db') or an Engine, got {location!r}."
        )
    if location == ":memory:":
        engine = sa.create_engine(
            "sqlite://",
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        _configure_sqlite(engine, wal=False)
        return engine
    if "://" in location:
        return _engine_from_url(location)
    path = pathlib.Path(location).expanduser().resolve()
    _check_sqlite_path(path)
    engine = sa.create_engine(
        sa.engine.URL.create("sqlite", database=str(path)),
        connect_args={"timeout": _BUSY_TIMEOUT_S, "check_same_thread": False},
    )
    _configure_sqlite(engine, wal=True)
    return engine


def _hide_password(url: str) -> str:
    """Return ``url`` with its password masked, for error messages (they end up in notebooks)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _engine_from_url(url: str) -> Engine:
    try:
        engine = sa.create_engine(url, pool_pre_ping=True)
    except ValueError as error:  # e.g. a port that is not a number
        raise StoreError(
            f"{_hide_password(url)!r} is not a valid database URL ({error}); the form is "
            "postgresql+psycopg://user@host:5432/dbname."
        ) from None
    except ModuleNotFoundError as error:
        raise StoreError(
            f"the database driver for {url.split('://')[0]!r} is not installed ({error.name}); "
            "for PostgreSQL run: pip install 'nblabel[postgres]'."
        ) from error
    except sa.exc.ArgumentError as error:
        raise StoreError(
            f"{_hide_password(url)!r} is not a database URL SQLAlchemy understands: "
            f"{_hide_password(str(error))}"
        ) from None
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        engine.dispose()
        return _make_engine(engine.url.database)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        return _make_engine(":memory:")
    return engine


def _check_sqlite_path(path: pathlib.Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(
            f"cannot create the store {path}: the directory {folder} does not exist. Create it "
            "first (os.makedirs) or pass another store= path."
        )
    if path.is_dir():
        raise StoreError(
            f"the store path {path} is a directory; give a file name, e.g. {path / DEFAULT_STORE}."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot write the store {path}: the directory {folder} is read-only. SQLite needs "
            "to write the file and its journal there; choose a writable directory."
        )


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()


def _explain(error: sa.exc.DBAPIError, url: str) -> str:
    reason = str(error.orig) if error.orig is not None else str(error)
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "file is encrypted" in lowered:
        return (
            f"{url} is not a readable nblabel store ({reason}). The file is damaged or is not a "
            "SQLite database: move it aside (keep it for recovery) or pass another store=."
        )
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return (
            f"cannot write to {url} ({reason}). Check that the file and its directory are "
            "writable, or pass another store=."
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{url} stayed locked by another writer for over {_BUSY_TIMEOUT_S:.0f} s ({reason}); "
            "nothing was written. Try again, or check for a stuck process holding the file."
        )
    return f"the store {url} failed: {reason}"
