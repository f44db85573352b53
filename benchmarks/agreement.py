"""Agreement and consensus on a million answers, beside krippendorff, statsmodels and scikit-learn.

Data: 200,000 items × 5 annotators (1,000,000 cells), 8 categories, annotators of varying
skill. Metrics that handle missing answers get 20 % of the cells removed (about 800,000 answers);
Fleiss' and Cohen's kappa, which need complete data, get the full grid (1,000,000 answers; Cohen
on two annotators: 400,000).

nblabel is timed from the tidy frame a project returns (``item``, ``annotator`` as strings,
``value``), so its figures include reading, validating and coding the table. The reference
packages are timed from their own prepared inputs (numpy arrays): converting the tidy frame for
them is not counted, which favours them. Each figure is the median of REPEATS runs after one
warm-up; the ratio is reference time / nblabel time (above 1: nblabel is faster). Every pair of
results is checked to agree to 1e-9.

Run: .venv/bin/python benchmarks/agreement.py
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from importlib.metadata import version

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

from nblabel import agreement, consensus

ITEMS, ANNOTATORS, CATEGORIES, MISSING = 200_000, 5, 8, 0.2
REPEATS = 5


def simulate() -> tuple[np.ndarray, np.ndarray]:
    """Return the complete items × annotators grid of codes and a copy with 20 % missing."""
    rng = np.random.default_rng(0)
    truth = rng.integers(0, CATEGORIES, ITEMS)
    skill = np.linspace(0.55, 0.9, ANNOTATORS)
    right = rng.random((ITEMS, ANNOTATORS)) < skill
    noise = rng.integers(0, CATEGORIES, (ITEMS, ANNOTATORS))
    full = np.where(right, truth[:, None], noise).astype(np.float64)
    missing = full.copy()
    missing[rng.random(full.shape) < MISSING] = np.nan
    return full, missing


def tidy(grid: np.ndarray) -> pd.DataFrame:
    rows, cols = np.nonzero(~np.isnan(grid))
    names = np.array([f"annotator_{j}" for j in range(ANNOTATORS)], dtype=object)
    return pd.DataFrame(
        {"item": rows, "annotator": names[cols], "value": grid[rows, cols].astype(np.int64)}
    )


def timed(func: Callable[[], object]) -> tuple[float, object]:
    result = func()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def row(
    name: str,
    tidy_call: Callable[[], object],
    wide_call: Callable[[], object] | None = None,
    reference: tuple[str, Callable[[], object]] | None = None,
) -> None:
    t_tidy, result = timed(tidy_call)
    cells = [f"{t_tidy * 1000:7.0f} ms"]
    t_wide = None
    if wide_call is not None:
        t_wide, from_wide = timed(wide_call)
        assert abs(float(from_wide) - float(result)) < 1e-9, (name, from_wide, result)
    cells.append(f"{t_wide * 1000:7.0f} ms" if t_wide is not None else " " * 10)
    if reference is not None:
        label, call = reference
        t_ref, expected = timed(call)
        assert abs(float(result) - float(expected)) < 1e-9, (name, result, expected)
        ratios = f"{t_ref / t_tidy:5.1f}x" + (f" {t_ref / t_wide:5.1f}x" if t_wide else "")
        cells += [f"{label:>13s} {t_ref * 1000:6.0f} ms", ratios]
    print(f"{name:36s} " + "  ".join(cells))


def main() -> None:
    full, missing = simulate()
    with_missing, complete = tidy(missing), tidy(full)
    two = complete[complete["annotator"].isin(["annotator_0", "annotator_1"])]
    reliability = missing.T  # annotators × items, NaN missing: krippendorff's input
    print(
        f"{ITEMS:,} items × {ANNOTATORS} annotators, {CATEGORIES} categories: "
        f"{len(with_missing):,} answers with {MISSING:.0%} missing, {len(complete):,} complete"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"krippendorff {version('krippendorff')}, statsmodels {version('statsmodels')}, "
        f"scikit-learn {version('scikit-learn')}; {os.cpu_count()} CPUs; median of {REPEATS} runs"
    )
    print(
        f"{'':36s} {'nblabel':>20s}  {'':>23s}  {'ratio: reference /'}\n"
        f"{'metric':36s} {'tidy':>10s}  {'wide':>10s}  {'reference':>23s}  {'tidy':>6s} {'wide':>5s}"
    )
    wide = pd.DataFrame(missing, columns=[f"annotator_{j}" for j in range(ANNOTATORS)])
    wide_full = pd.DataFrame(full, columns=wide.columns)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        row(
            f"krippendorff_alpha({level})",
            lambda level=level: agreement.krippendorff_alpha(with_missing, level=level),
            lambda level=level: agreement.krippendorff_alpha(wide, level=level),
            (
                "krippendorff",
                lambda level=level: krippendorff.alpha(reliability, level_of_measurement=level),
            ),
        )
    row(
        "fleiss_kappa (complete)",
        lambda: agreement.fleiss_kappa(complete),
        lambda: agreement.fleiss_kappa(wide_full),
        ("statsmodels", lambda: fleiss_kappa(aggregate_raters(full)[0])),
    )
    for weights in (None, "quadratic"):
        row(
            f"cohen_kappa(weights={weights!r})",
            lambda weights=weights: agreement.cohen_kappa(two, weights=weights),
            lambda weights=weights: agreement.cohen_kappa(wide_full.iloc[:, :2], weights=weights),
            (
                "scikit-learn",
                lambda weights=weights: cohen_kappa_score(full[:, 0], full[:, 1], weights=weights),
            ),
        )
    row(
        "cohen_kappa(weights=None)",
        lambda: agreement.cohen_kappa(two),
        lambda: agreement.cohen_kappa(wide_full.iloc[:, :2]),
        ("statsmodels", lambda: cohens_kappa(to_table(full[:, :2])[0]).kappa),
    )
    row(
        "percent_agreement",
        lambda: agreement.percent_agreement(with_missing),
        lambda: agreement.percent_agreement(wide),
    )
    print("nblabel only (no reference computes these from the same input):")
    for name, call in [
        ("per_label", lambda: agreement.per_label(with_missing)),
        ("pairwise (cohen_kappa, 10 pairs)", lambda: agreement.pairwise(with_missing)),
        ("majority_vote", lambda: consensus.majority_vote(with_missing)),
        ("dawid_skene", lambda: consensus.dawid_skene(with_missing)),
        (
            "bootstrap(alpha, n=1000), 500 items",
            lambda: agreement.bootstrap(
                "krippendorff_alpha", with_missing[with_missing["item"] < 500], n=1000, seed=0
            ),
        ),
    ]:
        t, _ = timed(call)
        print(f"{name:36s} {t * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
