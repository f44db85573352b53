"""Team workflows at scale: concurrent writers on SQLite and PostgreSQL, and picking the next item.

1. Answers per second with 8 kernels writing at once (each its own annotator), through
   ``Project.add`` — one committed transaction per answer — with and without ``overlap=2``
   (which also reserves a slot per answer), on a SQLite file and on PostgreSQL (set
   ``NBLABEL_TEST_POSTGRES_URL``, as .ci/run does). Beside it: raw driver inserts with a commit
   per row, the floor any store pays.
2. Time to fill an annotator's window (pick their next 20 items) in a 1,000,000-item project
   where 10 annotators have already answered 20,000 items each, next to the obvious pandas
   approach (set difference of the index and the answered items, then take the first 20).

Run: .venv/bin/python benchmarks/team_store.py
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

import nblabel as nl
from nblabel.store import NewEvent

WRITERS, ANSWERS = 8, 250
TASK = nl.Classify(["a", "b"], text="text")


def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"text": np.full(n, "ticket")})


def _writer(url, w, overlap, barrier, results):
    proj = nl.Project(frame(WRITERS * ANSWERS), TASK, store=url, name="bench", overlap=overlap)
    barrier.wait()
    start = time.perf_counter()
    for i in range(ANSWERS):
        proj.add(w * ANSWERS + i, "a", annotator=f"w{w}")
    results[w] = (start, time.perf_counter())
    proj.close()


def _raw_engine(url: str) -> sa.Engine:
    """A plain engine; on SQLite with the store's settings (WAL, full sync, a busy timeout)."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url)
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def _raw_writer(url, w, _overlap, barrier, results):
    engine = _raw_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS raw_answers (item INTEGER, annotator TEXT, value TEXT)")
    barrier.wait()
    start = time.perf_counter()
    for i in range(ANSWERS):
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO raw_answers VALUES (:i, :a, 'a')"), {"i": i, "a": f"w{w}"})
    results[w] = (start, time.perf_counter())
    engine.dispose()


def writers_per_second(target, url: str, overlap: int | None) -> float:
    if target is _writer:
        nl.Project(frame(WRITERS * ANSWERS), TASK, store=url, name="bench", overlap=overlap).close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    with ctx.Manager() as manager:
        results = manager.dict()
        procs = [ctx.Process(target=target, args=(url, w, overlap, barrier, results)) for w in range(WRITERS)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(900)
            assert p.exitcode == 0
        spans = list(results.values())
    return WRITERS * ANSWERS / (max(end for _, end in spans) - min(start for start, _ in spans))


def engines(tmp: Path):
    yield "SQLite file", lambda: f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}", None
    url = os.environ.get("NBLABEL_TEST_POSTGRES_URL")
    if not url:
        print("  (PostgreSQL skipped: set NBLABEL_TEST_POSTGRES_URL)")
        return
    engine = sa.create_engine(url)
    schemas = []

    def fresh() -> str:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"

    try:
        yield "PostgreSQL", fresh, None
    finally:
        with engine.begin() as conn:
            for schema in schemas:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def concurrent_writers() -> None:
    print(f"answers per second, {WRITERS} kernels writing at once ({ANSWERS} answers each, a commit per answer)")
    print(f"{'':14} {'Project.add':>12} {'+ overlap=2':>12} {'raw inserts':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, fresh, _ in engines(Path(tmp)):
            plain = writers_per_second(_writer, fresh(), None)
            overlap = writers_per_second(_writer, fresh(), 2)
            raw = writers_per_second(_raw_writer, fresh(), None)
            print(f"{name:14} {plain:12.0f} {overlap:12.0f} {raw:12.0f}")


def next_items() -> None:
    n, annotators, answered = 1_000_000, 10, 20_000
    print(f"\npicking an annotator's next 20 items: {n:,} items, {annotators} annotators x {answered:,} answers already")
    df = frame(n)
    rows = []
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for overlap in (None, 2):
            proj = nl.Project(df, TASK, store=Path(tmp) / f"big{overlap}.db", overlap=overlap)
            # Fill the mirror as the store would after many sessions (one batch, not timed).
            events = [NewEvent(str(int(i)), f"a{a}", "label", "a", source="human")
                      for a in range(annotators) for i in rng.choice(n // 2, answered, replace=False)]
            proj.store.append(proj._project_id, events)
            proj.refresh()
            session = proj.label("a0", window=20)._session
            times = []
            for _ in range(20):
                session.sent.clear()
                start = time.perf_counter()
                session._top_up()
                times.append(time.perf_counter() - start)
            rows.append((f"nblabel window refill{' + overlap=2' if overlap else ''}", statistics.median(times)))
            proj.close()
    answered_items = pd.Index(rng.choice(n // 2, answered, replace=False))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        df.index.difference(answered_items)[:20]
        times.append(time.perf_counter() - start)
    rows.append(("pandas index.difference()[:20]", statistics.median(times)))
    for name, seconds in rows:
        print(f"{name:40} {seconds * 1000:9.2f} ms (median)")


if __name__ == "__main__":
    concurrent_writers()
    next_items()
