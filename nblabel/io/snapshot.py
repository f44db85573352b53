"""Reproducible snapshots: a project's answers as of one point of its log, with a manifest.

A :class:`Snapshot` holds the events up to an event id or a time, the task, the items and what
settles a label, fixed when it is taken: later answers never change it, so every export made
from it says the same thing. Its :attr:`~Snapshot.manifest` tells which answers it holds (event
ids, annotators, guideline versions, a content hash of the events) and which nblabel took it;
:meth:`Snapshot.export_manifest` adds what an export made of them (the format, how labels were
settled, what the format could not hold, a content hash of the exported data), so "which labels
trained this model" has an answer.

As of a time means what the store held then: a live answer counts from when it was given, an
imported one from when it was imported (its ``meta["imported_us"]``), not from the time it was
first given in the tool it came from.

Examples
--------
>>> snap = nl.io.snapshot(proj, as_of="2024-05-01 12:00")  # doctest: +SKIP
>>> snap.labels(how="majority")  # doctest: +SKIP
>>> snap.manifest["events"]  # doctest: +SKIP
{'count': 812, 'first_id': 1, 'last_id': 812, 'content_hash': 'sha256:…'}
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import pathlib
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .. import settle
from .._checks import Offers, check
from ..agreement.data import LABELS_ATTR
from ..gold import GoldSet
from ..ledger import CurrentAnswers, EventLog
from ..ledger.bulk_rows import IMPORTED_US
from ..store import ANSWER_EVENTS, GuidelineVersion
from ..tasks import Classify, Spans, Task

#: How each way of settling labels reads the answers (recorded in export manifests).
SETTLED = {
    "latest": "each item's most recent current label (an annotator's own answers only if "
    "annotator is given); annotators who have not passed a qualification round do not count",
    "majority": "majority vote of the annotators' own current answers (qualified annotators "
    "only); spans are kept when more than half of an item's annotators marked them (same start, "
    "end and label); an adjudicated answer settles its item",
    "dawid_skene": "Dawid-Skene consensus of the annotators' own current answers (qualified "
    "annotators only); an adjudicated answer settles its item",
}


class Snapshot:
    """A project's answers as of one point of its log (see :func:`snapshot`).

    Attributes
    ----------
    name : str
        The project's name.
    task : Task
        The project's task.
    df : pandas.DataFrame
        A copy of the items (without the column ``into`` fills).
    as_of : int, pandas.Timestamp or None
        What was asked: an event id, a UTC time, or None (everything stored when it was taken).
    last_id : int
        The newest event id it holds (0 when it holds none).
    """

    def __init__(
        self,
        *,
        name: str,
        task: Task,
        df: pd.DataFrame,
        log: EventLog,
        as_of: int | pd.Timestamp | None,
        gold: GoldSet | None = None,
        guidelines: Sequence[GuidelineVersion] = (),
        store: str = "",
    ) -> None:
        self.name, self.task, self.df, self.as_of = name, task, df, as_of
        self._log, self._gold, self._store = log, gold, store
        self._guidelines = {version.version: version.name for version in guidelines}
        self._answers: CurrentAnswers | None = None  # reviewers' answers, read when first needed
        self.last_id = log.last_id
        self.taken_at = pd.Timestamp.now(tz="UTC")
        self._manifest: dict[str, Any] | None = None

    # -- the answers -------------------------------------------------------------------------
    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table as of the snapshot (the columns of ``Project.annotations``)."""
        frame = self._log.frame().copy()
        if isinstance(self.task, Classify) and not self.task.multi:
            frame.attrs[LABELS_ATTR] = list(self.task.labels)
        return frame

    def current(self, annotator: str | None = None) -> pd.DataFrame:
        """Return each annotator's current answer per item, with its row ``position``."""
        return self._log.current(annotator)

    def labels(self, annotator: str | None = None, how: str = "latest") -> pd.Series:
        """Return one label per item as of the snapshot, aligned to ``df.index``.

        As :meth:`nblabel.Project.labels`: ``how`` is ``"latest"`` (of ``annotator`` if given),
        ``"majority"`` or ``"dawid_skene"``; an adjudicated answer settles its item.
        """
        if how not in settle.HOW:
            raise ValueError(f"how={how!r} is not supported; use one of {list(settle.HOW)}.")
        if how != "latest":
            if annotator is not None:
                raise ValueError(f"how={how!r} combines annotators; do not pass annotator=.")
            return settle.consensus_labels(
                self.counted(), self._current_answers(), self.df.index, how, "label",
                spans=isinstance(self.task, Spans),
            )
        if annotator is not None:
            annotator = check("annotator", annotator)
            events = self._log.frame()
            known = sorted(set(events.loc[events["event"].isin(ANSWER_EVENTS), "annotator"]))
            if annotator not in known:
                raise ValueError(
                    f"no answers by {annotator!r} in this snapshot; annotators in it: {known}."
                )
        current = self._log.current(annotator)
        if annotator is None:
            current = settle.counted(current, self._counts)
        return settle.latest_labels(current, self.df.index, "label")

    def _current_answers(self) -> CurrentAnswers:
        """Return the current answers of reviewers: what settles an item whatever the votes.

        Only annotators who gave an adjudicated answer can hold a decision (an annotator's
        current answer depends on their own events alone), so only their events are read.
        """
        if self._answers is None:
            self._answers = CurrentAnswers()
            events = self._log.frame()
            reviewers = events.loc[events["source"] == "adjudicated", "annotator"].unique()
            if len(reviewers):
                theirs = self._log.select(events["annotator"].isin(reviewers).to_numpy())
                for pos, row in theirs.events():
                    if pos >= 0:
                        self._answers.apply(pos, row)
        return self._answers

    def counted(self) -> pd.DataFrame:
        """Return the events that count toward consensus: annotators' own, once qualified.

        Model answers, gold and a reviewer's decisions are left out, as are annotators who
        have not passed a qualification round (see :meth:`nblabel.Project.qualified`).
        """
        events = self._log.frame()
        return settle.counted(events[events["source"] == "human"], self._counts)

    def _counts(self, annotator: str) -> bool:
        return self._gold is None or self._gold.counts(
            annotator, self._log.current(annotator), self._log.frame()
        )

    # -- the manifest ------------------------------------------------------------------------
    @property
    def manifest(self) -> dict[str, Any]:
        """What the snapshot holds: plain data, ready for ``json.dumps``.

        Keys: ``nblabel_version``, ``project``, ``store``, ``taken_at`` (UTC), ``as_of``
        (what was asked), ``events`` (``count``, ``first_id``, ``last_id`` and the
        ``content_hash`` of the event table), ``task`` (its JSON form), ``guidelines`` (each
        version the events were given under: ``version``, ``name``, ``events``) and
        ``annotators`` (per annotator: answer ``events`` — labels, skips, retracts — and
        current ``labels``; pre-labelers' suggestions are not answers).
        """
        if self._manifest is None:
            self._manifest = self._make_manifest()
        return json.loads(json.dumps(self._manifest))

    def export_manifest(
        self,
        data: Any,
        *,
        format: str,
        how: str | None = None,
        annotator: str | None = None,
        rule: str | None = None,
        lost: Sequence[str] = (),
        data_hash: str | None = None,
        **details: Any,
    ) -> dict[str, Any]:
        """Return the manifest of an export made from this snapshot.

        The snapshot's :attr:`manifest` plus ``export``: the ``format``, the number of
        ``rows``, ``labels`` (``how`` they were settled, the ``annotator`` if one, and the
        ``rule`` in words, by default that of :data:`SETTLED`), what the format could not hold
        (``lost``), any ``details`` the exporter adds, and the ``content_hash`` of ``data``
        (see :func:`content_hash`; ``data_hash`` gives it when the caller computed it).
        """
        export: dict[str, Any] = {"format": format, "rows": _rows(data)}
        if how is not None:
            rule = SETTLED.get(how, how) if rule is None else rule
            export["labels"] = {"how": how, "annotator": annotator, "rule": rule}
        digest = content_hash(data) if data_hash is None else data_hash
        export.update(lost=list(lost), **details, content_hash=digest)
        return {**self.manifest, "export": json.loads(json.dumps(export, default=_plain))}

    def _make_manifest(self) -> dict[str, Any]:
        events = self._log.frame()
        ids = events["event_id"]
        answers = events[events["event"].isin(ANSWER_EVENTS)]
        given = answers[answers["event"] != "retract"]
        versions = given["guideline"].dropna().value_counts(sort=False)
        current = self._log.current()
        labels = current[current["event"] == "label"].groupby("annotator").size()
        asked = self.as_of.isoformat() if isinstance(self.as_of, pd.Timestamp) else self.as_of
        return {
            "nblabel_version": nblabel_version(),
            "project": self.name,
            "store": self._store,
            "taken_at": self.taken_at.isoformat(),
            "as_of": asked,
            "events": {
                "count": len(events),
                "first_id": int(ids.iloc[0]) if len(ids) else None,
                "last_id": int(ids.iloc[-1]) if len(ids) else None,
                "content_hash": content_hash(events),
            },
            "task": json.loads(self.task.to_json()),
            "guidelines": [
                {"version": version, "name": self._guidelines.get(version), "events": int(n)}
                for version, n in versions.items()
            ],
            "annotators": {
                name: {"events": int(n), "labels": int(labels.get(name, 0))}
                for name, n in answers.groupby("annotator").size().items()
            },
        }

    def __repr__(self) -> str:
        return (
            f"<nblabel.io.Snapshot of {self.name!r}: {len(self._log)} events up to id "
            f"{self.last_id}, {len(self.df)} items, taken {self.taken_at:%Y-%m-%d %H:%M:%S} UTC>"
        )


