"""Bulk import of earlier answers at 100,000 answers, on SQLite or PostgreSQL.

``proj.add_many(frame)`` checks every row as ``proj.add`` does (the task, the field rules, the
project's state), keys each answer for idempotency and writes them all in one transaction, then
mirrors them in memory. Beside it, in the same run: a ``proj.add`` loop (one checked, committed
transaction per answer; timed on a sample and scaled), and the floor: a raw SQLAlchemy
``executemany`` of the same rows into the same table, with no checks, keys or mirror. Then the
same import again (every row already present: nothing added). Times are wall-clock and CPU
seconds of this process (on a shared machine the CPU time is the steadier figure; on
PostgreSQL part of the work is the server's, which the CPU time does not count). The exports
of such a project are measured by ``benchmarks/exports.py``.

Run: .venv/bin/python benchmarks/bulk_import.py [--answers 100000] [--loop 2000]
     [--store postgresql+psycopg://user:pw@127.0.0.1/db]  (default: a SQLite file)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

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
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--loop", type=int, default=2_000, help="proj.add calls to time")
    parser.add_argument("--store", default=None, help="a PostgreSQL URL (default: SQLite files)")
    args = parser.parse_args()
    if args.store:
        with fresh_schema(args.store) as url:
            measure(args, url)
    else:
        measure(args, None)


@contextlib.contextmanager
def fresh_schema(url: str):
    """Yield ``url`` with a new, empty default schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


def measure(args: argparse.Namespace, url: str | None) -> None:
    n, frame = args.answers, answers(args.answers)
    data = items(n // len(ANNOTATORS) + 1)
    run = f"{os.getpid()}_{int(time.time())}"
    with tempfile.TemporaryDirectory() as folder:
        def store(name: str) -> str | Path:
            return url or Path(folder) / f"{name}.db"

        proj = nl.Project(data, task(), store=store("bulk"), name=f"bulk_{run}")
        seconds, report = timed(lambda: proj.add_many(frame))
        assert report.added == n
        again, second = timed(lambda: proj.add_many(frame))
        assert second.added == 0 and second.present == n
        proj.close()

        looped = nl.Project(data, task(), store=store("loop"), name=f"loop_{run}")
        sample = frame.head(args.loop)
        loop_s, _ = timed(lambda: [
            looped.add(row.item, row.value, annotator=row.annotator)
            for row in sample.itertuples(index=False)
        ])
        looped.close()

        raw_store = Store(store("raw"))
        pid = raw_store.open_project(f"raw_{run}", task())
        rows = [
            event_row(pid, NewEvent(str(row.item), row.annotator, "label", row.value,
                                    source="human", duration_ms=row.duration_ms,
                                    created_us=row.created_at.value // 1000))
            for row in frame.itertuples(index=False)
        ]

        def raw() -> None:
            with raw_store.engine.begin() as conn:
                conn.execute(events_table.insert(), rows)

        raw_s, _ = timed(raw)
        raw_store.close()

    engine = "PostgreSQL (its own schema)" if url else "one SQLite file (WAL, synchronous=FULL)"
    print(f"{n:,} answers ({n // len(ANNOTATORS):,} items x {len(ANNOTATORS)} annotators), "
          f"{engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          "seconds wall / CPU")
    print(f"  proj.add_many(frame)             {seconds[0]:7.2f} / {seconds[1]:6.2f}   "
          f"{n / seconds[0]:9,.0f} answers/s   checked, keyed, one transaction, mirrored")
    scale = n / len(sample)
    print(f"  proj.add loop (scaled from {len(sample):,})   {loop_s[0] * scale:7.1f} / "
          f"{loop_s[1] * scale:6.1f}   {len(sample) / loop_s[0]:9,.0f} answers/s   one "
          "transaction per answer")
    print(f"  raw SQLAlchemy executemany       {raw_s[0]:7.2f} / {raw_s[1]:6.2f}   "
          f"{n / raw_s[0]:9,.0f} answers/s   same rows pre-encoded, no checks, keys or mirror")
    print(f"  the same import again            {again[0]:7.2f} / {again[1]:6.2f}   "
          f"({second.present:,} already present, nothing added)")


if __name__ == "__main__":
    main()
