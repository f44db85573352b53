"""The database objects that make PostgreSQL enforce who may do what: policies, functions, grants.

Row-level security is turned on for the events, claims, projects, guidelines, teams and members
tables, with policies for ``PUBLIC`` that read the team tables of :mod:`nblabel.store.access`.
Policies bind every role but the tables' owner (who bypasses them); grants decide which roles
reach the tables at all, so only team members do. Adding a member adds rows and grants, never a
policy.

Policies (each recreated on every run, so an upgraded nblabel brings its own):

* events, read: a member's own events; every event of a project that is not blind, or where the
  member reviews; in a blind project also the model's events (suggestions) and the decisions on
  items the member answered (:data:`ANSWERED`), so feedback works but others' answers stay
  hidden.
* events, insert: only as ``current_user``, only kinds :data:`~nblabel.store.access.MEMBER_EVENTS`
  with a source the member's kind may write (:data:`~nblabel.store.access.WRITES`), only into
  a project whose team the member is on. There is no update or delete policy and no such
  grant: the log is append-only for everyone but its owner.
* claims (overlap slots): every slot of the member's projects is readable (item, holder, expiry;
  no answers); a member takes slots only for themselves, renews or gives back only their own,
  and takes over only a lease that expired unanswered.
* projects, guidelines and teams: the member's projects; members: the member's own rows.

Functions (``SECURITY DEFINER``, run as the owner, callable by team members only):
:data:`ANSWERED` (whether the caller answered an item; a policy cannot read its own table) and
:data:`PROGRESS` (answers per annotator of a project, counts without values).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..store.access import MEMBER_EVENTS, WRITES, access_metadata, members_table, teams_table
from ..store.schema import claims_table, events_table, guidelines_table, meta_table, projects_table

EVENTS, CLAIMS = events_table.name, claims_table.name
PROJECTS, GUIDELINES, META = projects_table.name, guidelines_table.name, meta_table.name
MEMBERS, TEAMS = members_table.name, teams_table.name

#: Whether the session's login role has a human event on an item (``project_id``, ``item``).
ANSWERED = "nblabel_answered"
#: Each annotator's current labels and skips in a project, and when they last wrote.
PROGRESS = "nblabel_progress"
#: Signatures of the functions, as GRANT and REVOKE name them.
FUNCTIONS = (f"{ANSWERED}(bigint, text)", f"{PROGRESS}(text)")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


#: The ids of the projects whose team the connected role is on (``m`` is its membership).
_MINE = (
    f"SELECT p.id FROM {PROJECTS} p JOIN {MEMBERS} m ON m.project = p.name "
    "WHERE m.member = current_user"
)
#: Of those, the projects where the role reads every answer: it reviews, or the team sees all.
_OPEN = (
    f"{_MINE} AND (m.kind = 'reviewer' OR EXISTS "
    f"(SELECT 1 FROM {TEAMS} t WHERE t.project = p.name AND NOT t.blind))"
)
#: The names of the member's projects.
_MY_NAMES = f"SELECT project FROM {MEMBERS} WHERE member = current_user"
_MAY_WRITE_SOURCE = " OR ".join(
    f"(m.kind = '{kind}' AND {EVENTS}.source IN ({_quoted(sources)}))"
    for kind, sources in WRITES.items()
)
_NOW_US = "(extract(epoch FROM now()) * 1000000)::bigint"

#: ``(name, table, command, USING, WITH CHECK)`` of every policy.
POLICIES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    (
        "nblabel_events_read", EVENTS, "SELECT",
        f"annotator = current_user OR project_id IN ({_OPEN}) "
        f"OR (source = 'model' AND project_id IN ({_MINE})) "
        f"OR (source = 'adjudicated' AND project_id IN ({_MINE}) "
        f"AND {ANSWERED}(project_id, item))",
        None,
    ),
    (
        "nblabel_events_write", EVENTS, "INSERT", None,
        f"annotator = current_user AND event IN ({_quoted(MEMBER_EVENTS)}) AND EXISTS ("
        f"SELECT 1 FROM {PROJECTS} p JOIN {MEMBERS} m ON m.project = p.name "
        f"WHERE p.id = {EVENTS}.project_id AND m.member = current_user "
        f"AND ({_MAY_WRITE_SOURCE}))",
    ),
    ("nblabel_claims_read", CLAIMS, "SELECT", f"project_id IN ({_MINE})", None),
    (
        "nblabel_claims_take", CLAIMS, "INSERT", None,
        f"annotator = current_user AND project_id IN ({_MINE})",
    ),
    (
        "nblabel_claims_change", CLAIMS, "UPDATE",
        f"project_id IN ({_MINE}) AND (annotator = current_user "
        f"OR (NOT done AND expires_us < {_NOW_US}))",
        "annotator = current_user",
    ),
    (
        "nblabel_claims_give_back", CLAIMS, "DELETE",
        f"annotator = current_user AND project_id IN ({_MINE})", None,
    ),
    ("nblabel_projects_read", PROJECTS, "SELECT", f"name IN ({_MY_NAMES})", None),
    ("nblabel_teams_read", TEAMS, "SELECT", f"project IN ({_MY_NAMES})", None),
    ("nblabel_guidelines_read", GUIDELINES, "SELECT", f"project_id IN ({_MINE})", None),
    ("nblabel_members_read", MEMBERS, "SELECT", "member = current_user", None),
)
#: Tables whose rows the policies above guard.
GUARDED = (EVENTS, CLAIMS, PROJECTS, GUIDELINES, TEAMS, MEMBERS)


def _functions(schema: str, owner: str) -> list[str]:
    """Return the ``CREATE FUNCTION`` statements, for tables in ``schema`` owned by ``owner``."""
    settings = f"LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp"
    owner_literal = "'" + owner.replace("'", "''") + "'"
    events = _quoted(MEMBER_EVENTS)
    return [
        f"""CREATE OR REPLACE FUNCTION {ANSWERED}(project_id bigint, item text)
