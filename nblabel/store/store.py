"""The Store: projects, guideline texts, the event log and overlap slots, behind one error policy.

Every write is committed before it returns, so an acknowledged answer is on disk before the
widget hears about it. Appends from concurrent writers of one store share transactions (group
commit, :mod:`~nblabel.store.commits`), each writer still getting its own ids or its own
error. Every public method turns a driver's error into a :class:`StoreError` that says what
happened and what to do (see :func:`_explained`); argument errors are raised before anything
is written.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .._checks import Integer
from ..tasks import Task, task_from_json
from . import access
from .appending import Append, check_based_on, check_if_last, write_group
from .commits import GroupCommit
from .engines import (
    BUSY_TIMEOUT_S,
    DEFAULT_STORE,
    connected_role,
    exclusive,
    insert_ignore,
    make_engine,
    may_update,
)
from .errors import DRIVER_ERRORS, AccessDenied, StoreError, explain
from .records import (
    EVENT_COLUMNS,
    Claim,
    GuidelineVersion,
    NewEvent,
    StoredEvent,
    check_new_event,
    event_row,
    now_us,
    stored_events,
)
from .schema import events_table as _events
from .schema import guidelines_table as _guidelines
from .schema import prepare
from .schema import projects_table as _projects
from .slots import (
    held_slots,
    release_leases,
    renew_leases,
    take_slot,
)

F = TypeVar("F", bound=Callable[..., Any])

#: A project's events after an id, oldest first: built once, its compiled form reused.
_READ = (
    sa.select(*[_events.c[name] for name in EVENT_COLUMNS])
    .where(_events.c.project_id == sa.bindparam("project_id"), _events.c.id > sa.bindparam("after"))
    .order_by(_events.c.id)
)
_OVERLAP = Integer(low=1, what="a positive number of annotators")
_LEASE = Integer(low=1, what="a positive number of microseconds")


def _explained(method: F) -> F:
    """Make a ``Store`` method raise :class:`StoreError`, explained, for any driver error.

    The one place the store's driver errors (a locked, read-only, full or damaged SQLite file;
    a refused or lost PostgreSQL connection; a statement the database refused) become a message
    a notebook user can act on, with the password masked. A statement refused to the connected
    role becomes :class:`AccessDenied`. Argument errors pass through.
    """

    @functools.wraps(method)
    def explained(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DRIVER_ERRORS as error:
            reason = access.refusal(error)
            if reason is not None:
                raise AccessDenied(self.role, access.NO_RIGHT, reason) from error
            raise StoreError(explain(error, self.url, BUSY_TIMEOUT_S)) from error

    return explained  # type: ignore[return-value]


class Store:
    """An append-only log of annotation events shared by any number of projects.

    Parameters
    ----------
    location : str, pathlib.Path or sqlalchemy.engine.Engine, optional
        A SQLite file path (created if missing; default ``"nblabel.db"`` in the working
        directory), ``":memory:"`` for a throw-away store, or a SQLAlchemy URL such as
        ``"postgresql+psycopg://user@host/db"``.

    Attributes
    ----------
    role : str or None
        The PostgreSQL role the store's connections act as (None on SQLite). On a store set up
        with :func:`nblabel.admin.setup_postgres` it decides what may be read and written, and
        a refusal raises :class:`~nblabel.store.errors.AccessDenied`.

    Examples
    --------
    >>> from nblabel.store import Store
    >>> store = Store(":memory:")
    >>> store.url
    'sqlite://'
    """

    def __init__(self, location: str | os.PathLike[str] | Engine | None = None) -> None:
        self.engine = make_engine(DEFAULT_STORE if location is None else location)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self.role: str | None = None
        self._commits = GroupCommit(functools.partial(write_group, self.engine))
        try:
            self._prepare()
        except BaseException:  # a store that cannot be opened keeps no connection open
            self.engine.dispose()
            raise

    # -- projects -----------------------------------------------------------------------------
    @_explained
    def open_project(self, name: str, task: Task) -> int:
        """Return the id of project ``name``, creating it with ``task`` if it is new.

        Opening an existing project with the task it holds (and guidelines it has recorded)
        writes nothing, so a team member whose role may only read it can open it.

        Raises
        ------
        nblabel.tasks.TaskMismatchError
            If the project exists with a task whose stored answers would not fit ``task``.
        AccessDenied
            If the connected role may not create the project, add labels to its task or record
            a new guideline version (on a store set up with :func:`nblabel.admin.setup_postgres`
            only the owner does).
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
            with access.refused_as(self.role, access.not_on_team(name)), self._writing() as conn:
                conn.execute(
                    self._insert_ignore(_projects, ["name"]).values(
                        name=name, task=task.to_json(), created_us=now_us()
                    )
                )
            row = self._project_row(name)
        project_id, stored_json = row
        stored = task_from_json(stored_json)
        left_out = [label for label in stored.labels if label not in task.labels]
        used = self._labels_used(project_id, stored) if left_out else None
        added = task.check_compatible(stored, used)
        # The record keeps every label in use: a task that only leaves out unused labels (an
        # older notebook, while another kernel added some) does not replace it. Nor does a
        # task that only words things differently, opened by a role that may not update it.
        if stored != task and (added or (not left_out and self._may_update(_projects))):
            what = access.new_labels(name, added)
            with access.refused_as(self.role, what), self._writing() as conn:
                conn.execute(
                    _projects.update()
                    .where(_projects.c.id == project_id)
                    .values(task=task.to_json())
                )
        if task.guidelines:
            what = access.new_guideline(name, task.guideline_version)
            with access.refused_as(self.role, what):
                self._record_guideline(
                    project_id, task.guideline_version, task.guidelines, task.guideline_name
                )
        return int(project_id)

    def _labels_used(self, project_id: int, task: Task) -> set[str]:
        """Return the labels the stored answers of a project use (``task.tally`` of each)."""
        query = (
            sa.select(_events.c.value)
            .where(_events.c.project_id == project_id, _events.c.event == "label")
            .distinct()
        )
        with self._reading() as conn:
            values = [json.loads(value) for (value,) in conn.execute(query) if value]
        return {label for value in values for label in task.tally(value)}

    @_explained
    def projects(self) -> list[str]:
        """Return the names of the projects in this store."""
        with self._reading() as conn:
            return [r[0] for r in conn.execute(sa.select(_projects.c.name).order_by("id"))]

    @_explained
    def record_guideline(
        self, project_id: int, version: str, text: str, name: str | None = None
    ) -> None:
        """Keep the text of guideline ``version`` (once) so answers can be traced to it.

        A name given later to a version recorded without one is added; names never change.
        Nothing is written when the version is recorded already (with its name, if given).
        """
        self._record_guideline(project_id, version, text, name)

    def _record_guideline(
        self, project_id: int, version: str, text: str, name: str | None
    ) -> None:
        query = sa.select(_guidelines.c.name).where(
            _guidelines.c.project_id == project_id, _guidelines.c.version == version
        )
        with self._reading() as conn:
            stored = conn.execute(query).first()
        if stored is not None and (name is None or stored[0] is not None):
            return
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

    @_explained
    def guidelines(self, project_id: int) -> list[GuidelineVersion]:
        """Return every guideline version seen in the project, oldest first."""
        query = (
            sa.select(
                _guidelines.c.version, _guidelines.c.text, _guidelines.c.created_us,
                _guidelines.c.name,
            )
            .where(_guidelines.c.project_id == project_id)
            .order_by(_guidelines.c.created_us)
        )
        with self._reading() as conn:
            return [GuidelineVersion._make(row) for row in conn.execute(query)]

    # -- events -------------------------------------------------------------------------------
    @_explained
    def append(
        self,
        project_id: int,
        events: Sequence[NewEvent],
        overlap: int | None = None,
        lease_us: int = 0,
        based_on: Sequence[int | None] | None = None,
        if_last: int | None = None,
    ) -> list[int]:
        """Write ``events`` in one committed transaction and return their ids, in order.

        The transaction may also hold other threads' appends to this store that arrived at the
        same time (group commit); each is checked and refused on its own, so another writer's
        refused event never fails or loses these ``events``, and they are all written or none.

        ``value`` and ``meta`` are JSON-encoded here; a missing ``created_us`` is set to now.
        With ``overlap``, every human ``label`` event takes (or keeps) one of its item's
        ``overlap`` slots for good, in the same transaction; if none is left the whole
        transaction is rolled back and :class:`ItemFull` raised. A human ``skip`` gives the
        annotator's slot back.

        ``based_on`` gives, per event, the id of the newest event of its annotator on its item
        that the writer knew (0: none; None: no condition), checked against the log as it was
        before this batch. If the store holds a newer one (another view or kernel of the same
        annotator answered meanwhile), nothing is written and :class:`StaleAnswer` is raised,
        so an answer never silently replaces one its writer has not seen.

        ``if_last``: write only if the project's newest event is still this id (0: the log is
        empty), so a batch checked against the log as the writer read it is never written
        after events it did not see; otherwise nothing is written and :class:`LogChanged` is
        raised.
        """
        if overlap is not None:
            _OVERLAP("overlap", overlap)
            _LEASE("lease_us", lease_us)
        if isinstance(events, NewEvent):
            raise TypeError("events must be a list of NewEvent; put a single event in a list.")
        rows = [event_row(project_id, check_new_event(event)) for event in events]
        conditions = check_based_on(based_on, len(rows))
        if_last = check_if_last(if_last)
        if not rows:
            return []
        try:
            return self._commits.submit(
                Append(project_id, rows, conditions, overlap, lease_us, if_last)
            )
        except DRIVER_ERRORS as error:
            writes = [(row["annotator"], row["event"], row["source"]) for row in rows]
            self._refuse_write(error, project_id, writes)
            raise

    @_explained
    def read(self, project_id: int, after: int = 0) -> list[StoredEvent]:
        """Return the project's events with id > ``after``, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(_READ, {"project_id": project_id, "after": after}).all()
        return stored_events(rows)

    # -- overlap: answer slots ----------------------------------------------------------------
    @_explained
    def claim(
        self, project_id: int, items: Sequence[str], annotator: str, overlap: int, lease_us: int
    ) -> list[str]:
        """Reserve one of ``overlap`` slots on each item for ``annotator``; return those held.

        An item the annotator already holds (or answered) is renewed and returned; otherwise a
        free slot is taken, or a slot whose lease expired and that was never answered. Items
        whose slots are all held by others are left out.
        """
        _OVERLAP("overlap", overlap)
        _LEASE("lease_us", lease_us)
        now = now_us()
        held = []
        try:
            with exclusive(self.engine, schema=False) as conn:
                for item in items:
                    if take_slot(conn, project_id, item, annotator, overlap, now, now + lease_us):
                        held.append(item)
        except DRIVER_ERRORS as error:
            self._refuse_write(error, project_id, [(annotator, "label", "human")])
            raise
        return held

    @_explained
    def renew(self, project_id: int, items: Sequence[str], annotator: str, lease_us: int) -> int:
        """Extend ``annotator``'s unanswered leases on ``items``; return how many were renewed."""
        _LEASE("lease_us", lease_us)
        if not items:
            return 0
        with self._writing() as conn:
            return renew_leases(conn, project_id, items, annotator, now_us() + lease_us)

    @_explained
    def release(self, project_id: int, annotator: str) -> int:
        """Give back ``annotator``'s unanswered leases; return how many were released.

        Answered slots stay held for good; the released items go to the next annotator who
        asks instead of waiting for the leases to expire.
        """
        with self._writing() as conn:
            return release_leases(conn, project_id, annotator)

    @_explained
    def claims(self, project_id: int) -> list[Claim]:
        """Return every slot held in the project, by item and slot."""
        with self._reading() as conn:
            return [Claim._make(row) for row in conn.execute(held_slots(project_id))]

    @_explained
    def close(self) -> None:
        """Release the store's connections (the data stays on disk)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- internals ----------------------------------------------------------------------------
    @_explained
    def _prepare(self) -> None:
        with exclusive(self.engine) as conn:
            self.role = connected_role(conn)
            with access.refused_as(self.role, access.CANNOT_OPEN):
                prepare(conn, self.url)

    def _refuse_write(
        self, error: Exception, project_id: int, writes: list[tuple[str, str, str]]
    ) -> None:
        """Raise :class:`AccessDenied` if ``error`` is the database refusing ``writes``."""
        reason = access.refusal(error)
        if reason is not None:
            what = access.explain_write(self.engine, self.role, project_id, writes)
            raise AccessDenied(self.role, what, reason) from error

    def _may_update(self, table: sa.Table) -> bool:
        with self._reading() as conn:
            return may_update(conn, table)

    def _project_row(self, name: str) -> tuple[int, str] | None:
        query = sa.select(_projects.c.id, _projects.c.task).where(_projects.c.name == name)
        with self._reading() as conn:
            row = conn.execute(query).first()
        return None if row is None else (row[0], row[1])

    def _insert_ignore(self, table: sa.Table, keys: list[str] | None = None) -> Any:
        return insert_ignore(self.engine.dialect.name, table, keys)

    def _writing(self) -> Any:
        return self.engine.begin()

    def _reading(self) -> Any:
        return self.engine.connect()
