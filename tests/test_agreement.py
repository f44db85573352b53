"""Agreement statistics: published values, reference implementations, input handling."""

from __future__ import annotations

import functools
import itertools
import math
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import kendalltau, rankdata
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from nblabel import agreement
from nblabel.agreement import AgreementWarning
from nblabel.agreement import data as _agreement_data
from nblabel.agreement import stats as _agreement_stats

pytestmark = pytest.mark.filterwarnings("error")

SETTINGS = settings(max_examples=100, deadline=None)

# Fleiss (1971), table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other).
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip

# The worked example of Fleiss' kappa on Wikipedia: 10 subjects, 14 raters, 5 categories
# (counts of raters per category).
WIKIPEDIA_COUNTS = np.array(
    [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
)  # fmt: skip

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C: 4 observers,
# 12 units, missing values.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


# -- helpers ----------------------------------------------------------------------------------
def tidy_from_wide(wide: np.ndarray, labels: list | None = None, seed: int = 0) -> pd.DataFrame:
    """Items × annotators codes (NaN missing) to a shuffled tidy frame."""
    rows, cols = np.nonzero(~np.isnan(wide))
    codes = wide[rows, cols].astype(int)
    values = [labels[c] for c in codes] if labels is not None else codes
    frame = pd.DataFrame({"item": rows, "annotator": [f"coder{c}" for c in cols], "value": values})
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def tidy_from_counts(counts: np.ndarray) -> pd.DataFrame:
    rows = [
        (i, f"r{r}", c)
        for i, row in enumerate(counts)
        for r, c in enumerate(np.repeat(np.arange(len(row)), row))
    ]
    return pd.DataFrame(rows, columns=["item", "annotator", "value"])


def simulate(
    seed: int, n_items: int, n_annotators: int, n_labels: int, missing: float
) -> np.ndarray:
    """Items × annotators label codes with skill-dependent agreement; NaN where missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_labels, n_items)
    skill = rng.uniform(0.1, 0.95, n_annotators)
    right = rng.random((n_items, n_annotators)) < skill
    codes = np.where(right, truth[:, None], rng.integers(0, n_labels, (n_items, n_annotators)))
    codes = codes.astype(float)
    codes[rng.random((n_items, n_annotators)) < missing] = np.nan
    return codes


def quiet(func, *args, **kwargs):
    """Call a reference implementation, mapping its degenerate results to NaN."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return float(func(*args, **kwargs))
        except (ValueError, ZeroDivisionError):
            return float("nan")


def ours(func, *args, **kwargs) -> float:
    """Call an nblabel metric; NaN must come with an AgreementWarning, and only NaN."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    kinds = [w.category for w in caught]
    assert all(k is AgreementWarning for k in kinds), [str(w.message) for w in caught]
    assert bool(kinds) == (isinstance(result, float) and math.isnan(result))
    return result


def same(a: float, b: float, tol: float = 1e-9) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol


def ref_alpha(units: list[list], delta) -> float:
    """Krippendorff's alpha straight from the definition (pairs of answers within units)."""
    coincidences: dict = {}
    for answers in units:
        m = len(answers)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            key = (answers[i], answers[j])
            coincidences[key] = coincidences.get(key, 0) + 1 / (m - 1)
    totals: dict = {}
    for (v, _), o in coincidences.items():
        totals[v] = totals.get(v, 0) + o
    n = sum(totals.values())
    observed = sum(o * delta(v, w) for (v, w), o in coincidences.items())
    expected = sum(totals[v] * totals[w] * delta(v, w) for v in totals for w in totals)
    return 1 - (n - 1) * observed / expected if expected else float("nan")


def masi(a, b) -> float:
    a, b = set(a), set(b)
    if a == b:
        return 0.0
    jaccard = len(a & b) / len(a | b)
    monotone = 2 / 3 if (a <= b or b <= a) else (1 / 3 if a & b else 0)
    return 1 - jaccard * monotone


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    return 0.0 if a == b else 1 - len(a & b) / len(a | b)


# -- published values ---------------------------------------------------------------------------
def test_fleiss_1971_diagnoses():
    wide = pd.DataFrame(DIAGNOSES, columns=[f"psychiatrist{j}" for j in range(6)])
    kappa = agreement.fleiss_kappa(wide)
    assert isinstance(kappa, float)
    assert round(kappa, 3) == 0.430
    assert kappa == pytest.approx(sm_fleiss_kappa(aggregate_raters(DIAGNOSES)[0]), abs=1e-12)


def test_fleiss_1971_per_category_kappas():
    table = agreement.per_label(pd.DataFrame(DIAGNOSES))
    # Fleiss (1971) per-category kappas, as also printed by R's irr::kappam.fleiss(detail=TRUE)
    assert table["kappa"].round(3).tolist() == [0.245, 0.245, 0.520, 0.471, 0.566]
    counts = aggregate_raters(DIAGNOSES)[0]
    for j, label in enumerate(table.index):
        binary = np.column_stack([counts[:, j], counts.sum(axis=1) - counts[:, j]])
        assert table.loc[label, "kappa"] == pytest.approx(sm_fleiss_kappa(binary), abs=1e-12)
    assert table["answers"].sum() == DIAGNOSES.size


def test_wikipedia_fleiss_example():
    df = tidy_from_counts(WIKIPEDIA_COUNTS)
    assert round(agreement.fleiss_kappa(df), 3) == 0.210
    assert round(agreement.percent_agreement(df), 3) == 0.378


def test_wikipedia_cohen_example():
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    wide = pd.DataFrame(pairs, columns=["A", "B"])
    assert agreement.cohen_kappa(wide) == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, expected):
    wide = pd.DataFrame(KRIPPENDORFF_2011.T, columns=["A", "B", "C", "D"])
    tidy = tidy_from_wide(KRIPPENDORFF_2011.T)
    for frame in (wide, tidy):
        alpha = agreement.krippendorff_alpha(frame, level=level)
        assert isinstance(alpha, float)
        assert round(alpha, 3) == expected


