"""Scoring a pool of 1,000,000 and 10,000,000 rows after a retrain: time and peak memory.

Three ways, each in a fresh subprocess (a second one, under tracemalloc, measures allocations):

* ``chunked``: what the learner does after a retrain, ``nblabel.learn.scoring.score_rows`` (the
  model predicts 65,536 rows at a time; margin sampling scores each chunk's unlabeled rows) and
  ranking the pool, with a progress callback;
* ``one_shot``: the obvious way, ``model.predict_proba(X)`` over every row, then
  ``rank_pool(proba[pool], "margin")``;
* ``retrain``: a whole ``ActiveLearner`` retrain (fit on 2,000 labels, scoring, ranking and the
  state it publishes; ``cv=0``), started by ``set_labels`` and timed until ``wait`` returns.

The model is a logistic regression on 8 float32 features, 10 classes. Peak memory is the
tracemalloc peak of the step, beyond what existed before it (the features themselves are not
counted); "per-row arrays" is what a state must hold at least: the probabilities (float64,
rows × classes) and one score per row. RSS is the growth of the process's peak resident size.

Run: .venv/bin/python benchmarks/pool_scoring.py [--rows 1000000 10000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys, time, tracemalloc
    import numpy as np, pandas as pd
    from sklearn.linear_model import LogisticRegression
    from nblabel.learn import ActiveLearner, rank_pool
    from nblabel.learn.features import resolve_features
    from nblabel.learn.fit import fit, rank_scored
    from nblabel.learn.scoring import score_rows
    from nblabel.learn.strategies import get_strategy

    rows, mode, trace = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "trace"
    classes = tuple(f"c{j}" for j in range(10))

    def peak_rss_mb():
        with open("/proc/self/status") as f:
            line = next(l for l in f if l.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 8)).astype(np.float32)
    centres = rng.normal(size=(10, 8)).astype(np.float32) * 2
    train = rng.choice(rows, 2_000, replace=False)
    y = np.asarray(classes, dtype=object)[((X[train] @ centres.T).argmax(axis=1))]
    df = pd.DataFrame(index=pd.RangeIndex(rows))
    features = resolve_features(df, X)
    labeled = np.zeros(rows, dtype=bool)
    labeled[train] = True
    model = fit(features.wrap(LogisticRegression(max_iter=300)), features, np.sort(train),
                y[np.argsort(train)])
    strategy = get_strategy("margin")
    chunks = []
    gc.collect()
    rss_before = peak_rss_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    if mode == "chunked":
        proba, scores = score_rows(model, None, features, classes, labeled, strategy,
                                   progress=lambda done, total: chunks.append(done))
        pool = np.flatnonzero(~labeled)
        order = rank_scored(strategy, scores[pool], pool, 1, np.random.default_rng(0), model,
                            features, train)
    elif mode == "one_shot":
        proba = model.predict_proba(X)
        pool = np.flatnonzero(~labeled)
        order = rank_pool(proba[pool], "margin", pool=pool, seed=0)
    else:
        learner = ActiveLearner(LogisticRegression(max_iter=300), df, X, classes=classes,
                                cv=0, seed=0, progress=lambda done, total: chunks.append(done))
        learner.set_labels(pd.Series(y, index=train))
        assert learner.wait(3600) and learner.state.status == "ready", learner.state.message
        proba, order = learner.state.proba, learner.state.order
    seconds = time.perf_counter() - start
    current, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 2**20, "kept_mb": current / 2**20,
                      "rss_mb": peak_rss_mb() - rss_before, "chunks": len(chunks),
                      "per_row_mb": (proba.nbytes + 8 * rows) / 2**20, "first": int(order[0])}))
    """
)


def run(rows: int, mode: str) -> dict[str, float]:
    results = []
    for trace in ("time", "trace"):
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(rows), mode, trace],
            capture_output=True, text=True, check=True, timeout=7200,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    timed, traced = results
    return {**timed, "peak_mb": traced["peak_mb"], "kept_mb": traced["kept_mb"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; logistic regression, 8 features, 10 classes; "
          "one thread")
    print(f"{'rows':>11} {'way':>9} {'seconds':>8} {'peak MB':>8} {'per-row arrays MB':>18} "
          f"{'peak beyond them':>17} {'RSS +MB':>8} {'chunks':>7}")
    for rows in args.rows:
        firsts = set()
        for mode in ("chunked", "one_shot", "retrain"):
            r = run(rows, mode)
            firsts.add(r["first"]) if mode != "retrain" else None
            print(f"{rows:>11,} {mode:>9} {r['seconds']:8.2f} {r['peak_mb']:8.0f} "
                  f"{r['per_row_mb']:18.0f} {r['peak_mb'] - r['per_row_mb']:17.0f} "
                  f"{r['rss_mb']:8.0f} {r['chunks']:7d}")
        assert len(firsts) == 1, "chunked and one-shot scoring must pick the same first item"
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
