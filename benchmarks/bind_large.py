"""Binding a 1,000,000-row DataFrame: time and extra kernel memory.

Measures ``nl.Project(df, task)`` plus opening the labeling widget and sending the browser its
first window, each in a fresh subprocess (so memory figures are not polluted by earlier runs).
Beside it: the obvious alternative of turning the frame into a list of records for a widget
(``df.to_dict("records")``), which is what a widget that syncs the whole dataset must do first.

Run: .venv/bin/python benchmarks/bind_large.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

ROWS = 1_000_000

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys, tempfile, time, tracemalloc
    import numpy as np, pandas as pd
    import nblabel as nl

    rows, mode, trace = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "trace"

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20

    rng = np.random.default_rng(0)
    words = np.array(["sync", "crash", "bill", "love", "slow", "login", "note", "phone"])
    df = pd.DataFrame({"text": [" ".join(rng.choice(words, 12)) for _ in range(rows)]},
                      index=pd.Index([f"id{i}" for i in range(rows)]))
    gc.collect()
    import anywidget  # imported up front: a one-off cost of any widget, not of binding
    rss_before = rss_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    if mode == "nblabel":
        folder = tempfile.mkdtemp()
        proj = nl.Project(df, nl.Classify(["pos", "neg"], text="text"), store=folder + "/big.db")
        bound = time.perf_counter()
        widget = proj.label("bench")
        widget.comm.send = lambda *a, **k: None
        widget._on_message(widget, {"kind": "hello", "to": "x"}, [])
        widget._on_message(widget, {"kind": "answer", "req": "r", "pos": 0, "event": "label", "value": "pos"}, [])
    else:
        records = df.reset_index().to_dict("records")
        bound = time.perf_counter()
        payload = json.dumps(records)
    end = time.perf_counter()
    current, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    print(json.dumps({"bind_s": bound - start, "total_s": end - start, "rss_mb": rss_mb() - rss_before,
                      "kept_mb": current / 2**20, "peak_mb": peak / 2**20}))
    """
)


def run(mode: str) -> dict[str, float]:
    """Time it in one process; measure allocations (tracemalloc slows Python down) in another."""
    results = []
    for trace in ("time", "trace"):
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROWS), mode, trace], capture_output=True, text=True, check=True, timeout=1200)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    timed, traced = results
    return {**timed, "kept_mb": traced["kept_mb"], "peak_mb": traced["peak_mb"]}


def main() -> None:
    print(f"binding a {ROWS:,}-row DataFrame (text column, string index)")
    nb = run("nblabel")
    naive = run("records")
    print(f"nblabel  Project(): {nb['bind_s'] * 1000:8.1f} ms; + widget, first window and first answer: {nb['total_s'] * 1000:8.1f} ms; "
          f"allocations kept {nb['kept_mb']:7.1f} MB (peak {nb['peak_mb']:.1f} MB), RSS +{nb['rss_mb']:.0f} MB")
    print(f"records  to_dict(): {naive['bind_s'] * 1000:8.1f} ms; + JSON for the browser:                 {naive['total_s'] * 1000:8.1f} ms; "
          f"allocations kept {naive['kept_mb']:7.1f} MB (peak {naive['peak_mb']:.1f} MB), RSS +{naive['rss_mb']:.0f} MB")
    print(f"time ratio (records / nblabel, total): {naive['total_s'] / nb['total_s']:.1f}x; memory kept ratio: {naive['kept_mb'] / max(nb['kept_mb'], 1e-9):.1f}x")


if __name__ == "__main__":
    main()