def test_krippendorff_2011_ordinal_with_named_levels():
    names = ["very low", "low", "mid", "high", "very high"]
    tidy = tidy_from_wide(KRIPPENDORFF_2011.T - 1, labels=names)
    assert round(agreement.krippendorff_alpha(tidy, level="ordinal", labels=names), 3) == 0.815
    ordered = tidy.assign(value=pd.Categorical(tidy["value"], categories=names, ordered=True))
    assert round(agreement.krippendorff_alpha(ordered, level="ordinal"), 3) == 0.815
    # sorted alphabetically the order is wrong, and so is the answer
    assert round(agreement.krippendorff_alpha(tidy, level="ordinal"), 3) != 0.815


# -- against reference implementations -----------------------------------------------------------
sizes = st.tuples(
    st.integers(0, 2**32 - 1),  # seed
    st.integers(2, 60),  # items
    st.integers(2, 6),  # annotators
    st.integers(2, 7),  # labels
    st.sampled_from([0.0, 0.1, 0.3, 0.6]),  # missing rate
    st.booleans(),  # string labels
)


@SETTINGS
@given(sizes, st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_scikit_learn(case, weights):
    seed, n_items, _, n_labels, missing, strings = case
    wide = simulate(seed, n_items, 2, n_labels, missing)
    if np.isnan(wide).all(axis=0).any():
        return
    names = [f"label {j}" for j in range(n_labels)] if strings else list(range(-3, n_labels - 3))
    df = tidy_from_wide(wide, names, seed)
    both = ~np.isnan(wide).any(axis=1)
    used = sorted({names[int(c)] for c in wide[~np.isnan(wide)]})
    a = [names[int(c)] for c in wide[both, 0]]
    b = [names[int(c)] for c in wide[both, 1]]
    expected = (
        quiet(cohen_kappa_score, a, b, labels=used, weights=weights) if both.any() else math.nan
    )
    assert same(ours(agreement.cohen_kappa, df, weights=weights), expected)


@SETTINGS
@given(sizes, st.booleans())
def test_fleiss_kappa_matches_statsmodels(case, same_annotators):
    seed, n_items, n_annotators, n_labels, _, strings = case
    rng = np.random.default_rng(seed)
    wide = simulate(seed, n_items, n_annotators + 2, n_labels, 0.0)
    if not same_annotators:  # each item answered by a different subset of equal size
        keep = np.argsort(rng.random(wide.shape), axis=1) < n_annotators
        wide[~keep] = np.nan
    else:
        wide = wide[:, :n_annotators]
    names = [f"c{j}" for j in range(n_labels)] if strings else list(range(n_labels))
    df = tidy_from_wide(wide, names, seed)
    counts = np.stack([(wide == j).sum(axis=1) for j in range(n_labels)], axis=1)
    assert same(ours(agreement.fleiss_kappa, df), quiet(sm_fleiss_kappa, counts))


@SETTINGS
@given(sizes, st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_krippendorff_alpha_matches_krippendorff_package(case, level):
    seed, n_items, n_annotators, n_labels, missing, strings = case
    wide = simulate(seed, n_items, n_annotators, n_labels, missing)
    if np.isnan(wide).all():
        return
    numeric = level in ("interval", "ratio") or not strings
    names = list(range(1, n_labels + 1)) if numeric else [f"v{j:02d}" for j in range(n_labels)]
    df = tidy_from_wide(wide, names, seed)
    expected = quiet(
        krippendorff.alpha,
        (wide + 1).T,
        level_of_measurement=level,
        value_domain=np.arange(1, n_labels + 1),
    )
    if np.isnan(wide).all(axis=0).sum() >= n_annotators - 1:
        with pytest.raises(ValueError, match="at least two"):
            agreement.krippendorff_alpha(df, level=level)
        return
    assert same(ours(agreement.krippendorff_alpha, df, level=level), expected)


@SETTINGS
@given(sizes)
def test_percent_agreement_matches_definition(case):
    seed, n_items, n_annotators, n_labels, missing, _ = case
    wide = simulate(seed, n_items, n_annotators, n_labels, missing)
    if (~np.isnan(wide)).any(axis=0).sum() < 2:
        return
    shares = []
    for row in wide:
        answers = row[~np.isnan(row)]
        pairs = list(itertools.combinations(answers, 2))
        if pairs:
            shares.append(np.mean([a == b for a, b in pairs]))
    expected = float(np.mean(shares)) if shares else math.nan
    assert same(ours(agreement.percent_agreement, pd.DataFrame(wide)), expected)


@SETTINGS
@given(sizes, st.sampled_from(["masi", "jaccard"]))
def test_multilabel_alpha_matches_definition(case, distance):
    seed, n_items, n_annotators, n_labels, missing, _ = case
    df = multilabel_frame(seed, n_items, n_annotators, n_labels, missing)
    if df["annotator"].nunique() < 2:
        return
    units = [[tuple(v) for v in group["value"]] for _, group in df.groupby("item")]
    delta = masi if distance == "masi" else jaccard
    expected = ref_alpha(units, delta)
    kw = {} if distance == "masi" else {"distance": distance}
    assert same(ours(agreement.krippendorff_alpha, df, **kw), expected)


def multilabel_frame(seed: int, n_items: int, n_annotators: int, n_labels: int, missing: float):
    rng = np.random.default_rng(seed)
    base = rng.random((n_items, 1, n_labels)) < 0.4
    chosen = base ^ (rng.random((n_items, n_annotators, n_labels)) < 0.15)
    answered = rng.random((n_items, n_annotators)) >= missing
    rows = [
        (i, f"a{j}", sorted(f"L{k}" for k in np.flatnonzero(chosen[i, j])))
        for i in range(n_items)
        for j in range(n_annotators)
        if answered[i, j]
    ]
    return pd.DataFrame(rows, columns=["item", "annotator", "value"])


@SETTINGS
@given(sizes)
def test_multilabel_per_label_is_binary_agreement_on_each_label(case):
    seed, n_items, n_annotators, n_labels, missing, _ = case
    df = multilabel_frame(seed, n_items, n_annotators, n_labels, missing)
    if df["annotator"].nunique() < 2:
        return
    table = agreement.per_label(df)
    for label in table.index:
        binary = df.assign(value=["yes" if label in v else "no" for v in df["value"]])
        expected = agreement.per_label(binary, labels=["yes", "no"]).loc["yes"]
        for column in ("answers", "items", "specific_agreement", "kappa"):
            assert same(float(table.loc[label, column]), float(expected[column]))
    as_text = df.assign(value=["|".join(v) for v in df["value"]])
    assert same(ours(agreement.percent_agreement, df), ours(agreement.percent_agreement, as_text))


@SETTINGS
@given(sizes)
def test_per_label_matches_definition(case):
    seed, n_items, n_annotators, n_labels, missing, _ = case
    wide = simulate(seed, n_items, n_annotators, n_labels, missing)
    if (~np.isnan(wide)).any(axis=0).sum() < 2:
        return
    table = agreement.per_label(pd.DataFrame(wide), labels=[float(j) for j in range(n_labels)])
    for j in range(n_labels):
        agree = chances = disagree = used = total = 0.0
        for row in wide:
            answers = row[~np.isnan(row)]
            m = len(answers)
            if m < 2:
                continue
            n = float((answers == j).sum())
            agree, chances = agree + n * (n - 1), chances + n * (m - 1)
            disagree += n * (m - n) / (m - 1)
            used, total = used + n, total + m
        specific = agree / chances if chances else math.nan
        spread = used * (total - used) / total if total else 0.0
        kappa = 1 - disagree / spread if spread else math.nan
        assert same(table["specific_agreement"].iloc[j], specific)
        assert same(table["kappa"].iloc[j], kappa)
        assert table["answers"].iloc[j] == (wide == j).sum()


@pytest.mark.parametrize("switch", ["_DENSE_CELLS", "_DENSE_PRODUCT"])
def test_sparse_counting_paths_give_the_same_results(monkeypatch, switch):
    wide = pd.DataFrame(simulate(3, 80, 5, 6, 0.3))
    multi = multilabel_frame(3, 60, 4, 5, 0.2)
    levels = ("nominal", "ordinal", "interval", "ratio")

    def results() -> list[float]:
        alphas = [agreement.krippendorff_alpha(wide, level=level) for level in levels]
        percent = agreement.percent_agreement(wide)
        fleiss = agreement.fleiss_kappa(wide.fillna(0))
        boot = agreement.bootstrap("krippendorff_alpha", wide, n=20, seed=0, level="ratio")
        sets = [agreement.krippendorff_alpha(multi, distance=d) for d in ("masi", "jaccard")]
        return [*alphas, percent, fleiss, *boot.distribution, *sets]

    dense = results()
    module = _agreement_data if switch == "_DENSE_CELLS" else _agreement_stats
    monkeypatch.setattr(module, switch, 0)
    np.testing.assert_allclose(results(), dense, rtol=0, atol=1e-12)
    if switch == "_DENSE_CELLS":
        with pytest.raises(ValueError, match="several answers"):
            agreement.percent_agreement(tidy_from_wide(wide.to_numpy()).iloc[[0, 0]])


def test_interval_alpha_with_many_distinct_values():
    rng = np.random.default_rng(5)
    truth = rng.normal(size=80)
    wide = truth[:, None] + rng.normal(scale=0.3, size=(80, 4))
    wide[rng.random(wide.shape) < 0.2] = np.nan
    expected = krippendorff.alpha(wide.T, level_of_measurement="interval")
    got = agreement.krippendorff_alpha(pd.DataFrame(wide), level="interval")
    assert got == pytest.approx(expected, abs=1e-9)


# -- perfect and degenerate data ----------------------------------------------------------------
def perfect_frame() -> pd.DataFrame:
    return pd.DataFrame({"ana": list("abcab"), "ben": list("abcab"), "cy": list("abcab")})


@pytest.mark.parametrize(
    ("metric", "kwargs"),
    [
        (agreement.percent_agreement, {}),
        (agreement.fleiss_kappa, {}),
        (agreement.krippendorff_alpha, {}),
        (agreement.krippendorff_alpha, {"level": "ordinal"}),
    ],
)
def test_perfect_agreement_is_exactly_one(metric, kwargs):
    assert metric(perfect_frame(), **kwargs) == 1.0


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_perfect_cohen_kappa_is_exactly_one(weights):
    assert agreement.cohen_kappa(perfect_frame()[["ana", "ben"]], weights=weights) == 1.0


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_perfect_numeric_alpha_is_exactly_one(level):
    values = [0.1, 0.7, 1 / 3, 2.9, 1e6 + 0.1]
    wide = pd.DataFrame({"ana": values, "ben": values, "cy": values})
    assert agreement.krippendorff_alpha(wide, level=level) == 1.0


def test_one_category_everywhere_is_nan_with_a_warning():
    wide = pd.DataFrame({"ana": ["a"] * 4, "ben": ["a"] * 4})
    for metric in (agreement.cohen_kappa, agreement.fleiss_kappa, agreement.krippendorff_alpha):
        with pytest.warns(AgreementWarning, match="same value"):
            assert math.isnan(metric(wide))
    assert agreement.percent_agreement(wide) == 1.0
    table = agreement.per_label(wide)
    assert table.loc["a", "specific_agreement"] == 1.0
    assert math.isnan(table.loc["a", "kappa"])


def test_no_item_answered_twice_is_nan_with_a_warning():
    wide = pd.DataFrame({"ana": ["a", "b", None, None], "ben": [None, None, "a", "b"]})
    for metric in (
        agreement.percent_agreement,
        agreement.cohen_kappa,
        agreement.fleiss_kappa,
        agreement.krippendorff_alpha,
    ):
        with pytest.warns(AgreementWarning, match="no item has answers from two"):
            assert math.isnan(metric(wide))


def test_single_annotator_is_an_error():
    df = pd.DataFrame({"item": [1, 2], "annotator": ["ana", "ana"], "value": ["a", "b"]})
    for metric in (
        agreement.percent_agreement,
        agreement.fleiss_kappa,
        agreement.krippendorff_alpha,
        agreement.per_label,
        agreement.pairwise,
    ):
        with pytest.raises(ValueError, match="at least two"):
            metric(df)
    with pytest.raises(ValueError, match="exactly two annotators.*have 1"):
        agreement.cohen_kappa(df)


def test_cohen_kappa_needs_exactly_two_annotators():
    with pytest.raises(ValueError, match=r"exactly two annotators, but the answers have 3"):
        agreement.cohen_kappa(perfect_frame())


def test_fleiss_kappa_needs_equal_answer_counts():
    wide = perfect_frame()
    wide.loc[0, "cy"] = None
    with pytest.raises(ValueError, match="same number of answers.*krippendorff_alpha"):
        agreement.fleiss_kappa(wide)


# -- input handling -----------------------------------------------------------------------------
def test_wide_and_tidy_inputs_agree():
    wide = simulate(11, 40, 4, 3, 0.25)
    tidy = tidy_from_wide(wide)
    frame = pd.DataFrame(wide, columns=[f"coder{j}" for j in range(4)])
    for metric in (agreement.percent_agreement, agreement.krippendorff_alpha):
        assert metric(frame) == pytest.approx(metric(tidy), abs=1e-12)
    pd.testing.assert_frame_equal(
        agreement.pairwise(frame, "krippendorff_alpha"),
        agreement.pairwise(tidy, "krippendorff_alpha"),
        check_names=False,
    )


def test_column_names_can_be_overridden():
    tidy = tidy_from_wide(simulate(2, 30, 3, 3, 0.1))
    renamed = tidy.rename(columns={"item": "doc", "annotator": "coder", "value": "label"})
    renamed["extra"] = "ignored"
    expected = agreement.krippendorff_alpha(tidy)
    got = agreement.krippendorff_alpha(renamed, item="doc", annotator="coder", value="label")
    assert got == expected
    with pytest.raises(ValueError, match=r"no column\(s\) \['item'\]"):
        agreement.krippendorff_alpha(renamed, annotator="coder", value="label")


def test_event_log_is_reduced_to_current_answers():
    events = pd.DataFrame(
        [
            (1, 1, "ana", "a", "label"),
            (2, 1, "ben", "b", "label"),
            (3, 1, "ana", "b", "label"),  # ana changes her mind: b
            (4, 2, "ana", "a", "label"),
            (5, 2, "ben", "a", "label"),
            (6, 2, "ben", None, "retract"),  # ben's answer on 2 is withdrawn
            (7, 3, "ana", None, "skip"),
            (8, 3, "ben", "a", "label"),
            (9, 4, "ana", "c", "label"),
            (10, 4, "ben", "c", "label"),
        ],
        columns=["event_id", "item", "annotator", "value", "event"],
    ).sample(frac=1, random_state=1)
    current = pd.DataFrame(
        {"item": [1, 1, 2, 3, 4, 4], "annotator": ["ana", "ben", "ana", "ben", "ana", "ben"],
         "value": ["b", "b", "a", "a", "c", "c"]}
    )  # fmt: skip
    assert agreement.percent_agreement(events) == agreement.percent_agreement(current) == 1.0
    assert agreement.cohen_kappa(events) == agreement.cohen_kappa(current)


def test_duplicate_answers_are_an_error_that_says_how_to_fix_it():
    df = pd.DataFrame(
        {"item": [1, 1, 1], "annotator": ["ana", "ben", "ana"], "value": ["a", "a", "b"]}
    )
    with pytest.raises(ValueError, match=r"item 1 by 'ana'.*drop_duplicates"):
        agreement.krippendorff_alpha(df)


def test_bad_inputs_get_clear_errors():
    df = tidy_from_wide(simulate(1, 10, 3, 3, 0.0))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        agreement.fleiss_kappa([[1, 2], [1, 2]])
    with pytest.raises(TypeError, match=r"valid ones are \['df', 'level', 'labels', 'distance'"):
        agreement.krippendorff_alpha(df, levl="ordinal")
    with pytest.raises(ValueError, match="level='cardinal' is not one of"):
        agreement.krippendorff_alpha(df, level="cardinal")
    with pytest.raises(ValueError, match="weights='cubic' is not one of"):
        agreement.cohen_kappa(df[df.annotator != "coder2"], weights="cubic")
    with pytest.raises(ValueError, match=r"value\(s\) \[2\] that are not in labels"):
        agreement.krippendorff_alpha(df, labels=[0, 1])
    with pytest.raises(ValueError, match="labels= repeats"):
        agreement.krippendorff_alpha(df, labels=[0, 1, 2, 1])
    with pytest.raises(ValueError, match="needs numeric answers"):
        agreement.krippendorff_alpha(
            df.assign(value="x" + df["value"].astype(str)), level="interval"
        )
    with pytest.raises(ValueError, match="labels= gives the order"):
        agreement.krippendorff_alpha(df, level="interval", labels=[0, 1, 2])
    with pytest.raises(ValueError, match="true zero"):
        agreement.krippendorff_alpha(df.assign(value=df["value"] - 1), level="ratio")
    with pytest.raises(ValueError, match="distance= applies to multi-label"):
        agreement.krippendorff_alpha(df, distance="masi")
    with pytest.raises(ValueError, match="cannot be sorted; pass labels"):
        mixed = df.assign(value=df["value"].map({0: "a", 1: 1, 2: 2.5}))
        agreement.krippendorff_alpha(mixed, level="ordinal")
    with pytest.raises(ValueError, match="mix kinds"):
        agreement.percent_agreement(df.assign(value=[["a"]] + list(df["value"].iloc[1:])))
    with pytest.raises(ValueError, match="missing values; every answer needs its annotator"):
        agreement.percent_agreement(df.assign(annotator=[None] + list(df["annotator"].iloc[1:])))
    with pytest.raises(ValueError, match="no answers"):
        agreement.percent_agreement(df.assign(value=None))
    with pytest.raises(ValueError, match="repeats item"):
        agreement.percent_agreement(pd.DataFrame({"a": [1, 2], "b": [1, 2]}, index=[0, 0]))


def test_wrong_kind_of_answer_points_to_the_right_function():
    spans = pd.DataFrame({"ana": [[{"start": 0, "end": 1, "label": "X"}]], "ben": [[]]})
    with pytest.raises(ValueError, match="span_agreement"):
        agreement.krippendorff_alpha(spans)
    ranks = pd.DataFrame({"ana": [[["a"], ["b"]]], "ben": [[["b"], ["a"]]]})
    with pytest.raises(ValueError, match="kendall_w"):
        agreement.percent_agreement(ranks)
    multi = pd.DataFrame({"ana": [["a", "b"]], "ben": [["a"]]})
    with pytest.raises(ValueError, match="per_label"):
        agreement.cohen_kappa(multi)
    with pytest.raises(ValueError, match="level='ordinal' does not apply"):
        agreement.krippendorff_alpha(multi, level="ordinal")


def test_callers_frame_is_not_modified():
    tidy = tidy_from_wide(simulate(4, 30, 3, 3, 0.2), labels=["x", "y", "z"])
    tidy["value"] = pd.Categorical(tidy["value"])
    tidy["comment"] = "kept"
    wide = pd.DataFrame(simulate(4, 30, 3, 3, 0.0))
    spans = pd.DataFrame({"ana": [[{"start": 0, "end": 2, "label": "X"}]], "ben": [[]]})
    ranks = pd.DataFrame({"ana": [[["a"], ["b"]]], "ben": [[["b", "a"]]]})
    calls = [
        (agreement.percent_agreement, tidy), (agreement.krippendorff_alpha, tidy),
        (agreement.fleiss_kappa, wide), (agreement.per_label, tidy),
        (agreement.pairwise, tidy), (agreement.span_agreement, spans),
        (agreement.kendall_w, ranks), (agreement.preference_agreement, ranks),
        (functools.partial(agreement.bootstrap, "percent_agreement", n=20), tidy),
    ]  # fmt: skip
    for metric, frame in calls:
        before = frame.copy(deep=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AgreementWarning)
            metric(frame)
        pd.testing.assert_frame_equal(frame, before)


def test_integer_and_string_labels_give_the_same_statistics():
    wide = simulate(8, 50, 3, 4, 0.2)
    as_int = tidy_from_wide(wide)
    as_str = tidy_from_wide(wide, labels=["a", "b", "c", "d"])
    for level in ("nominal", "ordinal"):
        assert agreement.krippendorff_alpha(as_int, level=level) == pytest.approx(
            agreement.krippendorff_alpha(as_str, level=level), abs=1e-12
        )


def test_frame_attrs_labels_give_the_label_order():
    order = ["d", "b", "a", "c"]
    tidy = tidy_from_wide(simulate(9, 60, 3, 4, 0.2), labels=["a", "b", "c", "d"])
    hinted = tidy.copy()
    hinted.attrs["labels"] = order
    pair = hinted[hinted.annotator.isin(["coder0", "coder1"])]  # attrs survive filtering
    assert pair.attrs["labels"] == order
    for weights in ("linear", "quadratic"):
        expected = agreement.cohen_kappa(pair, weights=weights, labels=order)
        assert agreement.cohen_kappa(pair, weights=weights) == expected
        plain = tidy[tidy.annotator.isin(["coder0", "coder1"])]
        assert expected != pytest.approx(agreement.cohen_kappa(plain, weights=weights))
    expected = agreement.krippendorff_alpha(tidy, level="ordinal", labels=order)
    assert agreement.krippendorff_alpha(hinted, level="ordinal") == expected
    assert agreement.per_label(hinted).index.tolist() == order
    wide = tidy.pivot(index="item", columns="annotator", values="value")
    wide.attrs["labels"] = order
    assert agreement.krippendorff_alpha(wide, level="ordinal") == pytest.approx(expected)
    # labels= and a categorical's own order come first
    assert agreement.krippendorff_alpha(hinted, level="ordinal", labels=list("abcd")) == (
        agreement.krippendorff_alpha(tidy, level="ordinal")
    )
    categorical = hinted.assign(value=pd.Categorical(hinted["value"], categories=list("cabd")))
    assert agreement.krippendorff_alpha(categorical, level="ordinal") == (
        agreement.krippendorff_alpha(tidy, level="ordinal", labels=list("cabd"))
    )
    # interval and ratio levels use the values themselves, whatever the order
    numbers = pd.DataFrame(
        {"item": [1, 1, 2, 2, 3, 3], "annotator": ["a", "b"] * 3, "value": [1, 2, 2, 2, 3, 1]}
    )
    hinted_numbers = numbers.copy()
    hinted_numbers.attrs["labels"] = [3, 1, 2, "n/a"]
    for level in ("interval", "ratio"):
        assert agreement.krippendorff_alpha(hinted_numbers, level=level) == (
            agreement.krippendorff_alpha(numbers, level=level)
        )
    # multi-label answers list their labels in that order too
    sets = hinted.assign(value=[[v] for v in hinted["value"]])
    assert agreement.per_label(sets).index.tolist() == order


@pytest.mark.parametrize(
    "hint",
    [
        ["a", "b"],
        {"a": 1, "b": 2, "c": 3, "d": 4},
        "abcd",
        ["a", "a", "b", "c", "d"],
        [["a"], ["b"]],
        [],
    ],
)
def test_frame_attrs_labels_are_ignored_unless_they_list_every_value(hint):
    tidy = tidy_from_wide(simulate(10, 40, 3, 4, 0.2), labels=["d", "c", "b", "a"])
    hinted = tidy.copy()
    hinted.attrs["labels"] = hint
    assert agreement.krippendorff_alpha(hinted, level="ordinal") == (
        agreement.krippendorff_alpha(tidy, level="ordinal")
    )
    assert agreement.per_label(hinted).index.tolist() == ["a", "b", "c", "d"]


# -- pairwise -----------------------------------------------------------------------------------
def test_pairwise_cohen_matrix():
    wide = simulate(6, 60, 4, 3, 0.2)
    tidy = tidy_from_wide(wide)
    table = agreement.pairwise(tidy)
    assert list(table.index) == [f"coder{j}" for j in range(4)]
    assert np.isnan(np.diag(table)).all()
    np.testing.assert_allclose(table, table.T)
    pair = tidy[tidy.annotator.isin(["coder1", "coder3"])]
    assert table.loc["coder1", "coder3"] == pytest.approx(agreement.cohen_kappa(pair), abs=1e-12)


def test_pairwise_options_and_callables():
    tidy = tidy_from_wide(simulate(7, 40, 3, 4, 0.0))
    weighted = agreement.pairwise(tidy, "cohen_kappa", weights="quadratic")
    pair = tidy[tidy.annotator.isin(["coder0", "coder1"])]
    assert weighted.loc["coder0", "coder1"] == pytest.approx(
        agreement.cohen_kappa(pair, weights="quadratic", labels=[0, 1, 2, 3]), abs=1e-12
    )
    custom = agreement.pairwise(tidy, lambda frame: frame["item"].nunique())
    assert custom.loc["coder0", "coder2"] == 40
    partial = functools.partial(agreement.krippendorff_alpha, level="ordinal")
    by_partial = agreement.pairwise(tidy, partial)
    by_name = agreement.pairwise(tidy, "krippendorff_alpha", level="ordinal")
    pd.testing.assert_frame_equal(by_partial, by_name)
    with pytest.raises(TypeError, match=r"\['weight'\]: not options of cohen_kappa"):
        agreement.pairwise(tidy, "cohen_kappa", weight="linear")
    with pytest.raises(ValueError, match="metric='kappa' is not one of"):
        agreement.pairwise(tidy, "kappa")


def test_pairwise_warns_once_about_undefined_pairs():
    wide = pd.DataFrame({"ana": ["a", "b", None], "ben": ["a", "a", None], "cy": [None, None, "a"]})
    with pytest.warns(AgreementWarning, match="2 annotator pair"):
        table = agreement.pairwise(wide, "percent_agreement")
    assert table.loc["ana", "ben"] == 0.5
    assert np.isnan(table.loc["ana", "cy"])


# -- bootstrap ----------------------------------------------------------------------------------
def test_bootstrap_matches_recomputing_each_resample():
    wide = simulate(9, 50, 4, 3, 0.3)
    frame = pd.DataFrame(wide)  # items in row order, so resampled units line up with rows
    units = np.flatnonzero((~np.isnan(wide)).sum(axis=1) >= 2)
    for name, kwargs in [
        ("percent_agreement", {}),
        ("krippendorff_alpha", {}),
        ("krippendorff_alpha", {"level": "ordinal"}),
        ("krippendorff_alpha", {"level": "interval"}),
        ("krippendorff_alpha", {"level": "ratio"}),
    ]:
        result = agreement.bootstrap(name, frame, n=30, seed=42, **kwargs)
        draws = np.random.default_rng(42).integers(0, len(units), size=(30, len(units)))
        for b, draw in enumerate(draws):
            resample = frame.iloc[units[draw]].reset_index(drop=True)
            expected = getattr(agreement, name)(resample, **kwargs)
            assert result.distribution[b] == pytest.approx(expected, abs=1e-9)


def test_bootstrap_cohen_and_fleiss_match_recomputing():
    wide = simulate(10, 40, 3, 3, 0.0)
    frame = pd.DataFrame(wide)
    for name, data in [("fleiss_kappa", frame), ("cohen_kappa", frame[[0, 1]])]:
        result = agreement.bootstrap(name, data, n=20, seed=1)
        draws = np.random.default_rng(1).integers(0, 40, size=(20, 40))
        for b, draw in enumerate(draws):
            expected = getattr(agreement, name)(data.iloc[draw].reset_index(drop=True))
            assert result.distribution[b] == pytest.approx(expected, abs=1e-9)


def test_bootstrap_result_and_arguments():
    tidy = tidy_from_wide(simulate(12, 80, 3, 3, 0.1))
    result = agreement.bootstrap(agreement.krippendorff_alpha, tidy, n=200, seed=3, ci=0.9)
    assert isinstance(result, agreement.BootstrapResult)
    assert result.estimate == agreement.krippendorff_alpha(tidy)
    assert result.low < result.estimate < result.high
    assert (result.ci, result.n, len(result.distribution)) == (0.9, 200, 200)
    again = agreement.bootstrap("krippendorff_alpha", tidy, n=200, seed=3, ci=0.9)
    assert (again.low, again.high) == (result.low, result.high)
    custom = agreement.bootstrap(lambda df: df["value"].eq(0).mean(), tidy, n=50, seed=0)
    assert 0 <= custom.low <= custom.high <= 1
    with pytest.raises(ValueError, match="n must be a positive"):
        agreement.bootstrap("cohen_kappa", tidy, n=0)
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        agreement.bootstrap("cohen_kappa", tidy, ci=95)
    with pytest.raises(TypeError, match=r"options of krippendorff_alpha \(\['level', 'labels'"):
        agreement.bootstrap("krippendorff_alpha", tidy, levels="ordinal")
    with pytest.raises(TypeError, match="single number"):
        agreement.bootstrap(lambda df: df, tidy, n=2)


def test_bootstrap_of_span_and_ranking_metrics():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(30):
        order = ["a", "b", "c"]
        for who in ("ana", "ben", "cy"):
            rng.shuffle(order)
            rows.append((i, who, [[o] for o in order]))
    ranks = pd.DataFrame(rows, columns=["item", "annotator", "value"])
    result = agreement.bootstrap("kendall_w", ranks, n=30, seed=0)
    assert result.low <= result.high
    assert result.estimate == agreement.kendall_w(ranks)


def test_bootstrap_warns_about_undefined_resamples():
    wide = pd.DataFrame({"ana": ["a"] * 9 + ["b"], "ben": ["a"] * 9 + ["b"]})
    with pytest.warns(AgreementWarning, match="undefined on"):
        result = agreement.bootstrap("cohen_kappa", wide, n=100, seed=0)
    assert result.estimate == 1.0
    assert np.isnan(result.distribution).sum() > 0


# -- spans --------------------------------------------------------------------------------------
def ref_span_f1(df: pd.DataFrame, mode: str, label=None) -> float:
    scores = []
    answers = {(r.item, r.annotator): r.value for r in df.itertuples()}
    annotators = sorted(df["annotator"].unique())

    def spans(value):
        found = {(s["start"], s["end"], s["label"]) for s in value}
        return {s for s in found if label is None or s[2] == label}

    def hit(s, others):
        if mode == "exact":
            return s in others
        return any(o[2] == s[2] and s[0] < o[1] and o[0] < s[1] for o in others)

    for a, b in itertools.combinations(annotators, 2):
        shared = [i for i in df["item"].unique() if (i, a) in answers and (i, b) in answers]
        sa = [(i, s) for i in shared for s in spans(answers[i, a])]
        sb = [(i, s) for i in shared for s in spans(answers[i, b])]
        if not sa and not sb:
            continue
        if not sa or not sb:
            scores.append(0.0)
            continue
        recall = np.mean([hit(s, spans(answers[i, b])) for i, s in sa])
        precision = np.mean([hit(s, spans(answers[i, a])) for i, s in sb])
        total = precision + recall
        scores.append(2 * precision * recall / total if total else 0.0)
    return float(np.mean(scores)) if scores else math.nan


def random_spans(seed: int, n_items: int, n_annotators: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_items):
        gold = []
        for _ in range(rng.integers(0, 4)):
            start = int(rng.integers(0, 40))
            gold.append({"start": start, "end": start + int(rng.integers(1, 8)),
                         "label": str(rng.choice(["PER", "ORG", "LOC"]))})  # fmt: skip
        for j in range(n_annotators):
            if rng.random() < 0.2:
                continue
            mine = []
            for span in gold:
                r = rng.random()
                if r < 0.6:
                    mine.append(dict(span))
                elif r < 0.8:
                    mine.append({**span, "end": span["end"] + 1})
            if rng.random() < 0.3:
                mine.append({"start": 50, "end": 52, "label": "LOC"})
            rows.append((i, f"a{j}", mine))
    return pd.DataFrame(rows, columns=["item", "annotator", "value"])


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(1, 25), st.integers(2, 4),
       st.sampled_from(["exact", "overlap"]))  # fmt: skip
def test_span_agreement_matches_definition(seed, n_items, n_annotators, mode):
    df = random_spans(seed, n_items, n_annotators)
    if df["annotator"].nunique() < 2:
        return
    assert same(ours(agreement.span_agreement, df, mode=mode), ref_span_f1(df, mode))
    table = agreement.span_agreement(df, mode=mode, by_label=True)
    for label in table.index:
        assert same(table.loc[label, "f1"], ref_span_f1(df, mode, label))


def test_span_agreement_perfect_duplicates_and_errors():
    spans = [{"start": 0, "end": 3, "label": "PER"}, {"start": 5, "end": 9, "label": "ORG"}]
    df = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
                       "value": [spans, spans + spans[:1], [], []]})  # fmt: skip
    assert agreement.span_agreement(df) == 1.0
    assert agreement.span_agreement(df, mode="overlap") == 1.0
    table = agreement.span_agreement(df, by_label=True)
    assert table.loc["PER", "spans"] == 2 and table["f1"].tolist() == [1.0, 1.0]
    empty = df.assign(value=[[], [], [], []])
    with pytest.warns(AgreementWarning, match="no annotator pair has a span"):
        assert math.isnan(agreement.span_agreement(empty))
    with pytest.raises(ValueError, match="mode='fuzzy' is not one of"):
        agreement.span_agreement(df, mode="fuzzy")
    bad = df.assign(value=[[{"start": 3, "end": 1, "label": "X"}], [], [], []])
    with pytest.raises(ValueError, match="0 <= start < end"):
        agreement.span_agreement(bad)
    bad = df.assign(value=[[{"start": 0, "label": "X"}], [], [], []])
    with pytest.raises(ValueError, match="'start', 'end' and 'label'"):
        agreement.span_agreement(bad)
    with pytest.raises(ValueError, match="needs span answers"):
        agreement.span_agreement(df.assign(value="x"))


