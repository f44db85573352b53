"""Who may do what on a shared PostgreSQL store, and what the database's refusals mean.

On a store set up with :func:`nblabel.admin.setup_postgres`, each team member connects as their
own PostgreSQL role, and grants and row-level security decide what that role may read and
write. The decision reads two tables kept here: each project's team (:data:`teams_table`, with
whether the project is blind) and its members (:data:`members_table`, each an annotator or a
reviewer). What a member may write is stated once, in :data:`MEMBER_EVENTS` and
:data:`WRITES`, for the policies and for the explanations alike.

When the database refuses a statement (SQLSTATE ``42501``: a missing grant or a row that
breaks a policy), :func:`refusal` gives its reason and :func:`explain_write` says, in the
terms of the person at the notebook, who tried what and what to do instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import DRIVER_ERRORS, AccessDenied, hide_password
from .schema import projects_table as _projects

#: SQLSTATE of a statement the database refuses to the connected role.
INSUFFICIENT_PRIVILEGE = "42501"
#: The kinds of events a team member may write: answers, skips and their undoing.
MEMBER_EVENTS = ("label", "skip", "retract")
#: The sources of events each kind of team member may write (always as themselves).
WRITES: dict[str, tuple[str, ...]] = {
    "annotator": ("human",),
    "reviewer": ("human", "adjudicated"),
}
#: How the store's owner is named in explanations: the role that created the tables.
OWNER = "the store's owner (the role that owns the nblabel tables)"
#: What a refusal means when nothing more specific is known.
NO_RIGHT = f"which may not do this: {OWNER} gives access with nl.admin.setup_postgres"
#: What a refusal to open the store means: reading its version, or creating or upgrading it.
CANNOT_OPEN = (
    f"which may not open this store, or create or upgrade its tables: {OWNER} does that, and "
    "gives team members access with nl.admin.setup_postgres"
)

access_metadata = sa.MetaData()
#: One row per project with a team: whether annotators may read each other's answers.
teams_table = sa.Table(
    "nblabel_teams",
    access_metadata,
    sa.Column("project", sa.Text, primary_key=True),
    sa.Column("blind", sa.Boolean, nullable=False),
)
#: Who is on a project's team: their PostgreSQL role, and whether they annotate or review.
members_table = sa.Table(
    "nblabel_members",
    access_metadata,
    sa.Column("project", sa.Text, sa.ForeignKey("nblabel_teams.project"), primary_key=True),
    sa.Column("member", sa.Text, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.CheckConstraint(
        "kind IN ({})".format(", ".join(f"'{kind}'" for kind in WRITES)),
        name="ck_nblabel_members_kind",
    ),
)


def refusal(error: BaseException) -> str | None:
    """Return the database's reason if ``error`` is a refusal to the connected role, else None."""
    orig = getattr(error, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code != INSUFFICIENT_PRIVILEGE:
        return None
    return hide_password(str(orig)).strip().splitlines()[0]


@contextlib.contextmanager
def refused_as(role: str | None, what: str) -> Iterator[None]:
    """Turn a refusal inside the block into :class:`AccessDenied` saying ``what`` was refused."""
    try:
        yield
    except DRIVER_ERRORS as error:
        reason = refusal(error)
        if reason is None:
            raise
        raise AccessDenied(role, what, reason) from error


def not_on_team(project: str) -> str:
    """Say that the connected role may not open (nor create) ``project``."""
    return (
        f"which may not open project {project!r}: it does not exist yet, or the role is not on "
        f"its team; {OWNER} creates projects and adds people with nl.admin.setup_postgres"
    )


def new_labels(project: str, added: Sequence[str]) -> str:
    """Say that the connected role may not add labels ``added`` to ``project``'s task."""
    return (
        f"which may not add labels {list(added)} to the task of project {project!r}: {OWNER} "
        "opens the project with the new task first"
    )


def new_guideline(project: str, version: str) -> str:
    """Say that the connected role may not record guideline ``version`` of ``project``."""
    return (
        f"which may not record guideline version {version!r} of project {project!r}: {OWNER} "
        "opens the project with this guideline first"
    )


def explain_write(
    engine: Engine, role: str | None, project_id: int, writes: Sequence[tuple[str, str, str]]
) -> str:
    """Say why ``role`` may not write events ``writes`` (each ``(annotator, event, source)``).

    Reads the role's own team membership (the one row of the members table it may see) to tell
    a write as someone else from a source its kind of member may not write, or a project whose
    team it is not on.
    """
    for annotator, _event, _source in writes:
        if annotator != role:
            return (
                f"this event is by {annotator!r}: a team member's connection writes only its own "
                f"events. Pass annotator={role!r}, or connect as {annotator!r}"
            )
    name, kind = _membership(engine, project_id)
    project = f"project {name!r}" if name is not None else f"project {project_id}"
    if kind is None:
        return (
            f"which is not on the team of {project}: {OWNER} adds people with "
            "nl.admin.setup_postgres"
        )
    member = f"a{'n' if kind[0] in 'aeiou' else ''} {kind} of {project}"
    for _annotator, event, source in writes:
        if event not in MEMBER_EVENTS:
            return (
                f"{member}, who writes only {', '.join(MEMBER_EVENTS)} events: {event} events "
                f"are written by {OWNER}"
            )
        if source not in WRITES[kind]:
            if source == "adjudicated":
                return f"{member}: only its reviewers write adjudicated answers"
            return (
                f"{member}, who writes only {' or '.join(WRITES[kind])} answers: {source} "
                f"answers are written by {OWNER}"
            )
    return f"which may not write this event into {project}"


def _membership(engine: Engine, project_id: int) -> tuple[str | None, str | None]:
    """Return the name of a project and the connected role's kind of membership, if visible."""
    query = (
        sa.select(_projects.c.name, members_table.c.kind)
        .select_from(
            _projects.outerjoin(
                members_table,
                (members_table.c.project == _projects.c.name)
                & (members_table.c.member == sa.func.current_user()),
            )
        )
        .where(_projects.c.id == project_id)
    )
    try:
        with engine.connect() as conn:
            row: Any = conn.execute(query).first()
    except DRIVER_ERRORS:  # no team tables, or no right to read them: say what is known
        return None, None
    return (None, None) if row is None else (row[0], row[1])
