"""The audit trail: who answered what, when, under which guideline, how fast — and how it drifts.

A project's event log (``proj.annotations``) is the trail itself: one row per answer, skip or
undo with the annotator, the UTC time, the value, the guideline version shown, the time the item
was on screen and where the answer came from (``source``); nothing in it is ever changed or
deleted. The functions here summarise it: throughput per annotator over time, whether an
annotator's label distribution drifts as they go, and how long disputed items wait for a
reviewer's decision.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ._checks import Integer, check_kwargs

_NEEDED = ("annotator", "event", "created_at")


@check_kwargs
def throughput(events: pd.DataFrame, freq: str = "1h") -> pd.DataFrame:
    """Return answers per annotator and period, with their pace.

    Parameters
    ----------
    events : pandas.DataFrame
        A project's event log (``proj.annotations``).
    freq : str, default "1h"
        Period length, as a pandas frequency ("15min", "1h", "1D", …).

    Returns
    -------
    pandas.DataFrame
        One row per annotator and period in which they answered: ``annotator``, ``period``
        (start, UTC), ``answers`` (labels and skips given, re-answers included), ``skips``,
        ``median_seconds`` (time on item) and ``per_hour`` (answers per hour on items).

    Examples
    --------
    >>> nl.audit.throughput(proj.annotations, freq="1D")  # doctest: +SKIP
    """
    answers = _answers(events, "throughput")
    length = time_window("freq", freq)
    table = (
        answers.assign(
            period=answers["created_at"].dt.floor(length),
            skip=(answers["event"] == "skip").to_numpy(),
            seconds=answers["duration_ms"].astype("Float64").astype(float) / 1000,
        )
        .groupby(["annotator", "period"], sort=True)
        .agg(
            answers=("skip", "size"),
            skips=("skip", "sum"),
            median_seconds=("seconds", "median"),
            busy_seconds=("seconds", "sum"),
        )
        .reset_index()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_hour = np.where(
            table["busy_seconds"] > 0, 3600 * table["answers"] / table["busy_seconds"], np.nan
        )
    return table.drop(columns="busy_seconds").assign(per_hour=per_hour)


@check_kwargs
def label_drift(events: pd.DataFrame, window: int = 50) -> pd.DataFrame:
    """Return each annotator's label distribution over consecutive windows of their answers.

    Drift is the total variation distance between a window's label shares and the
    annotator's shares over all their answers: 0 when the window looks like the whole, 1 when
    it shares no label with it. A rising distance late in a session can mean fatigue or a
    shifting reading of the guideline.

    Parameters
    ----------
    events : pandas.DataFrame
        A project's event log (``proj.annotations``); every label answer counts, in the
        order given (the trail of what was said, including answers later undone).
    window : int, default 50
        Answers per window (the last window of an annotator may be shorter).

    Returns
    -------
    pandas.DataFrame
        Tidy: ``annotator``, ``window`` (0, 1, …), ``start`` (time of its first answer),
        ``answers``, ``label``, ``share`` and ``drift`` (the window's distance, repeated on
        each of its rows).

    Examples
    --------
    >>> nl.audit.label_drift(proj.annotations, window=20)  # doctest: +SKIP
    """
    window = Integer(low=1, what="a positive number of answers")("window", window)
    labels = _answers(events, "label_drift")
    labels = labels[labels["event"] == "label"]
    if "value" not in labels:
        raise ValueError("label_drift needs the 'value' column of a project's event log.")
    labels = labels.explode("value").dropna(
        subset=["value"]
    )  # multi-label answers count each label
    rows = []
    for annotator, mine in labels.groupby("annotator", sort=True):
        index = np.arange(len(mine)) // window
        overall = mine["value"].value_counts(normalize=True)
        for number, part in mine.groupby(index):
            shares = part["value"].value_counts(normalize=True)
            drift = 0.5 * shares.subtract(overall, fill_value=0).abs().sum()
            for label, share in shares.items():
                rows.append(
                    (
                        annotator,
                        int(number),
                        part["created_at"].iloc[0],
                        len(part),
                        label,
                        float(share),
                        float(drift),
                    )
                )
    columns = ["annotator", "window", "start", "answers", "label", "share", "drift"]
    return pd.DataFrame(rows, columns=columns)


@check_kwargs
def time_to_settle(events: pd.DataFrame, now: Any = None) -> pd.DataFrame:
    """Return how long each disputed item waited for a reviewer's decision.

    An item is disputed from the moment its annotators' current labels first differ; it is
    settled by the first adjudicated answer after that. Open disputes wait until ``now``.

    Parameters
    ----------
    events : pandas.DataFrame
        A project's event log (``proj.annotations``).
    now : timestamp, optional
        The end of an open dispute's wait (default: the current time, UTC).

    Returns
    -------
    pandas.DataFrame
        One row per disputed item: ``item``, ``disputed_at``, ``settled_at`` (NaT while
        open), ``reviewer`` (None while open), ``wait`` (a Timedelta) and ``open``.

    Examples
    --------
    >>> waits = nl.audit.time_to_settle(proj.annotations)  # doctest: +SKIP
    >>> waits.groupby("reviewer")["wait"].describe()  # doctest: +SKIP
    """
    _answers(events, "time_to_settle")  # checks the columns every audit reads
    missing = [column for column in ("item", "value", "source") if column not in events]
    if missing:
        raise ValueError(f"time_to_settle needs a project's event log; missing: {missing}.")
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if now.tzinfo is None:
        now = now.tz_localize("UTC")
    order = events.sort_values("event_id", kind="stable") if "event_id" in events else events
    rows = []
    for item, trail in order.groupby("item", sort=False):
        disputed, settled = _dispute(trail)
        if disputed is None:
            continue
        end = now if settled is None else settled["created_at"]
        rows.append((
            item, disputed, pd.NaT if settled is None else settled["created_at"],
            None if settled is None else settled["annotator"], end - disputed, settled is None,
        ))
    columns = ["item", "disputed_at", "settled_at", "reviewer", "wait", "open"]
    return pd.DataFrame(rows, columns=columns)


def _dispute(trail: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Series | None]:
    """Return when an item's answers first differed, and the decision that settled it."""
    current: dict[str, str] = {}
    disputed = None
    for _, event in trail.iterrows():
        if event["source"] == "adjudicated" and event["event"] == "label":
            if disputed is not None:
                return disputed, event
            continue
        if event["source"] != "human":
            continue
        if event["event"] == "label":
            current[event["annotator"]] = json.dumps(event["value"], sort_keys=True, default=str)
        else:
            current.pop(event["annotator"], None)
        if disputed is None and len(set(current.values())) > 1:
            disputed = event["created_at"]
    return disputed, None


