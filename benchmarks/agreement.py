"""Every agreement metric on a tidy 1,000,000-row frame, beside the best library pipeline for it.

Each row compares nblabel, called on a tidy ``item``, ``annotator``, ``value`` frame, with what a
user would otherwise write from the same frame: code the columns with ``pd.factorize``, count
with ``np.bincount``, and call the fastest library that computes the metric (statsmodels'
``fleiss_kappa`` and ``cohens_kappa``, scikit-learn's ``cohen_kappa_score``, the
``krippendorff`` package from a value-counts table; numpy alone where no library has it). Both
sides start from the frame, so coding the columns counts on both. A third column gives the
library call alone, from inputs already prepared (the pipeline minus its coding). nltk's
``AnnotationTask`` and irrCAC also compute some of these, in pure Python or row by row in pandas:
far slower, so not shown.

Data, 8 categories, annotators of varying skill (seed 0), each frame 1,000,000 rows:

* complete: 200,000 items × 5 annotators (Fleiss' kappa needs as many answers on every item);
* missing: 250,000 items × 5 annotators, 20 % of the answers left out (the other metrics);
* two annotators: 500,000 items × 2 (Cohen's kappa);
* multi-label: the missing layout with label sets (lists of 1 to 3 of 6 labels) for MASI.

nblabel and its pipeline run alternately, ``--repeats`` times each after a warm-up, and each
figure is the median, so that load on the machine hits both alike; both the wall-clock time and
the CPU time of the process are given (the latter is steadier on a busy machine) and the load
average is printed. Every pair of results is checked to agree to 1e-9. The last line names any
metric where nblabel took more CPU time than the best pipeline.

Run: .venv/bin/python benchmarks/agreement.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from importlib.metadata import version

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

from nblabel import agreement

CATEGORIES, MISSING, SET_LABELS = 8, 0.2, 6


# -- data ---------------------------------------------------------------------------------------
def simulate(items: int, annotators: int, missing: float, seed: int = 0) -> pd.DataFrame:
    """Return a tidy frame of codes: annotators of skill 0.55 to 0.9 label ``items`` items."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, CATEGORIES, items)
    skill = np.linspace(0.55, 0.9, annotators)
    right = rng.random((items, annotators)) < skill
    noise = rng.integers(0, CATEGORIES, (items, annotators))
    grid = np.where(right, truth[:, None], noise)
    rows, cols = np.nonzero(rng.random(grid.shape) >= missing)
    names = np.array([f"annotator_{j}" for j in range(annotators)], dtype=object)
    return pd.DataFrame({"item": rows, "annotator": names[cols], "value": grid[rows, cols]})


def label_sets(codes: pd.Series) -> pd.Series:
    """Turn codes into multi-label answers: lists of 1 to 3 of SET_LABELS labels."""
    labels = np.array([f"L{j}" for j in range(SET_LABELS)], dtype=object)
    rng = np.random.default_rng(1)
    choices = [sorted({c % SET_LABELS, (c * 7 + 3) % SET_LABELS}) for c in range(CATEGORIES)]
    extra = rng.integers(0, SET_LABELS, len(codes))
    keep_extra = rng.random(len(codes)) < 0.2
    values = [
        list(labels[sorted(set(choices[c]) | ({e} if k else set()))])
        for c, e, k in zip(codes.to_numpy(), extra, keep_extra, strict=True)
    ]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out, index=codes.index)


