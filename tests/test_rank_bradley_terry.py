"""Bradley–Terry strengths with ties: known answers, recovery of simulated strengths, errors."""

import numpy as np
import pandas as pd
import pytest

from nblabel import rank

NAMES = ["alpha", "beta", "gamma", "delta"]


def simulate(strengths, tie, n, model="davidson", seed=0):
    """Comparisons drawn from the model: one row per match between two random options."""
    rng = np.random.default_rng(seed)
    k = len(strengths)
    first = rng.integers(0, k, n)
    second = (first + rng.integers(1, k, n)) % k
    a, b = np.exp(np.asarray(strengths)[first]), np.exp(np.asarray(strengths)[second])
    if model == "davidson":
        d = a + b + tie * np.sqrt(a * b)
        p_first, p_tie = a / d, tie * np.sqrt(a * b) / d
    else:
        p_first = a / (a + tie * b)
        p_second = b / (b + tie * a)
        p_tie = 1 - p_first - p_second
    u = rng.random(n)
    first_wins, tied = u < p_first, (u >= p_first) & (u < p_first + p_tie)
    names = np.array(NAMES[:k], dtype=object)
    chosen = np.where(first_wins | tied, names[first], names[second])
    rejected = np.where(first_wins | tied, names[second], names[first])
    return pd.DataFrame({"chosen": chosen, "rejected": rejected, "tie": tied})


def centred(values):
    values = np.asarray(values, dtype=float)
    return values - values.mean()


@pytest.mark.parametrize(("model", "tie"), [("davidson", 0.7), ("rao-kupper", 1.6)])
def test_recovers_known_strengths_and_tie_parameter(model, tie):
    truth = centred([1.0, 0.3, -0.2, -1.1])
    result = rank.bradley_terry(simulate(truth, tie, 6000, model, seed=3), ties=model)
    table = result.strengths.loc[NAMES]
    assert list(result.strengths.index) == NAMES, "strongest first"
    assert np.abs(table["strength"] - truth).max() < 4 * table["se"].max()
    assert ((table["ci_low"] < truth) & (truth < table["ci_high"])).sum() >= 3
    assert result.tie_ci[0] < tie < result.tie_ci[1]
    assert abs(result.tie_parameter - tie) < 0.15
    assert result.ties == model and result.n_comparisons == 6000
    assert table["comparisons"].sum() == 2 * 6000


def test_intervals_cover_the_truth_about_as_often_as_they_say():
    truth = centred([0.5, 0.0, -0.5])
    covered = 0
    for seed in range(40):
        result = rank.bradley_terry(simulate(truth, 0.5, 400, seed=seed), ci=0.9)
        table = result.strengths.loc[NAMES[:3]]
        covered += int(((table["ci_low"] < truth) & (truth < table["ci_high"])).sum())
    assert 0.82 <= covered / 120 <= 0.97


@pytest.mark.parametrize("model", ["davidson", "rao-kupper"])
def test_two_options_fit_their_observed_frequencies(model):
    # With two options the model is saturated: fitted chances equal the observed shares.
    pairs = pd.DataFrame({"chosen": ["x"] * 6 + ["y"] * 3 + ["x"] * 3, "rejected": ["y"] * 6 + ["x"] * 3 + ["y"] * 3, "tie": [False] * 9 + [True] * 3})
    result = rank.bradley_terry(pairs, ties=model)
    assert result.probabilities("x", "y").to_numpy() == pytest.approx([0.5, 0.25, 0.25], abs=1e-6)
    assert result.probabilities("y", "x").to_numpy() == pytest.approx([0.25, 0.25, 0.5], abs=1e-6)
    if model == "davidson":  # closed form: exp(bx - by) = wins ratio, nu = ties / sqrt(wins_x wins_y)
        x, y = result.strengths.loc[["x", "y"], "strength"]
        assert x - y == pytest.approx(np.log(6 / 3), abs=1e-6)
        assert x + y == pytest.approx(0, abs=1e-9)
        assert result.tie_parameter == pytest.approx(3 / np.sqrt(18), abs=1e-6)


