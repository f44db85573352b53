"""What the database's access rules cost: answers per second with row-level security on and off.

A team set up by ``nl.admin.setup_postgres`` in a fresh schema; each writer is a process that
opens the project on its own annotator's connection and answers through ``Project.add`` (one
committed transaction per answer, the INSERT checked by the policies). "off" is the same
roles, grants and tables with row-level security disabled on them; "on, open" is a project
that is not blind, so every kernel reads the same events as with "off" and the difference is
the policies alone; "on, blind" hides each annotator's answers from the others, so each
kernel also reads fewer events (others' answers are not mirrored). 1 and 4 writers, without
and with ``overlap=2`` (which also takes a slot in the claims table per answer, under its own
policies). Then reading: ``Store.read`` of every event of a project as its reviewer (every row
passes the read policy). Each figure is the median of ``ROUNDS`` runs, the three settings
taking turns, so a busy machine weighs on all of them alike.

Needs ``NBLABEL_TEST_POSTGRES_URL`` (as .ci/run sets it), whose role may create roles.
Run: .venv/bin/python benchmarks/rls_throughput.py
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import statistics
import sys
import time
import uuid

import numpy as np
import pandas as pd
import sqlalchemy as sa

import nblabel as nl
from nblabel.admin.policies import GUARDED
from nblabel.store import NewEvent, Store

ANSWERS, WRITERS, READ_EVENTS, ROUNDS = 300, (1, 4), 20_000, 3
TASK = nl.Classify(["a", "b"], text="text")
URL = os.environ.get("NBLABEL_TEST_POSTGRES_URL", "")
TAG = uuid.uuid4().hex[:6]  # drawn anew in each writer process, which does not use it
PEOPLE = [f"bench_w{w}_{TAG}" for w in range(max(WRITERS))] + [f"bench_rev_{TAG}"]
PASSWORDS = {name: uuid.uuid4().hex for name in PEOPLE}
SCHEMAS: list[str] = []  # made by this run, dropped at its end


def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"text": np.full(n, "ticket")})


def url_of(schema: str, role: str | None = None) -> str:
    url = sa.make_url(URL)
    if role is not None:
        url = url.set(username=role, password=PASSWORDS[role])
    url = url.set(query=dict(url.query, options=f"-csearch_path={schema}"))
    return url.render_as_string(hide_password=False)


def fresh(rls: bool, blind: bool = True) -> str:
    """Return a new schema holding a team's project, with row-level security on or off."""
    schema = f"rls_{uuid.uuid4().hex[:10]}"
    SCHEMAS.append(schema)
    engine = sa.create_engine(URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    nl.admin.setup_postgres(url_of(schema), "bench", PEOPLE[:-1], PEOPLE[-1:], task=TASK,
                            passwords=PASSWORDS, blind=blind)
    if not rls:
        with engine.begin() as conn:
            for table in GUARDED:
                conn.exec_driver_sql(f'ALTER TABLE "{schema}".{table} DISABLE ROW LEVEL SECURITY')
    engine.dispose()
    return schema


def _writer(url, role, w, writers, overlap, barrier, results):
    proj = nl.Project(frame(writers * ANSWERS), TASK, store=url, name="bench", overlap=overlap)
    barrier.wait()
    start = time.perf_counter()
    for i in range(ANSWERS):
        proj.add(w * ANSWERS + i, "a", annotator=role)
    results[w] = (start, time.perf_counter())
    proj.close()


def answers_per_second(rls: bool, blind: bool, writers: int, overlap: int | None) -> float:
    schema = fresh(rls, blind)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(writers)
    with ctx.Manager() as manager:
        results = manager.dict()
        procs = [
            ctx.Process(target=_writer, args=(url_of(schema, PEOPLE[w]), PEOPLE[w], w, writers,
                                              overlap, barrier, results))
            for w in range(writers)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(900)
            assert p.exitcode == 0
        spans = list(results.values())
    return writers * ANSWERS / (max(end for _, end in spans) - min(start for start, _ in spans))


def read_seconds(rls: bool) -> list[float]:
    """Times for the reviewer to read every event of a project of READ_EVENTS events."""
    schema = fresh(rls)
    owner = Store(url_of(schema))
    pid = owner.open_project("bench", TASK)
    events = [NewEvent(str(i % 5000), PEOPLE[i % (len(PEOPLE) - 1)], "label", "a",
                       source="human") for i in range(READ_EVENTS)]
    owner.append(pid, events)
    owner.close()
    reviewer = Store(url_of(schema, PEOPLE[-1]))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        assert len(reviewer.read(pid)) == READ_EVENTS
        times.append(time.perf_counter() - start)
    reviewer.close()
    return times


def main() -> None:
    if not URL:
        print("set NBLABEL_TEST_POSTGRES_URL (see .ci/run)")
        return
    engine = sa.create_engine(URL)
    # Stopped early (a timeout, Ctrl+C): still drop the schemas and roles made so far.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        print(f"answers per second through Project.add, {ANSWERS} answers per writer, each on "
              "its own annotator's connection")
        print(f"{'':22} {'RLS off':>9} {'on, open':>9} {'on, blind':>9} {'open/off':>9}")
        settings = [(False, False), (True, False), (True, True)]  # (rls, blind)
        for overlap in (None, 2):
            for writers in WRITERS:
                runs: dict[tuple[bool, bool], list[float]] = {key: [] for key in settings}
                for round_ in range(ROUNDS):
                    for key in settings[round_:] + settings[:round_]:
                        runs[key].append(answers_per_second(*key, writers, overlap))
                off, open_, blind = (statistics.median(runs[key]) for key in settings)
                name = f"{writers} writer{'s' if writers > 1 else ''}" + (
                    f", overlap={overlap}" if overlap else "")
                print(f"{name:22} {off:9.0f} {open_:9.0f} {blind:9.0f} {open_ / off:9.2f}",
                      flush=True)
        reads: dict[bool, list[float]] = {False: [], True: []}
        for round_ in range(ROUNDS):
            for rls in (round_ % 2 == 0, round_ % 2 == 1):
                reads[rls] += read_seconds(rls)
        off, on = statistics.median(reads[False]), statistics.median(reads[True])
        print(f"\nreading {READ_EVENTS:,} events as the reviewer (Store.read, median of "
              f"{5 * ROUNDS})")
        print(f"{'RLS off':>10} {off * 1000:7.1f} ms   {'RLS on':>10} {on * 1000:7.1f} ms   "
              f"on/off {on / off:.2f}")
    finally:
        with engine.begin() as conn:
            for schema in SCHEMAS:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            for role in PEOPLE:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        engine.dispose()


if __name__ == "__main__":
    main()
