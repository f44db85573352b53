"""The store's tables, their version, and the migrations from older versions.

Nothing in the events table is ever updated or deleted. Older files are migrated on open, one
version at a time; files written by a newer nblabel are refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from .errors import StoreError

#: Version of the table layout; older files are migrated on open, newer ones refused.
SCHEMA_VERSION = 3

metadata = sa.MetaData()
_id_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

meta_table = sa.Table(
    "nblabel_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
projects_table = sa.Table(
    "nblabel_projects",
    metadata,
    sa.Column("id", _id_type, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("task", sa.Text, nullable=False),
    sa.Column("created_us", sa.BigInteger, nullable=False),
)
events_table = sa.Table(
    "nblabel_events",
    metadata,
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
guidelines_table = sa.Table(
    "nblabel_guidelines",
    metadata,
    sa.Column("project_id", _id_type, sa.ForeignKey("nblabel_projects.id"), primary_key=True),
    sa.Column("version", sa.String(64), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_us", sa.BigInteger, nullable=False),
    sa.Column("name", sa.Text),
)
#: Who holds which of an item's ``overlap`` answer slots: leases while an item is on someone's
#: screen, kept for good (``done``) once they answered. The primary key caps an item at
#: ``overlap`` holders and the unique constraint gives each annotator at most one slot per item,
#: so concurrent kernels can never hand out more than ``overlap`` answers for an item.
claims_table = sa.Table(
    "nblabel_claims",
    metadata,
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
    claims_table.create(conn, checkfirst=True)


def _add_guideline_names(conn: sa.Connection) -> None:
    """Add a human name to each guideline version (schema 3)."""
    columns = {column["name"] for column in sa.inspect(conn).get_columns(guidelines_table.name)}
    if "name" not in columns:
        conn.exec_driver_sql(f"ALTER TABLE {guidelines_table.name} ADD COLUMN name TEXT")


#: Upgrades from schema version N to N + 1, keyed by N.
_MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _add_claims, 2: _add_guideline_names}


def prepare(conn: sa.Connection, url: str) -> None:
    """Create the tables in an empty database, or migrate older ones to :data:`SCHEMA_VERSION`.

    ``conn`` must hold the store's write lock (see :func:`nblabel.store.engines.exclusive`), so
    kernels opening one store at once neither race to create tables nor migrate twice.
    """
    if not sa.inspect(conn).has_table(meta_table.name):
        metadata.create_all(conn, checkfirst=True)
        conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return
    version = int(
        conn.execute(
            sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        ).scalar_one()
    )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{url} was written by a newer nblabel (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade nblabel to open it."
        )
    while version < SCHEMA_VERSION:
        _MIGRATIONS[version](conn)
        version += 1
        conn.execute(
            meta_table.update()
            .where(meta_table.c.key == "schema_version")
            .values(value=str(version))
        )
