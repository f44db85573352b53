"""Agreement's fast paths: column coding, totals without per-item matrices, pairwise tables.

Each fast path is checked against the obvious computation (``pandas.factorize``, ``np.unique``,
the per-item contributions, one metric call per pair) and against the reference libraries on
random data with ties and missing answers, with item ids and labels of every common kind.
"""

from __future__ import annotations

import itertools
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from nblabel import agreement, consensus
from nblabel.agreement import coding, metrics
from nblabel.agreement import data as agreement_data
from nblabel.agreement.data import read_answers

pyarrow = pytest.importorskip("pyarrow")

SETTINGS = settings(max_examples=60, deadline=None)

integer_columns = st.tuples(
    st.integers(0, 2**32 - 1),  # seed
    st.integers(1, 300),  # length
    st.sampled_from([3, 50, 10**6, 2**62]),  # spread of the values
    st.sampled_from([-(10**6), -5, 0, 7, 2**40]),  # smallest possible value
    st.sampled_from(["int64", "int32", "int8", "uint16", "uint64"]),
)


def integer_column(seed: int, n: int, spread: int, low: int, dtype: str) -> pd.Series:
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    low = min(max(low, int(info.min)), int(info.max))
    high = min(low + spread, int(info.max))
    return pd.Series(rng.integers(low, high, n, endpoint=True, dtype=dtype))


@SETTINGS
@given(integer_columns)
def test_factorize_is_pandas_factorize(case):
    column = integer_column(*case)
    codes, uniques = coding.factorize(column)
    expected_codes, expected_uniques = pd.factorize(column)
    np.testing.assert_array_equal(codes, expected_codes)
    assert codes.dtype == np.int64
    np.testing.assert_array_equal(np.asarray(uniques), np.asarray(expected_uniques))
    assert np.asarray(uniques).dtype == column.dtype


@SETTINGS
@given(integer_columns)
def test_factorize_sorted_and_any_number_the_values(case):
    column = integer_column(*case)
    values, inverse = np.unique(column.to_numpy(), return_inverse=True)
    codes, uniques, natural = coding.factorize_sorted(column)
    np.testing.assert_array_equal(codes, inverse)
    np.testing.assert_array_equal(np.asarray(uniques), values)
    assert natural
    codes, uniques = coding.factorize_any(column)
    np.testing.assert_array_equal(np.asarray(uniques)[codes], column.to_numpy())
    assert len(uniques) == len(values)


@pytest.mark.parametrize("dtype", ["object", "str", "string[pyarrow]", "string[python]"])
def test_strings_are_coded_as_pandas_does(dtype):
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in rng.permutation(500)] + ["é", "日本", "💬"], dtype=object)
    column = pd.Series(words[rng.integers(0, len(words), 5_000)], dtype=dtype)
    codes, uniques = coding.factorize(column)
    expected_codes, expected_uniques = pd.factorize(column)
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(uniques) == list(expected_uniques)
    codes, uniques, _ = coding.factorize_sorted(column)
    assert list(uniques) == sorted(set(column))
    assert (np.asarray(uniques, dtype=object)[codes] == column.to_numpy(dtype=object)).all()


def test_a_chunked_pyarrow_column_is_coded_whole():
    chunks = pyarrow.chunked_array([["b", "a"], ["a", "c", "b"]])
    column = pd.Series(pd.arrays.ArrowStringArray(chunks))
    codes, uniques = coding.factorize(column)
    assert codes.tolist() == [0, 1, 1, 2, 0]
    assert list(uniques) == ["b", "a", "c"]


def test_shared_item_codes_are_read_only_and_the_frame_is_untouched():
    df = pd.DataFrame({"item": [0, 1, 1, 0], "annotator": list("abab"), "value": [1, 2, 2, 1]})
    before = df.copy()
    answers = read_answers(df, first_seen=False)
    with pytest.raises(ValueError, match="read-only"):
        answers.item[0] = 5
    assert agreement.percent_agreement(df) == 1.0
    pd.testing.assert_frame_equal(df, before)


