"""Bulk import: earlier answers from a tidy frame, every row checked first, stored at once.

:func:`import_frame` reads the project's newest events, checks every row against them
(:func:`~nblabel.ledger.bulk_rows.plan_import`), and writes the events in one transaction
through :meth:`Ledger.append`, so they reach the mirror and the subscribers in id order like
any answer. The store writes them only if no other kernel wrote in between (otherwise the rows
are checked again), so a full item or a duplicate key is never let through by a race.

With ``on_error="raise"`` (the default) one bad row refuses the whole import with
:class:`ImportRefused`, which lists the first problems and holds them all; with
``on_error="skip"`` the good rows are stored and the :class:`ImportReport` lists the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..store import ItemFull, LogChanged, StoreError, now_us
from ..tasks import Task
from .bulk_rows import (
    IMPORT_KEY,
    REFUSED_COLUMNS,
    ProjectState,
    check_frame_columns,
    plan_import,
)
from .ledger import Ledger

#: What an import does with rows it cannot store: refuse the import, or leave them out.
ON_ERROR = ("raise", "skip")
#: How many times an import is checked again when other kernels wrote meanwhile.
ATTEMPTS = 5
#: How many refused rows an :class:`ImportRefused` message shows.
SHOWN = 5


class ImportRefused(ValueError):
    """Rows of an import cannot be stored, so nothing was; ``refused`` lists every one.

    ``refused`` has the columns ``row`` (the frame's index label), ``item``, ``annotator``,
    ``field`` (which value is wrong) and ``reason``.
    """

    def __init__(self, refused: pd.DataFrame, total: int) -> None:
        lines = [
            f"  row {row.row!r} (item {row.item!r}, annotator {row.annotator!r}) "
            f"{row.field}: {row.reason}"
            for row in refused.head(SHOWN).itertuples(index=False)
        ]
        more = [f"  … and {len(refused) - SHOWN} more"] if len(refused) > SHOWN else []
        good = total - len(refused)
        super().__init__(
            f"{len(refused)} of {total} rows cannot be imported, so nothing was stored:\n"
            + "\n".join(lines + more)
            + f"\nFix them, or pass on_error='skip' to import the {good} other rows (the "
            "report's refused table lists these); this error's .refused holds them all."
        )
        self.refused = refused


@dataclass(frozen=True)
class ImportReport:
    """What an import stored, what it found already stored, and what it refused.

    Attributes
    ----------
    added : int
        Events written (one per row stored).
    present : int
        Rows whose answer was already in the store (imported before), left out.
    refused : pandas.DataFrame
        The rows left out with ``on_error="skip"``: ``row``, ``item``, ``annotator``,
        ``field``, ``reason`` (empty when every row was good).
    event_ids : list of int
        The ids of the written events, in the frame's order.
    """

    added: int
    present: int
    refused: pd.DataFrame
    event_ids: list[int]

    def __repr__(self) -> str:
        return (
            f"ImportReport(added={self.added}, already present={self.present}, "
            f"refused={len(self.refused)})"
        )


def import_frame(
    ledger: Ledger,
    frame: pd.DataFrame,
    task: Task,
    df: pd.DataFrame,
    *,
    annotator: str | None,
    source: str,
    key: str | None,
    on_error: str,
) -> ImportReport:
    """Check every row of ``frame`` and store the good ones in one transaction.

    Parameters
    ----------
    ledger : Ledger
        The project's ledger (its store, mirror, answers and overlap).
    frame : pandas.DataFrame
        The answers (see :meth:`nblabel.Project.add_many`).
    task : Task
        The project's task.
    df : pandas.DataFrame
        The project's items.
    annotator, source : str
        Fill rows without an annotator or a source.
    key : str, optional
        A column of the frame holding each answer's id in the system it comes from.
    on_error : {"raise", "skip"}
        Refuse the whole import if a row is bad, or store the good rows.

    Raises
    ------
    ImportRefused
        With ``on_error="raise"``, if any row cannot be stored (nothing is).
    nblabel.store.StoreError
        If the store fails, or other kernels kept writing while the rows were checked.
    """
    check_frame_columns(frame, annotator, key)
    for _ in range(ATTEMPTS):
        with ledger.lock:
            ledger.pull()
            last = ledger.last_id
            plan = plan_import(
                frame, _state(ledger, task, df), annotator=annotator, source=source, key=key
            )
            refused = pd.DataFrame(plan.refused, columns=list(REFUSED_COLUMNS))
            if len(refused) and on_error == "raise":
                raise ImportRefused(refused, len(frame))
            if not plan.events:
                return ImportReport(0, plan.present, refused, [])
            try:
                ids = ledger.append(plan.events, if_last=last, known=plan.known)
            except (LogChanged, ItemFull):  # others wrote or took places meanwhile: check again
                continue
            return ImportReport(len(ids), plan.present, refused, ids)
    raise StoreError(
        f"other kernels kept writing to the project while the import was checked ({ATTEMPTS} "
        "tries); nothing was imported. Run it again when they pause."
    )


def _state(ledger: Ledger, task: Task, df: pd.DataFrame) -> ProjectState:
    stored_keys = {
        meta[IMPORT_KEY]
        for meta in ledger.frame()["meta"]
        if isinstance(meta, dict) and IMPORT_KEY in meta
    }
    overlap = ledger.leases.overlap
    return ProjectState(
        task, df, ledger.answers, stored_keys, overlap,
        _slots(ledger) if overlap is not None else _no_slots,
    )


def _slots(ledger: Ledger) -> Callable[[str], set[str]]:
    """Return who holds a place of each item now: answered for good, or a lease not expired."""
    now = now_us()
    holders: dict[str, set[str]] = {}
    for claim in ledger.store.claims(ledger.project_id):
        if claim.done or claim.expires_us > now:
            holders.setdefault(claim.item, set()).add(claim.annotator)
    return lambda item: holders.get(item, set())


def _no_slots(_item: str) -> set[str]:
    return set()
