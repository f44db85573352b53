"""Bulk import of earlier answers, and exports of them, at 100,000 answers.

``proj.add_many(frame)`` checks every row as ``proj.add`` does (the task, the field rules, the
project's state), keys each answer for idempotency and writes them all in one transaction, then
mirrors them in memory. Beside it, in the same run: a ``proj.add`` loop (one checked, committed
transaction per answer; timed on a sample and scaled), and the floor: a raw SQLAlchemy
``executemany`` of the same rows into the same table, with no checks, keys or mirror. Then the
same import again (every row already present: nothing added), a snapshot, and the Hugging Face
export of the 100,000 answers settled by majority vote.

Run: .venv/bin/python benchmarks/bulk_import.py [--answers 100000] [--loop 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import datasets  # noqa: F401  (imported before timing: the export, not the import, is timed)
import pandas as pd

import nblabel as nl
from nblabel.store import NewEvent, Store
from nblabel.store.records import event_row
from nblabel.store.schema import events_table

LABELS = ["bug", "billing", "praise", "other"]
ANNOTATORS = ["ana", "ben", "chloe", "dev"]


def items(n: int) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"ticket {i}: the sync stopped again" for i in range(n)]})


def answers(n: int) -> pd.DataFrame:
    """``n`` answers: every item answered by the four annotators (the last one often differs)."""
    start = pd.Timestamp("2024-01-01", tz="UTC")
    k = len(ANNOTATORS)
    return pd.DataFrame({
        "item": [i // k for i in range(n)],
        "annotator": [ANNOTATORS[i % k] for i in range(n)],
        "value": [LABELS[(i // k + (i % k == k - 1)) % len(LABELS)] for i in range(n)],
        "created_at": start + pd.to_timedelta(range(n), unit="s"),
        "duration_ms": [1500 + i % 3000 for i in range(n)],
    })


def task() -> nl.Classify:
    return nl.Classify(LABELS, text="text")


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--loop", type=int, default=2_000, help="proj.add calls to time")
    args = parser.parse_args()
    n, frame = args.answers, answers(args.answers)
    data = items(n // len(ANNOTATORS) + 1)
    with tempfile.TemporaryDirectory() as folder:
        proj = nl.Project(data, task(), store=Path(folder) / "bulk.db", name="bench")
        seconds, report = timed(lambda: proj.add_many(frame))
        assert report.added == n
        again, second = timed(lambda: proj.add_many(frame))
        assert second.added == 0 and second.present == n
        snap_s, snap = timed(lambda: proj.snapshot())
        hf_s, ds = timed(lambda: nl.io.to_hf_dataset(snap, how="majority"))
        proj.close()

        looped = nl.Project(data, task(), store=Path(folder) / "loop.db", name="bench")
        sample = frame.head(args.loop)
        loop_s, _ = timed(lambda: [
            looped.add(row.item, row.value, annotator=row.annotator)
            for row in sample.itertuples(index=False)
        ])
        looped.close()

        store = Store(Path(folder) / "raw.db")
        pid = store.open_project("bench", task())
        rows = [
            event_row(pid, NewEvent(str(row.item), row.annotator, "label", row.value,
                                    source="human", duration_ms=row.duration_ms,
                                    created_us=row.created_at.value // 1000))
            for row in frame.itertuples(index=False)
        ]

        def raw() -> None:
            with store.engine.begin() as conn:
                conn.execute(events_table.insert(), rows)

        raw_s, _ = timed(raw)
        store.close()

    print(f"{n:,} answers ({n // len(ANNOTATORS):,} items x {len(ANNOTATORS)} annotators), "
          f"one SQLite file (WAL, synchronous=FULL); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"  proj.add_many(frame)            {seconds:7.2f} s   {n / seconds:9,.0f} answers/s"
          "   checked, keyed, one transaction, mirrored")
    loop_total = loop_s / len(sample) * n
    print(f"  proj.add loop (scaled from {len(sample):,})  {loop_total:7.1f} s   "
          f"{len(sample) / loop_s:9,.0f} answers/s   one transaction per answer")
    print(f"  raw SQLAlchemy executemany      {raw_s:7.2f} s   {n / raw_s:9,.0f} answers/s"
          "   same rows pre-encoded, no checks, no keys, no mirror")
    print(f"  the same import again           {again:7.2f} s   ({second.present:,} already "
          "present, nothing added)")
    print(f"  proj.snapshot()                 {snap_s:7.2f} s   manifest hash "
          f"{snap.manifest['events']['content_hash'][:19]}…")
    print(f"  nl.io.to_hf_dataset(majority)   {hf_s:7.2f} s   {len(ds):,} rows")


if __name__ == "__main__":
    main()