# -- random data of every kind against the reference libraries ----------------------------------
def random_answers(seed: int, n_items: int, n_annotators: int, n_labels: int, missing: float):
    """A wide grid of codes (-1: missing) with skill-dependent ties, and its tidy frame."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_labels, n_items)
    right = rng.random((n_items, n_annotators)) < rng.uniform(0.2, 0.9, n_annotators)
    grid = np.where(right, truth[:, None], rng.integers(0, n_labels, (n_items, n_annotators)))
    grid[rng.random(grid.shape) < missing] = -1
    rows, cols = np.nonzero(grid >= 0)
    order = rng.permutation(len(rows))
    rows, cols = rows[order], cols[order]
    frame = pd.DataFrame({"row": rows, "annotator": [f"ann{c}" for c in cols],
                          "code": grid[rows, cols]})
    return grid, frame


ITEM_IDS = {
    "range": lambda rows: rows,
    "offset": lambda rows: rows * 3 + 1_000_003,
    "sparse": lambda rows: rows.astype(np.int64) * 10**12 - 7,
    "object": lambda rows: np.array([f"doc-{r}" for r in rows], dtype=object),
    "pyarrow": lambda rows: pd.array([f"doc-{r}" for r in rows], dtype="string[pyarrow]"),
}
LABELS = {
    "int": lambda codes: codes + 1,
    "str": lambda codes: np.array([f"label {c}" for c in codes], dtype=object),
    "pyarrow": lambda codes: pd.array([f"L{c}" for c in codes], dtype="string[pyarrow]"),
    "category": lambda codes: pd.Categorical(codes + 1, categories=range(1, 10)),
}

cases = st.tuples(
    st.integers(0, 2**32 - 1),
    st.integers(2, 400),  # items
    st.integers(2, 6),  # annotators
    st.integers(2, 6),  # labels
    st.sampled_from([0.0, 0.2, 0.5]),  # missing
    st.sampled_from(sorted(ITEM_IDS)),
    st.sampled_from(sorted(LABELS)),
)


def tidy(case):
    seed, n_items, n_annotators, n_labels, missing, ids, labels = case
    grid, frame = random_answers(seed, n_items, n_annotators, n_labels, missing)
    df = pd.DataFrame({
        "item": ITEM_IDS[ids](frame["row"].to_numpy()),
        "annotator": frame["annotator"],
        "value": LABELS[labels](frame["code"].to_numpy()),
    })
    return grid, df


def quietly(func, *args, **kwargs) -> float:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return float(func(*args, **kwargs))
        except (ValueError, ZeroDivisionError):
            return float("nan")


def close(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-9


def answered_by(grid: np.ndarray) -> int:
    return int((grid >= 0).any(axis=0).sum())


@settings(max_examples=80, deadline=None)
@given(cases)
def test_alpha_and_percent_agreement_match_the_references(case):
    grid, df = tidy(case)
    if answered_by(grid) < 2:
        return
    k = case[3]
    counts = np.stack([(grid == j).sum(axis=1) for j in range(k)], axis=1)
    paired = counts.sum(axis=1) >= 2
    share = ((counts * counts).sum(axis=1) - counts.sum(axis=1)) / np.maximum(
        counts.sum(axis=1) * (counts.sum(axis=1) - 1), 1
    )
    expected = share[paired].mean() if paired.any() else np.nan
    assert close(quietly(agreement.percent_agreement, df), expected)
    levels = ["nominal", "ordinal"] if case[6] in ("str", "pyarrow") else ["nominal", "ordinal",
                                                                           "interval", "ratio"]
    for level in levels:
        reference = quietly(krippendorff.alpha, value_counts=counts, value_domain=np.arange(1, k + 1),
                            level_of_measurement=level)
        if case[6] == "category":  # the categories 1..9 set the ordinal scale
            full = np.zeros((len(counts), 9), dtype=int)
            full[:, :k] = counts
            reference = quietly(krippendorff.alpha, value_counts=full,
                                value_domain=np.arange(1, 10), level_of_measurement=level)
        assert close(quietly(agreement.krippendorff_alpha, df, level=level), reference), level


@settings(max_examples=60, deadline=None)
@given(cases)
def test_fleiss_kappa_matches_statsmodels(case):
    case = (*case[:4], 0.0, *case[5:])
    grid, df = tidy(case)
    counts = np.stack([(grid == j).sum(axis=1) for j in range(case[3])], axis=1)
    assert close(quietly(agreement.fleiss_kappa, df), quietly(sm_fleiss_kappa, counts))


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_and_pairwise_match_scikit_learn(case, weights):
    grid, df = tidy(case)
    if case[6] == "category":
        weights = None  # categories 1..9 with unused ones: scikit-learn's labels= would differ
    names = sorted(df["annotator"].unique())
    if len(names) < 2:
        return
    used = np.unique(grid[grid >= 0])
    matrix = quietly_frame(agreement.pairwise, df, weights=weights)
    for a, b in itertools.combinations(range(len(names)), 2):
        ja, jb = int(names[a][3:]), int(names[b][3:])
        both = (grid[:, ja] >= 0) & (grid[:, jb] >= 0)
        expected = quietly(cohen_kappa_score, grid[both, ja], grid[both, jb], labels=used,
                           weights=weights) if both.any() else np.nan
        assert close(matrix.iloc[a, b], expected), (names[a], names[b])
        pair = df[df["annotator"].isin([names[a], names[b]])]
        if pair["annotator"].nunique() == 2:
            alone = quietly(agreement.cohen_kappa, pair, weights=weights,
                            labels=sorted(set(df["value"])))  # used labels, of a categorical too
            assert close(alone, matrix.iloc[a, b])


def quietly_frame(func, *args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@pytest.mark.parametrize("metric", ["cohen_kappa", "percent_agreement", "krippendorff_alpha"])
def test_pairwise_without_the_dense_table_gives_the_same_matrix(monkeypatch, metric):
    _, df = tidy((3, 300, 5, 4, 0.3, "object", "int"))
    dense = agreement.pairwise(df, metric)
    monkeypatch.setattr(agreement_data, "_DENSE_CELLS", 0)
    pd.testing.assert_frame_equal(agreement.pairwise(df, metric), dense, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("percent_agreement", {}),
        ("fleiss_kappa", {}),
        ("krippendorff_alpha", {"level": "nominal"}),
        ("cohen_kappa", {"weights": "quadratic"}),
    ],
)
@pytest.mark.parametrize("missing", [0.0, 0.3])
def test_totals_are_the_sums_of_the_per_item_contributions(name, options, missing):
    n_annotators = 2 if name == "cohen_kappa" else 4
    _, df = tidy((11, 500, n_annotators, 5, 0.0 if name == "fleiss_kappa" else missing,
                  "range", "int"))
    stat = metrics.STATS[name](read_answers(df, first_seen=False), **options)
    assert stat.expand is not None  # these statistics are known by their totals
    expanded = stat.expand()
    assert stat.n_units == expanded.n_units
    assert abs(stat.value() - expanded.value()) <= 1e-12
    rng = np.random.default_rng(0)
    same_draws = np.random.default_rng(0)
    np.testing.assert_array_equal(stat.resample(5, rng), expanded.resample(5, same_draws))


def test_labels_may_leave_out_categories_no_one_used():
    df = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["a", "b"] * 2,
                       "value": pd.Categorical(["x", "x", "y", "x"], categories=["x", "y", "z"])})
    assert agreement.cohen_kappa(df, labels=["y", "x"]) == agreement.cohen_kappa(df)
    with pytest.raises(ValueError, match=r"\['y'\] that are not in labels"):
        agreement.cohen_kappa(df, labels=["x", "z"])


def test_items_keep_their_first_seen_order_where_they_are_listed():
    df = pd.DataFrame({"item": [7, 7, 3, 3, 5, 5], "annotator": ["a", "b"] * 3,
                       "value": ["x", "x", "y", "x", "y", "y"]})
    assert consensus.majority_vote(df).index.tolist() == [7, 3, 5]
    assert read_answers(df).items.tolist() == [7, 3, 5]
    assert sorted(read_answers(df, first_seen=False).items.tolist()) == [3, 5, 7]
