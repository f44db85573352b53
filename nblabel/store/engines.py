"""Where a store lives and what differs between engines: SQLite files, PostgreSQL servers.

A location (a path, ``":memory:"``, a SQLAlchemy URL or an ``Engine``) becomes an engine here:
SQLite files in WAL mode with full fsync and a busy timeout so several kernels can share one,
PostgreSQL with a pre-ping so a dropped connection is replaced. The transactions that must hold
a write lock from their first statement, and the dialect-specific ``INSERT ... ON CONFLICT DO
NOTHING``, live here too, so the rest of the store has one code path for both engines.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from .errors import StoreError, hide_password

#: The default store: a SQLite file in the working directory.
DEFAULT_STORE = "nblabel.db"
#: How long a SQLite writer waits for another kernel's lock before giving up.
BUSY_TIMEOUT_S = 30.0
#: Connections a store keeps open once it needed them: a committing group and the readers of
#: the projects and views sharing the store (opened only when needed; more are opened, and
#: closed after use, when more threads read at once).
POOL_SIZE = 10
#: PostgreSQL advisory lock key held while creating or migrating the tables.
_SCHEMA_LOCK = 0x6E626C6162656C  # "nblabel"
#: PostgreSQL advisory lock key (with the project's id) held while appending events.
_EVENTS_LOCK = 0x6E626C  # "nbl"


def make_engine(location: str | os.PathLike[str] | Engine) -> Engine:
    """Return the engine of a store ``location`` (an ``Engine`` is used as it is)."""
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
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=POOL_SIZE,
    )
    _configure_sqlite(engine, wal=True)
    return engine


def _engine_from_url(url: str) -> Engine:
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE)
    except ValueError as error:  # e.g. a port that is not a number
        raise StoreError(
            f"{hide_password(url)!r} is not a valid database URL ({error}); the form is "
            "postgresql+psycopg://user@host:5432/dbname."
        ) from None
    except ModuleNotFoundError as error:
        raise StoreError(
            f"the database driver for {url.split('://')[0]!r} is not installed ({error.name}); "
            "for PostgreSQL run: pip install 'nblabel[postgres]'."
        ) from error
    except sa.exc.ArgumentError as error:
        raise StoreError(
            f"{hide_password(url)!r} is not a database URL SQLAlchemy understands: "
            f"{hide_password(str(error))}"
        ) from None
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        engine.dispose()
        return make_engine(engine.url.database)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        return make_engine(":memory:")
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
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()


def insert_ignore(dialect: str, table: sa.Table, keys: list[str] | None = None) -> Any:
    """Return an INSERT that does nothing on a conflict (on ``keys``, or any constraint)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=keys)


@contextlib.contextmanager
def exclusive(engine: Engine, schema: bool = True) -> Iterator[sa.Connection]:
    """Open a transaction that holds the write lock from its first statement.

    For read-then-write transactions: SQLite's ``BEGIN IMMEDIATE`` (a deferred transaction
    that read first could not upgrade to writing once another kernel wrote); with ``schema``,
    PostgreSQL's advisory lock too (kernels creating the tables at once would race). Other
    PostgreSQL transactions rely on row locks and constraints.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif schema and engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def lock_events(conn: sa.Connection, project_id: int) -> None:
    """Make appends to one project's log commit one at a time, in id order.

    On PostgreSQL ids come from a sequence: without this lock a writer could commit id 7 after
    another committed id 8, and a kernel that had read up to 8 would never see 7. SQLite's
    ``BEGIN IMMEDIATE`` (see :func:`exclusive`) already serialises writers.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_EVENTS_LOCK}, {int(project_id)})")


def connected_role(conn: sa.Connection) -> str | None:
    """Return the database role ``conn`` acts as (PostgreSQL), or None (SQLite has no roles)."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(sa.select(sa.func.current_user())).scalar_one())


def may_update(conn: sa.Connection, table: sa.Table) -> bool:
    """Whether the connected role may update ``table`` (always on SQLite)."""
    if conn.dialect.name != "postgresql":
        return True
    query = sa.select(sa.func.has_table_privilege(table.name, "UPDATE"))
    return bool(conn.execute(query).scalar_one())