def test_without_ties_it_is_plain_bradley_terry_with_the_textbook_standard_error():
    pairs = pd.DataFrame({"chosen": ["x"] * 30 + ["y"] * 10, "rejected": ["y"] * 30 + ["x"] * 10, "tie": False})
    result = rank.bradley_terry(pairs)
    assert result.tie_parameter == 0 and np.isnan(result.tie_ci[0])
    x = result.strengths.loc["x"]
    assert x["strength"] == pytest.approx(np.log(3) / 2, abs=1e-6)
    # var(bx - by) = 1 / (n p (1 - p)); each centred strength is half the difference
    assert x["se"] == pytest.approx(np.sqrt(1 / (40 * 0.75 * 0.25)) / 2, rel=1e-4)
    assert (x["wins"], x["losses"], x["ties"], x["comparisons"]) == (30, 10, 0, 40)
    assert rank.bradley_terry(pairs, ties="rao-kupper").tie_parameter == 1


def test_annotations_are_read_directly():
    answers = pd.DataFrame(
        {
            "item": [1, 2, 3, 4],
            "annotator": "ana",
            "value": [[["a"], ["b"], ["c"]], [["b"], ["a", "c"]], [["c"], ["a"], ["b"]], [["a"], ["c"], ["b"]]],
        }
    )
    direct = rank.bradley_terry(answers)
    via_pairs = rank.bradley_terry(rank.preferences(answers))
    pd.testing.assert_frame_equal(direct.strengths, via_pairs.strengths)
    assert "BradleyTerry(davidson" in repr(direct) and "<table" in direct._repr_html_()


def test_an_unbeaten_option_needs_a_prior():
    pairs = pd.DataFrame({"chosen": ["a", "a", "b", "c"], "rejected": ["b", "c", "c", "b"], "tie": False})
    with pytest.raises(ValueError, match=r"options \['a'\] never lost to \(nor tied with\) the other options.*prior=1.0"):
        rank.bradley_terry(pairs)
    result = rank.bradley_terry(pairs, prior=1.0)
    assert list(result.strengths.index)[0] == "a" and np.isfinite(result.strengths["se"]).all()
    tied_once = pd.concat([pairs, pd.DataFrame({"chosen": ["b"], "rejected": ["a"], "tie": [True]})])
    assert rank.bradley_terry(tied_once).strengths.index[0] == "a", "a tie bounds the strength"


def test_options_never_compared_with_the_rest():
    pairs = pd.DataFrame({"chosen": ["a", "b", "c", "d"], "rejected": ["b", "a", "d", "c"], "tie": False})
    with pytest.raises(ValueError, match=r"options \['a', 'b'\] were never compared with the others"):
        rank.bradley_terry(pairs)


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (pd.DataFrame({"chosen": [], "rejected": [], "tie": []}), {}, "there are no comparisons to fit"),
        (pd.DataFrame({"chosen": ["a", "b"], "rejected": ["b", "a"], "tie": True}), {}, "every comparison is a tie"),
        (pd.DataFrame({"chosen": ["a"], "rejected": ["a"], "tie": False}), {}, "one option only"),
        (pd.DataFrame({"chosen": ["a"], "rejected": ["b"], "tie": False}), {"ties": "glenn-david"}, r"use one of \['davidson', 'rao-kupper'\]"),
        (pd.DataFrame({"chosen": ["a"], "rejected": ["b"], "tie": False}), {"ci": 1.5}, "ci must be a confidence level"),
        (pd.DataFrame({"chosen": ["a"], "rejected": ["b"], "tie": False}), {"prior": -1}, "prior must be a number >= 0"),
    ],
)
def test_bad_input_says_what_is_wrong(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        rank.bradley_terry(data, **kwargs)


def test_probabilities_name_unknown_options():
    pairs = pd.DataFrame({"chosen": ["a", "b"], "rejected": ["b", "a"], "tie": False})
    with pytest.raises(ValueError, match="'z' is not one of the options"):
        rank.bradley_terry(pairs).probabilities("a", "z")