# -- rankings -----------------------------------------------------------------------------------
def random_rankings(seed: int, n_items: int, n_annotators: int, n_options: int, ties: bool):
    rng = np.random.default_rng(seed)
    options = [f"o{k}" for k in range(n_options)]
    rows = []
    for i in range(n_items):
        quality = rng.normal(size=n_options)
        for j in range(n_annotators):
            score = quality + rng.normal(scale=0.8, size=n_options)
            if ties:
                score = np.round(score)
            groups = [
                [options[k] for k in np.flatnonzero(score == s)] for s in np.unique(score)[::-1]
            ]
            rows.append((i, f"a{j}", groups))
    return pd.DataFrame(rows, columns=["item", "annotator", "value"])


def ref_ranks(groups: list) -> dict:
    score = {o: -g for g, group in enumerate(groups) for o in group}
    keys = sorted(score)
    return dict(zip(keys, rankdata([-score[k] for k in keys]), strict=True))


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(1, 10), st.integers(2, 5), st.integers(2, 6),
       st.booleans())  # fmt: skip
def test_ranking_metrics_match_definitions(seed, n_items, n_annotators, n_options, ties):
    df = random_rankings(seed, n_items, n_annotators, n_options, ties)
    ws, units = [], []
    for _, group in df.groupby("item"):
        ranks = [ref_ranks(v) for v in group["value"]]
        m, n = len(ranks), n_options
        sums = np.array([sum(r[o] for r in ranks) for o in sorted(ranks[0])])
        s = ((sums - m * (n + 1) / 2) ** 2).sum()
        t = sum(sum(len(g) ** 3 - len(g) for g in v) for v in group["value"])
        denominator = m * m * (n**3 - n) - m * t
        if denominator > 0:
            ws.append(12 * s / denominator)
        for x, y in itertools.combinations(sorted(ranks[0]), 2):
            units.append([np.sign(r[x] - r[y]) for r in ranks])
    expected_w = float(np.mean(ws)) if ws else math.nan
    assert same(ours(agreement.kendall_w, df), expected_w)
    shares = [np.mean([a == b for a, b in itertools.combinations(u, 2)]) for u in units]
    assert same(ours(agreement.preference_agreement, df), float(np.mean(shares)))