class SnapshotSource(Protocol):
    """What :func:`snapshot` takes: anything that makes snapshots (an ``nl.Project``)."""

    def snapshot(self, as_of: Any = None) -> Snapshot:
        """Return the answers as of ``as_of``."""


def snapshot(data: Any, as_of: Any = None) -> Snapshot:
    """Return a project's answers as of an event id or a time, fixed (a :class:`Snapshot`).

    Parameters
    ----------
    data : nblabel.Project or Snapshot
        A snapshot is returned as it is (``as_of`` must then be None).
    as_of : int, datetime, pandas.Timestamp or str, optional
        The newest event id to hold, or a time (UTC unless it names a zone): the events the
        store held then. None: every event stored now.

    Examples
    --------
    >>> snap = nl.io.snapshot(proj, as_of=120)  # doctest: +SKIP
    >>> snap.labels().dropna().shape  # doctest: +SKIP
    """
    if isinstance(data, Snapshot):
        if as_of is not None:
            raise ValueError(
                f"this is already a snapshot (up to event {data.last_id}); take one as of "
                f"another point from the project: nl.io.snapshot(proj, as_of={as_of!r})."
            )
        return data
    Offers(SnapshotSource, "an nl.Project or an nl.io.Snapshot")("data", data)
    return data.snapshot(as_of=as_of)


