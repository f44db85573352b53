"""Running a pre-labeler: any callable over items in batches, its suggestions kept with provenance.

A pre-labeler is the user's function — an LLM client, rules, a model — called with a batch of
rows (a DataFrame slice) and returning one result per row: a value, a dict ``{"value",
"confidence", "cost", "tokens"}`` (any but ``value`` optional), or None for no suggestion.
nblabel itself makes no network call. Every result is checked against the task before it is
stored; each batch is stored in one transaction as ``suggest`` events whose ``meta`` records the
pre-labeler's ``version``, the confidence, cost and tokens it reported, and the seconds it took
per item. A run that stops (an error, an interrupt) keeps the batches stored so far; running it
again with the same name and version resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Integer, Number
from .._items import encode_item
from .._progress import ProgressBar, ProgressCallback
from ..store import NewEvent
from ..tasks import Task

#: Columns of the report :func:`run_prelabeler` returns.
REPORT_COLUMNS = ("item", "status", "value", "confidence", "cost", "tokens", "detail")
_CONFIDENCE = Number(0, 1, none=True, what="a number between 0 and 1")
_AMOUNT = Number(0, none=True, what="a number >= 0")
_BATCH = Integer(1, 100_000)


def default_version(fn: Callable[..., Any]) -> str:
    """Return a version for ``fn``: a hash of its source (its name when there is no source).

    A changed function (a new prompt in its code) thus gets a new version, and its
    suggestions are stored beside the old ones instead of being taken for them.
    """
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return getattr(fn, "__qualname__", type(fn).__qualname__)
    return "src:" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def run_prelabeler(
    fn: Callable[[pd.DataFrame], Sequence[Any]],
    df: pd.DataFrame,
    task: Task,
    positions: Sequence[int],
    *,
    name: str,
    version: str,
    batch_size: int,
    write: Callable[[list[NewEvent]], Any],
    progress: bool | ProgressCallback = True,
) -> pd.DataFrame:
    """Call ``fn`` on the rows at ``positions`` in batches; store what it suggests with ``write``.

    Returns the report: one row per item (``item``, ``status`` — ``"suggested"``,
    ``"refused"`` (``detail`` says why) or ``"none"`` —, ``value``, ``confidence``, ``cost``,
    ``tokens``). If ``fn`` fails, the batches stored so far stay, and the error says how many.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of a batch of rows, got {fn!r}.")
    batch_size = _BATCH("batch_size", batch_size)
    rows: list[tuple[Any, ...]] = []
    stored = 0
    with ProgressBar(progress, len(positions), f"pre-label {name}", "item") as step:
        for start in range(0, len(positions), batch_size):
            batch = list(positions[start : start + batch_size])
            frame = df.iloc[batch]
            began = time.perf_counter()
            try:
                results = _results(fn(frame), len(batch))
            except Exception as error:
                raise RuntimeError(
                    f"pre-labeler {name!r} failed on the batch starting at item "
                    f"{df.index[batch[0]]!r} ({type(error).__name__}: {error}); {stored} "
                    "suggestions were stored before it. Fix it and run prelabel again: it "
                    "resumes after the items done."
                ) from error
            seconds = (time.perf_counter() - began) / len(batch)
            events = []
            for pos, result in zip(batch, results, strict=True):
                row, event = _suggestion(task, df, pos, result, name, version, seconds)
                rows.append(row)
                if event is not None:
                    events.append(event)
            if events:
                write(events)
                stored += len(events)
            step(len(batch))
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def _results(results: Any, expected: int) -> list[Any]:
    if isinstance(results, pd.Series | np.ndarray):
        results = list(results)
    if isinstance(results, str | bytes | dict) or not isinstance(results, Sequence):
        raise TypeError(f"a pre-labeler returns one result per row (a list), got {results!r}")
    if len(results) != expected:
        raise ValueError(f"a pre-labeler returns one result per row: {len(results)} for {expected}")
    return list(results)


def _suggestion(
    task: Task, df: pd.DataFrame, pos: int, result: Any, name: str, version: str, seconds: float
) -> tuple[tuple[Any, ...], NewEvent | None]:
    """Return the report row of one result, and its event when it is a valid suggestion."""
    item = df.index[pos]
    details = result if isinstance(result, dict) else {"value": result}
    value = details.get("value")
    if value is None or (isinstance(value, float) and value != value):
        return (item, "none", None, None, None, None, None), None
    try:
        unknown = sorted(set(details) - {"value", "confidence", "cost", "tokens"})
        if unknown:
            raise ValueError(f"unknown keys {unknown}; give value, confidence, cost, tokens")
        value = task.validate_for(value, df.iloc[pos])
        confidence = _CONFIDENCE("confidence", details.get("confidence"))
        cost = _AMOUNT("cost", details.get("cost"))
        tokens = _AMOUNT("tokens", details.get("tokens"))
    except (TypeError, ValueError) as error:
        return (item, "refused", value, None, None, None, str(error)), None
    meta = {"version": version, "confidence": confidence, "cost": cost, "tokens": tokens,
            "seconds": round(seconds, 6)}
    event = NewEvent(
        item=encode_item(item), annotator=name, event="suggest", value=value, source="model",
        guideline=task.guideline_version, meta={k: v for k, v in meta.items() if v is not None},
    )
    return (item, "suggested", value, confidence, cost, tokens, None), event
