"""Team workflows at scale: concurrent writers on SQLite and PostgreSQL, and picking the next item.

1. Durable answers per second with 8 annotators writing at once through ``Project.add``, with and
   without ``overlap=2`` (which also reserves a slot per answer), on a SQLite file (WAL,
   synchronous=FULL) and on PostgreSQL (synchronous_commit as the server has it, printed; set
   ``NBLABEL_TEST_POSTGRES_URL``, as .ci/run does). Two team shapes: 8 kernels with one
   annotator each (processes), and one kernel serving 8 annotators (threads, each with its own
   Project on one shared Store, so their answers share commits: group commit). Beside them, in
   the same run: the same 8 threads with a Store each (a commit per answer, the path before
   group commit), and raw driver inserts with a commit per row. Every figure is checked: all
   acknowledged answers are in the store afterwards.
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
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

import nblabel as nl
from nblabel.store import NewEvent, Store

WRITERS, ANSWERS = 8, 250
TASK = nl.Classify(["a", "b"], text="text")
#: CPU time of the kernel per answer (ms) in the last thread runs, by (url, shared store).
CPU_MS: dict[tuple[str, bool], float] = {}


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
    """Answers per second of WRITERS kernels (processes) running ``target`` at once."""
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
    if target is _writer:
        _check_all_stored(url)
    return WRITERS * ANSWERS / (max(end for _, end in spans) - min(start for start, _ in spans))


def threads_per_second(url: str, overlap: int | None, shared: bool) -> float:
    """Answers per second of WRITERS annotators in one kernel, each with its own Project.

    ``shared``: the projects share one Store, so answers that arrive together share a commit
    (group commit). Otherwise each project has a Store of its own, so every answer is a commit
    of its own: the path every answer took before group commit, measured in the same run.
    """
    nl.Project(frame(WRITERS * ANSWERS), TASK, store=url, name="bench", overlap=overlap).close()
    stores = [Store(url)] * WRITERS if shared else [Store(url) for _ in range(WRITERS)]
    projects = [nl.Project(frame(WRITERS * ANSWERS), TASK, store=store, name="bench", overlap=overlap) for store in stores]
    barrier = threading.Barrier(WRITERS)
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * WRITERS

    def annotate(w: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        for i in range(ANSWERS):
            projects[w].add(w * ANSWERS + i, "a", annotator=f"w{w}")
        spans[w] = (start, time.perf_counter())

    cpu = time.process_time()
    _run_threads(annotate)
    CPU_MS[(url, shared)] = (time.process_time() - cpu) / (WRITERS * ANSWERS) * 1000
    for proj in projects:
        proj.close()
    _check_all_stored(url)
    return WRITERS * ANSWERS / (max(end for _, end in spans) - min(start for start, _ in spans))


def raw_threads_per_second(url: str) -> float:
    """Raw driver inserts, a commit per row, from WRITERS threads of one process."""
    engines = [_raw_engine(url) for _ in range(WRITERS)]
    with engines[0].begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS raw_answers (item INTEGER, annotator TEXT, value TEXT)")
    barrier = threading.Barrier(WRITERS)
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * WRITERS

    def insert(w: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        for i in range(ANSWERS):
            with engines[w].begin() as conn:
                conn.execute(sa.text("INSERT INTO raw_answers VALUES (:i, :a, 'a')"), {"i": i, "a": f"w{w}"})
        spans[w] = (start, time.perf_counter())

    _run_threads(insert)
    for engine in engines:
        engine.dispose()
    return WRITERS * ANSWERS / (max(end for _, end in spans) - min(start for start, _ in spans))


def _run_threads(target) -> None:
    threads = [threading.Thread(target=target, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _check_all_stored(url: str) -> None:
    """Every acknowledged answer is in the store (the figure counts only durable answers)."""
    with nl.Project(frame(WRITERS * ANSWERS), TASK, store=url, name="bench") as check:
        assert len(check.annotations) == WRITERS * ANSWERS


def durability(url: str) -> str:
    """Say how the store makes a commit durable, as its own connection reports it."""
    store = Store(url)
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[conn.exec_driver_sql("PRAGMA synchronous").scalar()]
            said = f"journal_mode={mode}, synchronous={sync}"
        else:
            said = ", ".join(f"{name}={conn.exec_driver_sql(f'SHOW {name}').scalar()}" for name in ("synchronous_commit", "fsync", "wal_sync_method", "commit_delay"))
    store.close()
    return said


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
        fresh_url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        # The events lock is keyed by project id across the database: start this schema's ids
        # where no other schema's tests (on a shared test server) hold it.
        Store(fresh_url).close()
        with engine.begin() as conn:
            start = 1_000_000 + int(uuid.uuid4().int % 1_000_000_000)
            conn.exec_driver_sql(f'ALTER SEQUENCE "{schema}".nblabel_projects_id_seq RESTART WITH {start}')
        return fresh_url

    try:
        yield "PostgreSQL", fresh, None
    finally:
        with engine.begin() as conn:
            for schema in schemas:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def concurrent_writers() -> None:
    print(f"answers per second, {WRITERS} annotators writing at once ({ANSWERS} answers each); every answer is "
          "committed durably before Project.add returns (load average before: "
          f"{', '.join(f'{load:.1f}' for load in os.getloadavg())})")
    columns = ("Project.add", "+ overlap=2", "commit per answer", "raw inserts")
    print(f"{'':34} " + " ".join(f"{name:>17}" for name in columns))
    with tempfile.TemporaryDirectory() as tmp:
        for name, fresh, _ in engines(Path(tmp)):
            print(f"{name}: {durability(fresh())}")
            kernels = (
                writers_per_second(_writer, fresh(), None),
                writers_per_second(_writer, fresh(), 2),
                None,  # a kernel with one annotator commits each answer alone: the same path
                writers_per_second(_raw_writer, fresh(), None),
            )
            shared_url, own_url = fresh(), fresh()
            threads = (
                threads_per_second(shared_url, None, shared=True),
                threads_per_second(fresh(), 2, shared=True),
                threads_per_second(own_url, None, shared=False),
                raw_threads_per_second(fresh()),
            )
            for label, figures in ((f"  {WRITERS} kernels, 1 annotator each", kernels),
                                   (f"  1 kernel, {WRITERS} annotators (threads)", threads)):
                print(f"{label:34} " + " ".join(f"{'(same)' if f is None else f'{f:.0f}':>17}" for f in figures))
            print(f"  CPU time of the kernel per answer (all {WRITERS} projects mirror every answer): "
                  f"{CPU_MS[(shared_url, True)]:.2f} ms with group commit, {CPU_MS[(own_url, False)]:.2f} ms with a commit per answer")
    print(f"load average after: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print("Project.add in one kernel: the annotators' projects share one Store, so answers that arrive "
          "together share a commit (group commit); 'commit per answer' gives each project a Store of "
          "its own, the path before group commit. Kernels do not share commits (see docs/ARCHITECTURE.md).")


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
