"""Bytes sent kernel → browser per answer, at 100 and at 100,000 rows.

Every message a widget sends (custom window messages and trait updates such as progress) goes
through its comm; this script records them while answers are simulated, and reports the mean
JSON + binary size per answer. The alternative shown beside it is the common notebook approach of
syncing the whole dataset to the browser (a list-of-records trait), whose size grows with rows.

Run: .venv/bin/python benchmarks/wire_bytes.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

import pandas as pd

import nblabel as nl

ANSWERS = 75  # fewer than rows - window, so both sizes keep refilling the window


def make_frame(rows: int) -> pd.DataFrame:
    texts = [f"Review {i}: the sync app {'works well' if i % 3 else 'keeps crashing'} on my phone." for i in range(rows)]
    return pd.DataFrame({"text": texts})


def measure(rows: int, folder: Path) -> dict[str, float]:
    df = make_frame(rows)
    project = nl.Project(df, nl.Classify(["pos", "neg", "neutral"], text="text"), store=folder / f"b{rows}.db")
    widget = project.label("bench")
    sizes: list[int] = []

    def record(data=None, buffers=None, **_):
        sizes.append(len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or []))

    widget.comm.send = record
    widget._on_message(widget, {"kind": "hello", "to": "bench"}, [])
    snapshot_bytes = sum(sizes)
    sizes.clear()
    per_answer = []
    for pos in range(ANSWERS):
        before = len(sizes)
        widget._on_message(widget, {"kind": "answer", "req": f"r{pos}", "pos": pos, "event": "label", "value": "pos"}, [])
        per_answer.append(sum(sizes[before:]))
    naive = len(json.dumps(df.to_dict("records")))
    project.close()
    return {
        "rows": rows,
        "snapshot": snapshot_bytes,
        "mean": statistics.mean(per_answer),
        "max": max(per_answer),
        "naive_full_sync": naive,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(rows, Path(folder)) for rows in (100, 100_000)]
    print(f"bytes kernel → browser per answer ({ANSWERS} answers, window of 20 items)")
    print(f"{'rows':>8} {'first snapshot':>15} {'mean/answer':>12} {'max/answer':>11} {'naive: whole frame synced':>27}")
    for r in results:
        print(f"{r['rows']:>8} {r['snapshot']:>15,} {r['mean']:>12,.0f} {r['max']:>11,} {r['naive_full_sync']:>27,}")
    small, large = results
    print(f"per-answer bytes at 100,000 rows / at 100 rows: {large['mean'] / small['mean']:.3f}")


if __name__ == "__main__":
    main()