# -- the pipelines ------------------------------------------------------------------------------
def count_table(df: pd.DataFrame, sort: bool) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize the items and values, np.bincount the items × values table."""
    item, _ = pd.factorize(df["item"])
    value, domain = pd.factorize(df["value"], sort=sort)
    k = len(domain)
    table = np.bincount(item * k + value, minlength=(item.max() + 1) * k).reshape(-1, k)
    return table, np.asarray(domain)


def percent_pipeline(df: pd.DataFrame) -> float:
    table, _ = count_table(df, sort=False)
    return percent_core(table)


def percent_core(table: np.ndarray) -> float:
    m = table.sum(axis=1)
    table, m = table[m >= 2], m[m >= 2]
    return float((((table * table).sum(axis=1) - m) / (m * (m - 1))).mean())


def fleiss_pipeline(df: pd.DataFrame) -> float:
    return float(fleiss_kappa(count_table(df, sort=False)[0]))


def alpha_pipeline(df: pd.DataFrame, level: str) -> float:
    table, domain = count_table(df, sort=level != "nominal")
    return alpha_core(table, domain, level)


def alpha_core(table: np.ndarray, domain: np.ndarray, level: str) -> float:
    return float(
        krippendorff.alpha(value_counts=table, value_domain=domain, level_of_measurement=level)
    )


def masi_pipeline(df: pd.DataFrame) -> float:
    sets = np.empty(len(df), dtype=object)
    sets[:] = [frozenset(v) for v in df["value"]]
    item, _ = pd.factorize(df["item"])
    code, uniques = pd.factorize(sets)
    k = len(uniques)
    table = np.bincount(item * k + code, minlength=(item.max() + 1) * k).reshape(-1, k)
    return masi_core(table, uniques)


def masi_core(table: np.ndarray, uniques: np.ndarray) -> float:
    labels = sorted(set().union(*uniques))
    members = np.array([[label in s for label in labels] for s in uniques], dtype=np.float64)

    def masi(v1, v2, i1, i2, n_v, dtype=np.float64):  # noqa: ANN001, ANN202 (krippendorff's)
        common = (members @ members.T)[i1, i2]
        size1, size2 = members.sum(axis=1)[i1], members.sum(axis=1)[i2]
        jaccard = common / (size1 + size2 - common)
        same = (common == size1) & (common == size2)
        nested = common == np.minimum(size1, size2)
        monotone = np.where(same, 1.0, np.where(nested, 2 / 3, np.where(common > 0, 1 / 3, 0)))
        return (1 - jaccard * monotone).astype(dtype)

    return float(krippendorff.alpha(value_counts=table, level_of_measurement=masi))


def two_columns(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """Codes (sorted) of the two annotators' answers on the items both answered."""
    item, _ = pd.factorize(df["item"])
    second = (df["annotator"] != df["annotator"].iloc[0]).to_numpy()
    value, domain = pd.factorize(df["value"], sort=True)
    grid = np.full((item.max() + 1, 2), -1)
    grid[item, second.view(np.int8)] = value
    both = (grid >= 0).all(axis=1)
    return grid[both, 0], grid[both, 1], len(domain)


def cohen_statsmodels(df: pd.DataFrame, weights: str | None) -> float:
    first, second, k = two_columns(df)
    return cohen_core(first, second, k, weights)


def cohen_core(first: np.ndarray, second: np.ndarray, k: int, weights: str | None) -> float:
    table = np.bincount(first * k + second, minlength=k * k).reshape(k, k)
    return float(cohens_kappa(table, wt=weights, return_results=False))


def cohen_sklearn(df: pd.DataFrame, weights: str | None) -> float:
    first, second, _ = two_columns(df)
    return float(cohen_kappa_score(first, second, weights=weights))


def pairwise_pipeline(df: pd.DataFrame) -> np.ndarray:
    item, _ = pd.factorize(df["item"])
    who, names = pd.factorize(df["annotator"], sort=True)
    value, domain = pd.factorize(df["value"], sort=True)
    grid = np.full((item.max() + 1, len(names)), -1)
    grid[item, who] = value
    return pairwise_core(grid, len(domain))


