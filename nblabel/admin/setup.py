"""One call that sets up a shared PostgreSQL store so the database enforces who may do what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine

from .._checks import Boolean, check, check_kwargs
from ..store import BUSY_TIMEOUT_S, Store
from ..store.access import OWNER, members_table, refused_as, teams_table
from ..store.engines import exclusive, make_engine
from ..store.errors import DRIVER_ERRORS, StoreError, explain
from ..tasks import Task
from .policies import grant, install
from .roles import check_role_name, ensure_role

_NOT_OWNER = (
    "which does not own the nblabel tables: setup_postgres connects as "
    f"{OWNER}, with CREATEROLE if it is to create team members' roles"
)


@check_kwargs
def setup_postgres(
    owner_url: str | Engine,
    project: str,
    annotators: Sequence[str] = (),
    reviewers: Sequence[str] = (),
    *,
    blind: bool = True,
    task: Task | None = None,
    create_roles: bool = True,
    passwords: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Make a PostgreSQL store enforce, in the database, what each team member may do.

    Each annotator and reviewer connects with their own PostgreSQL role, whose name is the
    annotator name their answers carry. On such a connection the database itself refuses an
    event written as someone else, an event of a kind or source the member may not write
    (annotators: labels, skips and retracts of their own, ``source="human"``; reviewers also
    ``source="adjudicated"``; model and gold answers and suggestions are the owner's), an
    event in a project whose team the member is not on, any update or delete of the log, and
    in a blind project any read of other annotators' answers. nblabel turns each refusal into
    :class:`~nblabel.store.AccessDenied`, which says who tried what; a widget shows it
    as the reason an answer was not saved.

    Idempotent: run it again to add people, to change someone between annotator and
    reviewer, or after upgrading nblabel (policies and functions are brought up to date).
    Nobody is removed: to take someone off a team, delete their row from ``nblabel_members``
    (and revoke their grants) as the owner.

    Parameters
    ----------
    owner_url : str or sqlalchemy.engine.Engine
        The store, connected as the role that owns (or will own) nblabel's tables; they are
        created or upgraded first. To create roles it needs ``CREATEROLE``.
    project : str
        The project's name. Its team can be set up before the project exists; annotators can
        open it once the owner has (or ``task`` is given).
    annotators, reviewers : sequence of str
        Role names of the team's annotators and reviewers (a reviewer also annotates). At most
        63 bytes each, not starting with ``pg_``; case matters.
    blind : bool, default True
        Whether annotators are kept from reading each other's answers. They still read their
        own, the model's suggestions and the decisions on items they answered; reviewers read
        everything. Overlap works through the slots table (holders, no answers) and team
        progress through :func:`nblabel.admin.progress` (counts, no answers). Each call sets it.
    task : nl.Classify, nl.Spans or nl.Rank, optional
        Create the project with this task now (or check it against the stored one), so team
        members can open it right away.
    create_roles : bool, default True
        Create missing roles (``LOGIN``, no other attribute). False: every role must exist.
    passwords : mapping of str to str, optional
        Passwords to set, by role name (for new or existing roles). They are hashed before they
        are sent and are never shown; leave them out to let the DBA set them.

    Returns
    -------
    pandas.DataFrame
        The project's whole team, indexed by ``member``: ``kind`` (``"annotator"`` or
        ``"reviewer"``) and ``created`` (whether this call created the role).

    Raises
    ------
    ValueError
        A store that is not PostgreSQL, a name listed as both annotator and reviewer, or a
        role that would not be bound by the rules (a superuser, ``BYPASSRLS``, or the owner).
    AccessDenied
        ``owner_url`` does not connect as the tables' owner, or may not create a role.

    Examples
    --------
    >>> import nblabel as nl
    >>> nl.admin.setup_postgres(  # doctest: +SKIP
    ...     "postgresql+psycopg://lead@db.example.org/labels", project="tickets",
    ...     annotators=["ana", "ben"], reviewers=["rev"], blind=True, task=task)
    >>> # each annotator, in their own notebook, as their own role:
    >>> proj = nl.Project(df, task, store="postgresql+psycopg://ana@db.example.org/labels",
    ...                   name="tickets", overlap=2)  # doctest: +SKIP
    >>> proj.label("ana")  # doctest: +SKIP
    """
    project = check("name", project)
    people = _people(annotators, reviewers)
    blind = Boolean()("blind", blind)
    create_roles = Boolean()("create_roles", create_roles)
    passwords = _passwords(passwords, people)
    if task is not None and not isinstance(task, Task):
        raise TypeError(f"task must be an nblabel task such as nl.Classify([...]), got {task!r}.")
    engine = make_engine(owner_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise ValueError(
            f"setup_postgres sets up a PostgreSQL store; {engine.url.render_as_string()!r} is "
            f"{engine.dialect.name}, which has no roles to tell team members apart."
        )
    store = Store(engine)
    try:
        if task is not None:
            store.open_project(project, task)
        team = _set_up(store, project, people, blind, create_roles, passwords)
    finally:
        store.close()
    return team


def _set_up(
    store: Store,
    project: str,
    people: dict[str, str],
    blind: bool,
    create_roles: bool,
    passwords: dict[str, str],
) -> pd.DataFrame:
    """Install the rules and add ``people`` (name to kind) in one transaction."""
    created = {}
    try:
        with exclusive(store.engine) as conn, refused_as(store.role, _NOT_OWNER):
            schema = conn.dialect.identifier_preparer.quote(
                str(conn.execute(sa.select(sa.func.current_schema())).scalar_one())
            )
            install(conn, schema)
            conn.execute(
                insert(teams_table)
                .values(project=project, blind=blind)
                .on_conflict_do_update(index_elements=["project"], set_={"blind": blind})
            )
            for name, kind in people.items():
                created[name] = ensure_role(conn, name, create_roles, passwords.get(name))
                grant(conn, schema, name)
                conn.execute(
                    insert(members_table)
                    .values(project=project, member=name, kind=kind)
                    .on_conflict_do_update(
                        index_elements=["project", "member"], set_={"kind": kind}
                    )
                )
            rows = conn.execute(
                sa.select(members_table.c.member, members_table.c.kind)
                .where(members_table.c.project == project)
                .order_by(members_table.c.member)
            ).all()
    except DRIVER_ERRORS as error:
        raise StoreError(explain(error, store.url, BUSY_TIMEOUT_S)) from error
    return pd.DataFrame(
        {
            "kind": [kind for _, kind in rows],
            "created": [created.get(member, False) for member, _ in rows],
        },
        index=pd.Index([member for member, _ in rows], name="member", dtype=object),
    )


def _people(annotators: Any, reviewers: Any) -> dict[str, str]:
    """Return each checked role name with its kind of membership."""
    people: dict[str, str] = {}
    for field, kind, names in (
        ("annotators", "annotator", annotators),
        ("reviewers", "reviewer", reviewers),
    ):
        if isinstance(names, str) or not isinstance(names, Sequence | set | frozenset):
            raise TypeError(f"{field} must be a list of role names, got {names!r}.")
        for name in names:
            name = check_role_name(field, check("annotator", name))
            if people.get(name, kind) != kind:
                raise ValueError(
                    f"{name!r} is listed as both annotator and reviewer; a reviewer also "
                    "annotates, so list them once, as a reviewer."
                )
            people[name] = kind
    return people


def _passwords(passwords: Any, people: dict[str, str]) -> dict[str, str]:
    """Return the passwords to set, checked without ever showing one."""
    if passwords is None:
        return {}
    if not isinstance(passwords, Mapping):
        raise TypeError("passwords must be a mapping of role name to password, or None.")
    for name, password in passwords.items():
        if name not in people:
            raise ValueError(
                f"passwords names {name!r}, who is not among the annotators and reviewers."
            )
        if not isinstance(password, str) or not password or "\0" in password:
            raise ValueError(f"the password for {name!r} must be a non-empty string.")
    return dict(passwords)