def test_kendall_tau_matches_scipy_on_one_item():
    rng = np.random.default_rng(1)
    for _ in range(20):
        df = random_rankings(int(rng.integers(1 << 30)), 1, 2, 7, ties=True)
        ra, rb = (ref_ranks(v) for v in df["value"])
        keys = sorted(ra)
        expected = kendalltau([ra[k] for k in keys], [rb[k] for k in keys]).statistic
        assert same(ours(agreement.kendall_tau, df), float(expected))


def test_kendall_tau_pools_items_and_averages_pairs():
    df = random_rankings(5, 6, 3, 4, ties=True)
    table = agreement.pairwise(df, "kendall_tau")
    for a, b in itertools.combinations(["a0", "a1", "a2"], 2):
        c = d = untied_a = untied_b = 0
        for _, group in df.groupby("item"):
            ra, rb = (ref_ranks(group.set_index("annotator").loc[w, "value"]) for w in (a, b))
            for x, y in itertools.combinations(sorted(ra), 2):
                s, t = np.sign(ra[x] - ra[y]), np.sign(rb[x] - rb[y])
                c, d = c + (s * t > 0), d + (s * t < 0)
                untied_a, untied_b = untied_a + (s != 0), untied_b + (t != 0)
        assert table.loc[a, b] == pytest.approx((c - d) / math.sqrt(untied_a * untied_b))
    assert agreement.kendall_tau(df) == pytest.approx(np.nanmean(table.to_numpy()))


