"""Scoring and ordering a 1,000,000-item pool, beyond predict_proba itself.

After every retrain the learner scores the unlabeled pool with a query strategy and sorts it.
This measures that step for each strategy on a million items, next to the time predict_proba
takes to produce the probabilities (the floor of any ranking), and next to the obvious
alternatives for the sort itself: pandas' ``sort_values`` on the scores and a Python ``sorted``
over ``(score, id)`` pairs (both get the scores from numpy for free).

Run: .venv/bin/python benchmarks/learn_scoring.py [--items 1000000] [--classes 10]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from nblabel.learn import Committee, Diverse, rank_pool


def best_of(function, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--features", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n, k = args.items, args.classes

    features = rng.normal(size=(n, args.features)).astype(np.float32)
    train = rng.choice(n, 2_000, replace=False)
    model = LogisticRegression(max_iter=300).fit(features[train], rng.integers(k, size=2_000))
    predict = best_of(lambda: model.predict_proba(features), repeat=3)
    proba = model.predict_proba(features)
    members = np.stack([proba, rng.dirichlet(np.ones(k), n), rng.dirichlet(np.ones(k), n),
                        rng.dirichlet(np.ones(k), n), rng.dirichlet(np.ones(k), n)])
    ids = np.arange(n)

    print(f"pool of {n:,} items, {k} classes; predict_proba of a logistic regression on "
          f"{args.features} features: {predict:.2f} s\n")
    print(f"{'step':<44}{'seconds':>9}{'× predict_proba':>17}")
    rows = [
        ("random", lambda: rank_pool(proba, "random", seed=0)),
        ("least_confident", lambda: rank_pool(proba, "least_confident", seed=0)),
        ("margin", lambda: rank_pool(proba, "margin", seed=0)),
        ("entropy", lambda: rank_pool(proba, "entropy", seed=0)),
        ("committee (5 members, vote entropy)", lambda: rank_pool(members, Committee(), seed=0)),
        ("committee (5 members, mean KL)",
         lambda: rank_pool(members, Committee(measure="kl"), seed=0)),
        ("diverse batch of 10 (k-center, margin)",
         lambda: rank_pool(proba, Diverse("margin"), batch_size=10, seed=0,
                           embedding=features, labeled=features[train])),
    ]
    for name, run in rows:
        seconds = best_of(run)
        print(f"{'rank_pool: ' + name:<44}{seconds:>9.3f}{seconds / predict:>16.2f}×")

    frame = pd.DataFrame(proba)

    def pandas_least_confident():
        return (1.0 - frame.max(axis=1)).sort_values(ascending=False).index

    pandas_full = best_of(pandas_least_confident)
    scores = 1.0 - proba.max(axis=1)
    pandas_sort = best_of(lambda: pd.Series(scores, index=ids).sort_values(ascending=False).index)
    python_sort = best_of(
        lambda: [i for _, i in sorted(zip(scores.tolist(), ids.tolist(), strict=True),
                                      reverse=True)],
        repeat=1,
    )
    print(f"{'pandas: 1 - DataFrame.max(axis=1), sort_values':<44}{pandas_full:>9.3f}"
          f"{pandas_full / predict:>16.2f}×")
    print(f"{'pandas sort_values on the scores (sort only)':<44}{pandas_sort:>9.3f}"
          f"{pandas_sort / predict:>16.2f}×")
    print(f"{'Python sorted((score, id)) (sort only)':<44}{python_sort:>9.3f}"
          f"{python_sort / predict:>16.2f}×")
    print("\nrank_pool includes checking the probabilities, scoring and the random tie-break. A "
          "committee also needs one predict_proba per member (5× here), so its ranking cost is "
          "small beside its own scoring.")


if __name__ == "__main__":
    main()