def time_window(name: str, value: Any) -> pd.Timedelta:
    """Return a pandas frequency (``"15min"``, ``"1h"``, ``"1D"``, …) as a positive time span.

    Parameters
    ----------
    name : str
        The argument's name, for the error message.
    value : str or pandas.Timedelta or pandas.DateOffset
        The frequency.

    Returns
    -------
    pandas.Timedelta
        The length of one period.

    Examples
    --------
    >>> time_window("freq", "15min")
    Timedelta('0 days 00:15:00')
    """
    try:
        length = pd.Timedelta(pd.tseries.frequencies.to_offset(value))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}={value!r} is not a time window: it is not a pandas frequency such as "
            "'1min', '1h' or '1D'."
        ) from None
    if length <= pd.Timedelta(0):
        raise ValueError(f"{name}={value!r} must be a positive time window.")
    return length


def _answers(events: pd.DataFrame, caller: str) -> pd.DataFrame:
    """Return every label and skip event, in event order (answers later undone included)."""
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"{caller} takes a project's event log (proj.annotations), got {type(events).__name__}."
        )
    missing = [column for column in _NEEDED if column not in events.columns]
    if missing:
        raise ValueError(
            f"{caller} needs the columns {list(_NEEDED)} of a project's event log "
            f"(proj.annotations); missing: {missing}."
        )
    if "event_id" in events:
        events = events.sort_values("event_id", kind="stable")
    kept = events[events["event"].isin(["label", "skip"])]
    if "duration_ms" not in kept:
        kept = kept.assign(duration_ms=pd.Series(pd.NA, index=kept.index, dtype="Int64"))
    return kept