RETURNS boolean {settings} AS $$
  SELECT EXISTS (SELECT 1 FROM {EVENTS} e WHERE e.project_id = $1 AND e.item = $2
                 AND e.annotator = session_user AND e.source = 'human')
$$""",
        f"""CREATE OR REPLACE FUNCTION {PROGRESS}(project text)
RETURNS TABLE (annotator text, labeled bigint, skipped bigint, last_us bigint) {settings} AS $$
  WITH allowed AS (
    SELECT p.id FROM {PROJECTS} p WHERE p.name = $1 AND (
      pg_has_role(session_user, {owner_literal}, 'MEMBER')
      OR EXISTS (SELECT 1 FROM {MEMBERS} m WHERE m.project = p.name
                 AND m.member = session_user))),
  answers AS (
    SELECT e.id, e.item, e.annotator, e.event, e.created_us FROM {EVENTS} e
    WHERE e.project_id IN (SELECT id FROM allowed) AND e.event IN ({events})),
  latest AS (
    SELECT DISTINCT ON (a.item, a.annotator) a.annotator, a.event FROM answers a
    ORDER BY a.item, a.annotator, a.id DESC),
  counts AS (
    SELECT l.annotator, count(*) FILTER (WHERE l.event = 'label') AS labeled,
           count(*) FILTER (WHERE l.event = 'skip') AS skipped
    FROM latest l GROUP BY l.annotator)
  SELECT w.annotator, coalesce(c.labeled, 0), coalesce(c.skipped, 0), w.last_us
  FROM (SELECT a.annotator, max(a.created_us) AS last_us FROM answers a
        GROUP BY a.annotator) w
  LEFT JOIN counts c ON c.annotator = w.annotator
  ORDER BY w.annotator
$$""",
    ]


def install(conn: sa.Connection, schema: str) -> None:
    """Create the team tables, turn on row-level security, (re)create policies and functions.

    ``schema`` is the quoted name of the schema that holds the tables. Runs as the tables'
    owner, in the caller's transaction; running it again changes nothing
    but brings the definitions up to date. Update, delete and truncate rights on the events
    table are taken back from every role but the owner, whoever granted them.
    """
    access_metadata.create_all(conn, checkfirst=True)
    owner = str(conn.execute(sa.select(sa.func.current_user())).scalar_one())
    for statement in _functions(schema, owner):
        conn.exec_driver_sql(statement)
    for signature in FUNCTIONS:
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    for table in GUARDED:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for name, table, command, using, check in POLICIES:
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(
            f"CREATE POLICY {name} ON {table} FOR {command} TO PUBLIC"
            + ("" if using is None else f" USING ({using})")
            + ("" if check is None else f" WITH CHECK ({check})")
        )
    conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {EVENTS} FROM PUBLIC")
    holders = conn.execute(
        sa.text(
            "SELECT DISTINCT a.grantee::regrole::text FROM pg_class c "
            "CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE c.oid = CAST(:t AS regclass) "
            "AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') "
            "AND a.grantee <> 0 AND a.grantee <> c.relowner"
        ),
        {"t": EVENTS},
    ).scalars()
    for holder in list(holders):
        conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {EVENTS} FROM {holder}")


def grant(conn: sa.Connection, schema: str, member: str) -> None:
    """Give team member ``member`` exactly the rights nblabel needs on its connection.

    ``schema`` is the quoted name of the schema that holds the tables.
    Read: the store's version, projects, guidelines, teams, the member's own membership, events
    and claims (rows filtered by the policies). Write: events (every column but ``id``, which
    comes from its sequence), claims (take, renew, hold, give back). Run: the two functions.
    Anything else granted to ``member`` on these tables before is taken back first.
    """
    role = conn.dialect.identifier_preparer.quote(member)
    tables = (META, PROJECTS, GUIDELINES, TEAMS, MEMBERS, EVENTS, CLAIMS)
    sequence = conn.execute(
        sa.select(sa.func.pg_get_serial_sequence(EVENTS, "id"))
    ).scalar_one()
    written = ", ".join(column.name for column in events_table.columns if column.name != "id")
    statements = [
        f"REVOKE ALL ON {', '.join(tables)} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT ON {', '.join(tables)} TO {role}",
        f"GRANT INSERT ({written}) ON {EVENTS} TO {role}",
        f"GRANT USAGE ON SEQUENCE {sequence} TO {role}",
        f"GRANT INSERT, DELETE ON {CLAIMS} TO {role}",
        f"GRANT UPDATE (annotator, expires_us, done) ON {CLAIMS} TO {role}",
        f"GRANT EXECUTE ON FUNCTION {', '.join(FUNCTIONS)} TO {role}",
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
