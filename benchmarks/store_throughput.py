"""Durable answers per second: one writer, and two kernels writing one SQLite file at once.

Each nblabel answer is validated, committed in its own transaction (WAL, synchronous=FULL: it
survives a crash once acknowledged) and pulled back into the project's in-memory mirror. Beside
it, in the same run: the floor (raw ``sqlite3`` insert + commit per row with the same settings)
and the common notebook habit of saving labels by rewriting a CSV after every answer.

Run: .venv/bin/python benchmarks/store_throughput.py [--answers 500]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import pandas as pd

import nblabel as nl

LABELS = ["bug", "billing", "praise", "other"]


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"ticket {i}" for i in range(rows)]})


def nblabel_writer(path: str, annotator: str, answers: int, barrier) -> float:
    project = nl.Project(frame(answers), nl.Classify(LABELS, text="text"), store=path, name="bench")
    barrier.wait()
    start = time.perf_counter()
    for i in range(answers):
        project.add(i, LABELS[i % 4], annotator=annotator)
    elapsed = time.perf_counter() - start
    project.close()
    return elapsed


def raw_sqlite_writer(path: str, annotator: str, answers: int, barrier) -> float:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS answers (item INTEGER, annotator TEXT, value TEXT)")
    barrier.wait()
    start = time.perf_counter()
    for i in range(answers):
        conn.execute("BEGIN")
        conn.execute("INSERT INTO answers VALUES (?, ?, ?)", (i, annotator, LABELS[i % 4]))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def csv_writer(path: str, annotator: str, answers: int, barrier) -> float:
    df = frame(200).assign(label=None)
    barrier.wait()
    start = time.perf_counter()
    for i in range(answers):
        df.loc[i % 200, "label"] = LABELS[i % 4]
        df.to_csv(path)
        with open(path, "rb+") as f:
            os.fsync(f.fileno())
    return time.perf_counter() - start


def _run(writer, path, name, answers, barrier, results):
    results[name] = writer(path, name, answers, barrier)


def measure(writer, folder: Path, suffix: str, writers: int, answers: int) -> float:
    """Return answers per second, all writers together."""
    ctx = multiprocessing.get_context("spawn")
    path = str(folder / f"{writer.__name__}-{writers}{suffix}")
    if writer is nblabel_writer:  # create the project once, so the writers only append
        nl.Project(frame(answers), nl.Classify(LABELS, text="text"), store=path, name="bench").close()
    barrier = ctx.Barrier(writers)
    with ctx.Manager() as manager:
        results = manager.dict()
        procs = [ctx.Process(target=_run, args=(writer, path if writer is not csv_writer else f"{path}.{w}", f"w{w}", answers, barrier, results)) for w in range(writers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(600)
            assert p.exitcode == 0
        longest = max(results.values())
    if writer is nblabel_writer:
        with nl.Project(frame(answers), nl.Classify(LABELS, text="text"), store=path, name="bench") as check:
            assert len(check.annotations) == writers * answers
    return writers * answers / longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=500, help="answers per writer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"durable answers per second ({args.answers} answers per writer, fsync on every answer)")
        print(f"{'':44} {'1 writer':>10} {'2 kernels at once':>18}")
        for label, writer, suffix in (
            ("nblabel Project.add (SQLite, WAL, FULL)", nblabel_writer, ".db"),
            ("raw sqlite3 insert + commit (same pragmas)", raw_sqlite_writer, ".db"),
            ("rewrite a 200-row CSV + fsync per answer", csv_writer, ".csv"),
        ):
            one = measure(writer, folder, suffix, 1, args.answers)
            two = measure(writer, folder, suffix, 2, args.answers)
            print(f"{label:44} {one:10.0f} {two:18.0f}")


if __name__ == "__main__":
    main()