def test_kendall_w_by_hand():
    # 3 judges rank 6 objects: W = 12 S / (m² (n³ - n)), S the spread of the rank sums
    ranks = [[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 5, 4, 6]]
    rows = [(0, f"j{j}", [[f"o{k}"] for k in np.argsort(r)]) for j, r in enumerate(ranks)]
    w = agreement.kendall_w(pd.DataFrame(rows, columns=["item", "annotator", "value"]))
    sums = np.sum(ranks, axis=0)
    assert w == pytest.approx(12 * ((sums - 10.5) ** 2).sum() / (9 * (216 - 6)))


def test_ranking_perfect_agreement_and_errors():
    ranking = [["a"], ["b", "c"], ["d"]]
    df = pd.DataFrame({"item": [1, 1, 1], "annotator": ["ana", "ben", "cy"],
                       "value": [ranking] * 3})  # fmt: skip
    assert agreement.kendall_w(df) == 1.0
    assert agreement.kendall_tau(df) == 1.0
    assert agreement.preference_agreement(df) == 1.0
    assert agreement.kendall_w(df, by_item=True).tolist() == [1.0]
    tied = df.assign(value=[[["a", "b", "c", "d"]]] * 3)
    with pytest.warns(AgreementWarning, match="tie all options"):
        assert math.isnan(agreement.kendall_w(tied))
    odd = df.assign(value=[ranking, [["a"], ["b"], ["c"]], ranking])
    with pytest.raises(ValueError, match="must rank the same options"):
        agreement.kendall_w(odd)
    twice = df.assign(value=[[["a"], ["a", "b"], ["c", "d"]], ranking, ranking])
    with pytest.raises(ValueError, match="same option twice"):
        agreement.kendall_w(twice)
    empty_group = df.assign(value=[[["a"], [], ["b", "c", "d"]], ranking, ranking])
    with pytest.raises(ValueError, match="non-empty groups"):
        agreement.kendall_w(empty_group)
    with pytest.raises(ValueError, match="needs rankings"):
        agreement.kendall_tau(df.assign(value="a"))