def pairwise_core(grid: np.ndarray, k: int) -> np.ndarray:
    n = grid.shape[1]
    out = np.full((n, n), np.nan)
    for a in range(n):
        for b in range(a + 1, n):
            both = (grid[:, a] >= 0) & (grid[:, b] >= 0)
            table = np.bincount(grid[both, a] * k + grid[both, b], minlength=k * k)
            kappa = cohens_kappa(table.reshape(k, k), return_results=False)
            out[a, b] = out[b, a] = kappa
    return out


def per_label_pipeline(df: pd.DataFrame) -> np.ndarray:
    table, _ = count_table(df, sort=True)
    return per_label_core(table)


def per_label_core(table: np.ndarray) -> np.ndarray:
    m = table.sum(axis=1)
    return np.array([fleiss_kappa(np.c_[table[:, j], m - table[:, j]]) for j in range(table.shape[1])])


# -- measuring ----------------------------------------------------------------------------------
def alternate(
    calls: list[Callable[[], object]], repeats: int
) -> list[tuple[float, float, object]]:
    """Run the calls in turn ``repeats`` times (after a warm-up).

    Returns the median wall-clock time, the median CPU time of this process and the result of
    each call. On a loaded machine the CPU time is the steadier figure.
    """
    results = [call() for call in calls]
    wall: list[list[float]] = [[] for _ in calls]
    cpu: list[list[float]] = [[] for _ in calls]
    for _ in range(repeats):
        for call, spent, used in zip(calls, wall, cpu, strict=True):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            used.append(time.process_time() - start_cpu)
            spent.append(time.perf_counter() - start)
    return [
        (float(np.median(w)), float(np.median(c)), r)
        for w, c, r in zip(wall, cpu, results, strict=True)
    ]


def same(a: object, b: object) -> bool:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=0, atol=1e-9, equal_nan=True))


