"""Team members' PostgreSQL roles: made (or found), checked, and given a password if asked.

A team member's name is their role's name, so the database can compare an event's annotator
with ``current_user``. A missing role is created with ``LOGIN`` and nothing else (no password
unless one is given: the DBA may set one, or use another way to log in, such as certificates).
A password is sent to the server already hashed (SCRAM-SHA-256, by libpq), so its text appears
in no statement, log or error message.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..store.access import OWNER, refused_as
from ..store.errors import DRIVER_ERRORS, StoreError

#: Longest role name PostgreSQL keeps (longer ones are cut short), in bytes.
MAX_ROLE_BYTES = 63


def check_role_name(field: str, name: str) -> str:
    """Return ``name`` if PostgreSQL can keep it as a role name; raise ValueError otherwise."""
    if len(name.encode()) > MAX_ROLE_BYTES:
        raise ValueError(
            f"{field}: {name!r} is longer than the {MAX_ROLE_BYTES} bytes of a PostgreSQL role "
            "name; choose a shorter name (the annotator name is the role name)."
        )
    if name.startswith("pg_"):
        raise ValueError(f"{field}: {name!r} starts with 'pg_', which PostgreSQL reserves.")
    return name


def ensure_role(conn: sa.Connection, name: str, create: bool, password: str | None) -> bool:
    """Make sure role ``name`` exists and may be a team member; return whether it was created.

    Refused (ValueError): a role that bypasses row-level security (a superuser, or one with
    ``BYPASSRLS``), the connected owner's own role, or a role that is a member of it (it would
    act as the owner).
    """
    owner = str(conn.execute(sa.select(sa.func.current_user())).scalar_one())
    row: Any = conn.execute(
        sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :n"), {"n": name}
    ).first()
    quoted = conn.dialect.identifier_preparer.quote(name)
    if row is None:
        if not create:
            raise StoreError(
                f"there is no role {name!r} on this server: create it (CREATE ROLE {quoted} "
                "LOGIN) or call setup_postgres with create_roles=True."
            )
        what = (
            f"which may not create role {name!r}: ask the DBA to create it (CREATE ROLE "
            f"{quoted} LOGIN) or to grant CREATEROLE to {owner!r}"
        )
        with refused_as(owner, what):
            conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
    elif row[0] or row[1]:
        raise ValueError(
            f"role {name!r} bypasses row-level security (it is a superuser or has BYPASSRLS), "
            "so the database could not hold it to its own answers; use another role."
        )
    acts_as_owner = conn.execute(
        sa.select(sa.func.pg_has_role(name, owner, "MEMBER"))
    ).scalar_one()
    if acts_as_owner:
        raise ValueError(
            f"role {name!r} is {OWNER} or a member of it, and so not bound by the team's "
            "rules; team members need roles of their own."
        )
    if password is not None:
        _set_password(conn, name, quoted, password)
    return row is None


def _set_password(conn: sa.Connection, name: str, quoted: str, password: str) -> None:
    """Set role ``name``'s password, hashed on this side (no statement holds its text)."""
    pgconn = getattr(conn.connection.driver_connection, "pgconn", None)
    if pgconn is None:
        raise StoreError(
            "setting passwords needs the psycopg driver: use a postgresql+psycopg:// URL, or "
            "leave passwords out and have the DBA set them."
        )
    try:
        hashed = pgconn.encrypt_password(password.encode(), name.encode()).decode()
        conn.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD '{hashed}'")
    except (*DRIVER_ERRORS, conn.dialect.loaded_dbapi.Error) as error:
        # The server's words only: the statement, which holds the hash, is left out.
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StoreError(f"the password of role {name!r} could not be set: {reason}") from None