def events_as_of(log: EventLog, as_of: int | pd.Timestamp | None) -> EventLog:
    """Return a copy of the events of ``log`` held as of an event id or a UTC time (None: all).

    Raises
    ------
    ValueError
        If ``as_of`` is after the newest event or in the future: such a snapshot would change
        as answers arrive.
    """
    if as_of is None:
        return log.select(np.ones(len(log), dtype=bool))
    events = log.frame()
    if isinstance(as_of, pd.Timestamp):
        if as_of > pd.Timestamp.now(tz="UTC"):
            raise ValueError(
                f"as_of={as_of.isoformat()} is in the future; a snapshot holds what is stored, "
                "so pass a past time, an event id, or None for now."
            )
        known = [
            meta[IMPORTED_US] if isinstance(meta, dict) and IMPORTED_US in meta else created
            for meta, created in zip(
                events["meta"], events["created_at"].dt.as_unit("us").astype("int64"),
                strict=True,
            )
        ]
        return log.select(np.asarray(known, dtype=np.int64) <= as_of.value // 1000)
    if as_of > log.last_id:
        raise ValueError(
            f"as_of={as_of} is after the newest event ({log.last_id}); a snapshot holds what is "
            "stored, so pass an id up to it, or None for now."
        )
    return log.select(events["event_id"].to_numpy() <= as_of)


def content_hash(data: Any) -> str:
    """Return ``"sha256:<hex>"`` of ``data``'s content: equal data, equal hash, on any machine.

    ``data`` is a DataFrame (its columns, index and values), a list of records, or any
    JSON-like value; times are hashed as ISO text, bytes by their own hash.
    """
    if isinstance(data, pd.DataFrame):
        times = {
            name: _iso(column) for name, column in data.items()
            if pd.api.types.is_datetime64_any_dtype(column)
        }
        data = {
            "columns": [str(name) for name in data.columns],
            "index": data.index.tolist(),
            "rows": data.assign(**times).to_numpy(dtype=object).tolist() if times
            else data.to_numpy(dtype=object).tolist(),
        }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_manifest(path: str | pathlib.Path, manifest: dict[str, Any]) -> pathlib.Path:
    """Write ``manifest`` as JSON beside the export at ``path``; return where it went.

    The manifest of ``labels.jsonl`` is ``labels.jsonl.manifest.json``.
    """
    target = pathlib.Path(path)
    target = target.with_name(target.name + ".manifest.json")
    target.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def nblabel_version() -> str:
    """Return the installed nblabel's version ("unknown" when it is not installed)."""
    try:
        return importlib.metadata.version("nblabel")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _iso(times: pd.Series) -> pd.Series:
    """Return a column of times as ISO text with their zone (None where missing).

    As ``times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f%z")``; UTC and zone-less columns (every event
    table's) are formatted by numpy, many times faster.
    """
    zone = times.dt.tz
    if zone is not None and str(zone) != "UTC":
        text = times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f%z").astype(object)
        return text.where(times.notna(), None)
    wall = (times.dt.tz_localize(None) if zone is not None else times).to_numpy()
    digits = np.datetime_as_string(wall.astype("datetime64[us]"), unit="us")
    text = pd.Series(np.char.add(digits, "+0000" if zone is not None else ""), index=times.index)
    return text.astype(object).where(times.notna(), None)


def _rows(data: Any) -> int | None:
    try:
        return len(data)
    except TypeError:
        return None


def _plain(value: Any) -> Any:
    """Return a JSON-able stand-in for a value ``json`` does not know."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, bytes | bytearray):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if callable(getattr(value, "tobytes", None)):  # e.g. a PIL image
        return {"sha256": hashlib.sha256(value.tobytes()).hexdigest()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return repr(value)