def compare(
    name: str,
    ours: Callable[[], object],
    pipelines: list[tuple[str, Callable[[], object]]],
    core: Callable[[], object],
    repeats: int,
) -> float:
    """Print one row; return the CPU-time ratio best pipeline / nblabel (above 1: nblabel is
    faster). The best pipeline is the one of least CPU time."""
    measured = alternate([ours, *[call for _, call in pipelines], core], repeats)
    (t_ours, c_ours, result), *rest = measured
    for (label, _), (_, _, expected) in zip(pipelines, rest, strict=False):
        assert same(result, expected), (name, label, result, expected)
    assert same(result, rest[-1][2]), (name, "core", result, rest[-1][2])
    best = min(range(len(pipelines)), key=lambda i: rest[i][1])
    t_best, c_best, _ = rest[best]
    print(
        f"{name:32s} {t_ours * 1000:7.0f} {c_ours * 1000:7.0f}  {pipelines[best][0]:>22s} "
        f"{t_best * 1000:7.0f} {c_best * 1000:7.0f}  {t_best / t_ours:5.2f}x {c_best / c_ours:5.2f}x"
        f"  {rest[-1][0] * 1000:7.0f}"
    )
    return c_best / c_ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    complete = simulate(200_000, 5, 0.0)
    missing = simulate(250_000, 5, MISSING)
    two = simulate(500_000, 2, 0.0, seed=2)
    multi = missing.assign(value=label_sets(missing["value"]))
    load = os.getloadavg()
    print(
        f"frames of {len(complete):,} (complete), {len(missing):,} (20 % missing), {len(two):,} "
        f"(two annotators) and {len(multi):,} rows (label sets)"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"krippendorff {version('krippendorff')}, statsmodels {version('statsmodels')}, "
        f"scikit-learn {version('scikit-learn')}; {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f}; median of {repeats} alternating runs"
    )
    print(
        f"{'':32s} {'nblabel (ms)':>15s}  {'best pipeline from the frame (ms)':>38s}  "
        f"{'pipeline/nblabel':>16s}  {'library':>7s}\n"
        f"{'metric':32s} {'wall':>7s} {'CPU':>7s}  {'':>22s} {'wall':>7s} {'CPU':>7s}  "
        f"{'wall':>6s} {'CPU':>6s}  {'alone':>7s}"
    )
    prepared = {
        "nominal": count_table(missing, sort=False),
        "sorted": count_table(missing, sort=True),
        "complete": count_table(complete, sort=False),
        "complete_sorted": count_table(complete, sort=True),
    }
    ratios = {}
    ratios["percent_agreement"] = compare(
        "percent_agreement",
        lambda: agreement.percent_agreement(missing),
        [("pandas + numpy", lambda: percent_pipeline(missing))],
        lambda: percent_core(prepared["nominal"][0]),
        repeats,
    )
    ratios["fleiss_kappa"] = compare(
        "fleiss_kappa (complete)",
        lambda: agreement.fleiss_kappa(complete),
        [("pandas + statsmodels", lambda: fleiss_pipeline(complete))],
        lambda: fleiss_kappa(prepared["complete"][0]),
        repeats,
    )
    for level in ("nominal", "ordinal", "interval", "ratio"):
        table, domain = prepared["nominal" if level == "nominal" else "sorted"]
        ratios[f"alpha {level}"] = compare(
            f"krippendorff_alpha({level})",
            lambda level=level: agreement.krippendorff_alpha(missing, level=level),
            [("pandas + krippendorff", lambda level=level: alpha_pipeline(missing, level))],
            lambda level=level, table=table, domain=domain: alpha_core(table, domain, level),
            repeats,
        )
    sets = np.empty(len(multi), dtype=object)
    sets[:] = [frozenset(v) for v in multi["value"]]
    set_code, set_uniques = pd.factorize(sets)
    set_item, _ = pd.factorize(multi["item"])
    k = len(set_uniques)
    set_table = np.bincount(set_item * k + set_code, minlength=(set_item.max() + 1) * k)
    set_table = set_table.reshape(-1, k)
    ratios["alpha masi"] = compare(
        "krippendorff_alpha(sets, MASI)",
        lambda: agreement.krippendorff_alpha(multi),
        [("pandas + krippendorff", lambda: masi_pipeline(multi))],
        lambda: masi_core(set_table, set_uniques),
        repeats,
    )
    first, second, k = two_columns(two)
    for weights in (None, "linear", "quadratic"):
        ratios[f"cohen {weights}"] = compare(
            f"cohen_kappa(weights={weights!r})",
            lambda weights=weights: agreement.cohen_kappa(two, weights=weights),
            [
                ("pandas + statsmodels", lambda weights=weights: cohen_statsmodels(two, weights)),
                ("pandas + scikit-learn", lambda weights=weights: cohen_sklearn(two, weights)),
            ],
            lambda weights=weights: cohen_core(first, second, k, weights),
            repeats,
        )
    item, _ = pd.factorize(missing["item"])
    who, _ = pd.factorize(missing["annotator"], sort=True)
    value, domain = pd.factorize(missing["value"], sort=True)
    grid = np.full((item.max() + 1, who.max() + 1), -1)
    grid[item, who] = value
    ratios["pairwise"] = compare(
        "pairwise cohen_kappa (10 pairs)",
        lambda: agreement.pairwise(missing).to_numpy(),
        [("pandas + statsmodels", lambda: pairwise_pipeline(missing))],
        lambda: pairwise_core(grid, len(domain)),
        repeats,
    )
    ratios["per_label"] = compare(
        "per_label kappa (complete)",
        lambda: agreement.per_label(complete)["kappa"].to_numpy(),
        [("pandas + statsmodels", lambda: per_label_pipeline(complete))],
        lambda: per_label_core(prepared["complete_sorted"][0]),
        repeats,
    )
    slower = {name: ratio for name, ratio in ratios.items() if ratio < 1}
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(
        "nblabel is at least as fast as the best pipeline on every metric"
        if not slower
        else f"nblabel is slower than the best pipeline on: {slower}"
    )


if __name__ == "__main__":
    main()
