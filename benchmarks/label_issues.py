"""Label issues: nblabel's confident learning next to cleanlab's find_label_issues.

Shipped data with injected noise: scikit-learn's digits, wine and breast-cancer sets, with a
share of the labels replaced at random by another class. Both methods get the same out-of-fold
probabilities (a standardised logistic regression, scikit-learn's ``cross_val_predict`` over
5 stratified folds, passed to ``label_issues(..., proba=...)``); the table shows how
many items each flags, its precision and recall against the injected noise, and its time
(without the cross-validation, which is shared and printed separately). cleanlab is optional:
without it the benchmark still runs and says so.

Run: .venv/bin/python benchmarks/label_issues.py [--noise 0.1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nblabel.analysis import label_issues

try:
    from cleanlab.filter import find_label_issues
except ImportError:
    find_label_issues = None


def noisy(loader, share, seed):
    data, target = loader(return_X_y=True)
    frame = pd.DataFrame(data, columns=[f"f{i}" for i in range(data.shape[1])])
    classes = sorted(set(target))
    given = target.copy()
    rng = np.random.default_rng(seed)
    flipped = rng.choice(len(frame), size=int(share * len(frame)), replace=False)
    for pos in flipped:
        given[pos] = rng.choice([c for c in classes if c != target[pos]])
    frame["given"] = [f"c{c}" for c in given]
    return frame, set(flipped.tolist()), [f"c{c}" for c in classes]


def scores(found, truth):
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / len(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if find_label_issues is None:
        print("cleanlab is not installed: only nblabel's figures are shown "
              "(pip install cleanlab to compare).\n")
    print(f"{args.noise:.0%} of labels flipped at random; same out-of-fold probabilities for both\n")
    print(f"{'data':<15}{'method':<28}{'flagged':>8}{'precision':>10}{'recall':>8}{'seconds':>9}")
    for name, loader in (("digits", load_digits), ("wine", load_wine),
                         ("breast cancer", load_breast_cancer)):
        frame, truth, classes = noisy(loader, args.noise, args.seed)
        features = list(frame.columns[:-1])
        estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        folds = StratifiedKFold(5, shuffle=True, random_state=args.seed)
        start = time.perf_counter()
        proba = cross_val_predict(estimator, frame[features], frame["given"], cv=folds,
                                  method="predict_proba")
        cv_seconds = time.perf_counter() - start
        start = time.perf_counter()
        ours = label_issues(frame, label="given", classes=classes, proba=proba)
        seconds = time.perf_counter() - start
        found = set(ours.loc[ours["is_issue"], "item"].tolist())
        precision, recall = scores(found, truth)
        print(f"{name:<15}{'nblabel label_issues':<28}{len(found):>8}{precision:>10.3f}"
              f"{recall:>8.3f}{seconds:>9.3f}")
        if find_label_issues is not None:
            codes = frame["given"].map(classes.index).to_numpy()
            start = time.perf_counter()
            mask = find_label_issues(codes, proba, filter_by="prune_by_noise_rate")
            seconds = time.perf_counter() - start
            found = set(np.flatnonzero(mask).tolist())
            precision, recall = scores(found, truth)
            print(f"{'':<15}{'cleanlab find_label_issues':<28}{len(found):>8}{precision:>10.3f}"
                  f"{recall:>8.3f}{seconds:>9.3f}")
        print(f"{'':<15}{'(cross_val_predict, shared)':<28}{'':>8}{'':>10}{'':>8}"
              f"{cv_seconds:>9.3f}")


if __name__ == "__main__":
    main()
