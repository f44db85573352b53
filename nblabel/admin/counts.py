"""A team's progress as the database counts it: usable on any member's connection, blind or not."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .._checks import check
from ..store import BUSY_TIMEOUT_S, Store
from ..store.access import NO_RIGHT, refused_as
from ..store.errors import DRIVER_ERRORS, StoreError, explain
from .policies import PROGRESS

#: Columns of :func:`progress`, in order.
PROGRESS_COLUMNS = ("labeled", "skipped", "done", "last_active")


def progress(store: str | Engine, project: str) -> pd.DataFrame:
    """Return each annotator's current labels and skips in ``project``, counted by the database.

    In a blind project an annotator's connection cannot read others' answers, so a
    ``Project`` opened on it counts only its own; this asks the function that
    :func:`setup_postgres` installed, which counts everyone's answers and returns no answer.
    Team members and the store's owner may call it.

    Parameters
    ----------
    store : str or sqlalchemy.engine.Engine
        The PostgreSQL store, on the caller's own connection.
    project : str
        The project's name.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``annotator``: ``labeled`` and ``skipped`` (items whose current answer is a
        label or a skip), ``done`` (their sum) and ``last_active`` (UTC time of the newest
        event). Empty for a project the caller is not on the team of.

    Examples
    --------
    >>> url = "postgresql+psycopg://ana@db.example.org/labels"
    >>> nl.admin.progress(url, "tickets")  # doctest: +SKIP
    """
    project = check("name", project)
    source = Store(store)
    try:
        with refused_as(source.role, NO_RIGHT), source.engine.connect() as conn:
            rows = conn.execute(
                sa.text(f"SELECT * FROM {PROGRESS}(:project)"), {"project": project}
            ).all()
    except DRIVER_ERRORS as error:
        raise StoreError(
            f"{explain(error, source.url, BUSY_TIMEOUT_S)}. Team progress needs a store set up "
            "with nl.admin.setup_postgres."
        ) from error
    finally:
        source.close()
    table = pd.DataFrame(
        {
            "labeled": pd.Series([row[1] for row in rows], dtype="int64"),
            "skipped": pd.Series([row[2] for row in rows], dtype="int64"),
            "last_active": pd.to_datetime(
                pd.Series([row[3] for row in rows], dtype="int64"), unit="us", utc=True
            ),
        },
    )
    table.index = pd.Index([row[0] for row in rows], name="annotator", dtype=object)
    table["done"] = table["labeled"] + table["skipped"]
    return table[list(PROGRESS_COLUMNS)]
