"""Consensus labels: majority vote, Dawid–Skene, accuracy against gold answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nblabel import consensus
from nblabel.consensus import ConvergenceWarning

pytestmark = pytest.mark.filterwarnings("error")


def crowd(seed: int, n_items: int, accuracies: list[float], n_classes: int = 4):
    """Simulate annotators of known accuracy; wrong answers are uniform over other classes."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_classes, n_items)
    columns = {}
    for j, accuracy in enumerate(accuracies):
        right = rng.random(n_items) < accuracy
        wrong = (truth + rng.integers(1, n_classes, n_items)) % n_classes
        columns[f"a{j}"] = np.where(right, truth, wrong)
    return truth, pd.DataFrame(columns)


def tidy(wide: pd.DataFrame) -> pd.DataFrame:
    long = wide.rename_axis("item").reset_index().melt("item", var_name="annotator")
    return long.dropna(subset=["value"]).reset_index(drop=True)


# -- majority vote ------------------------------------------------------------------------------
def test_majority_vote_values_confidence_and_counts():
    df = pd.DataFrame(
        {
            "item": ["q", "q", "q", "r", "r", "s"],
            "annotator": ["ana", "ben", "cy", "ana", "ben", "cy"],
            "value": ["pos", "neg", "pos", "neg", "neg", "neu"],
        }
    )
    result = consensus.majority_vote(df)
    assert list(result.index) == ["q", "r", "s"]
    assert result["value"].tolist() == ["pos", "neg", "neu"]
    assert result["confidence"].tolist() == pytest.approx([2 / 3, 1.0, 1.0])
    assert result["n"].tolist() == [3, 2, 1]


def test_majority_vote_tie_policies():
    df = pd.DataFrame(
        {
            "item": [1, 1, 2, 2, 2, 2],
            "annotator": ["ana", "ben", "ana", "ben", "cy", "dan"],
            "value": ["b", "a", "c", "a", "a", "c"],
        }
    )
    nan = consensus.majority_vote(df, ties="nan")
    assert nan["value"].isna().all()
    assert nan["confidence"].tolist() == [0.5, 0.5]
    first = consensus.majority_vote(df, ties="first")
    assert first["value"].tolist() == ["b", "c"]
    picks = {tuple(consensus.majority_vote(df, ties="random", seed=s)["value"]) for s in range(40)}
    assert picks <= {(x, y) for x in "ab" for y in "ac"} and len(picks) == 4
    again = consensus.majority_vote(df, ties="random", seed=7)
    pd.testing.assert_frame_equal(again, consensus.majority_vote(df, ties="random", seed=7))


def test_majority_vote_on_wide_and_event_log_input():
    truth, wide = crowd(1, 50, [0.8, 0.7, 0.9])
    from_wide = consensus.majority_vote(wide, ties="first")
    from_tidy = consensus.majority_vote(tidy(wide), ties="first")
    pd.testing.assert_frame_equal(from_wide, from_tidy, check_names=False)
    events = tidy(wide).assign(event="label", event_id=np.arange(150))
    undo = events.iloc[:5].assign(event="retract", value=None, event_id=np.arange(150, 155))
    log = pd.concat([events, undo])
    result = consensus.majority_vote(log)
    assert result.loc[0, "n"] == 2 and result.loc[10, "n"] == 3


def test_majority_vote_errors():
    df = pd.DataFrame({"item": [1, 1], "annotator": ["ana", "ben"], "value": ["a", "b"]})
    with pytest.raises(ValueError, match="ties='coin' is not one of"):
        consensus.majority_vote(df, ties="coin")
    with pytest.raises(TypeError, match=r"valid ones are \['df', 'ties', 'seed', 'item'"):
        consensus.majority_vote(df, tie="first")
    with pytest.raises(ValueError, match="single labels, but the answers are lists"):
        consensus.dawid_skene(df.assign(value=[["a"], ["a", "b"]]))


def test_majority_vote_on_label_sets_keeps_each_label_more_than_half_gave():
    df = pd.DataFrame({
        "item": [1, 1, 1, 2, 2, 3, 3, 3, 3],
        "annotator": ["ana", "ben", "cy", "ana", "ben", "ana", "ben", "cy", "dee"],
        "value": [["x", "y"], ["x"], ["y", "x"], [], ["z"], ["x"], ["x"], ["y"], []],
    })
    table = consensus.majority_vote(df)
    assert table["value"].tolist() == [["x", "y"], [], []]  # half (item 3's "x") is not enough
    assert table["support"].tolist() == [[1.0, 2 / 3], [], []]
    assert table["n"].tolist() == [3, 2, 4]


def test_a_multi_label_project_settles_by_majority_and_decisions_win(tmp_path):
    import nblabel as nl

    df = pd.DataFrame({"text": ["a", "b"]})
    proj = nl.Project(df, nl.Classify(["x", "y", "z"], text="text", multi=True), store=tmp_path / "m.db")
    for who, first, second in [("ana", ["x", "y"], ["z"]), ("ben", ["x"], []), ("cy", ["y", "x"], ["z"])]:
        proj.add(0, first, annotator=who)
        proj.add(1, second, annotator=who)
    assert proj.labels(how="majority").tolist() == [["x", "y"], ["z"]]
    proj.add(1, ["y"], annotator="lead", source="adjudicated")
    assert proj.labels(how="majority").tolist() == [["x", "y"], ["y"]]


# -- Dawid–Skene ----------------------------------------------------------------------------------
def accuracy_of(labels: pd.DataFrame, truth: np.ndarray) -> float:
    return float((labels["value"].to_numpy() == truth).mean())


def test_dawid_skene_recovers_annotator_accuracies():
    accuracies = [0.9, 0.8, 0.65, 0.5, 0.4]
    truth, wide = crowd(2, 1000, accuracies)
    result = consensus.dawid_skene(wide)
    assert result.converged
    np.testing.assert_allclose(result.accuracy.to_numpy(), accuracies, atol=0.05)
    vote = consensus.majority_vote(wide, ties="random", seed=0)
    assert accuracy_of(result.labels, truth) > accuracy_of(vote, truth) + 0.03
    assert accuracy_of(result.labels, truth) > 0.9


def test_dawid_skene_is_not_fooled_by_colluding_annotators():
    # Three honest annotators; two others copy one another and shift every class by one.
    rng = np.random.default_rng(3)
    truth, wide = crowd(3, 800, [0.65, 0.65, 0.65])
    shared = np.where(rng.random(800) < 0.9, (truth + 1) % 4, rng.integers(0, 4, 800))
    wide["mallory"], wide["trudy"] = shared, shared
    vote = consensus.majority_vote(wide, ties="random", seed=0)
    result = consensus.dawid_skene(wide)
    assert accuracy_of(vote, truth) < 0.6
    assert accuracy_of(result.labels, truth) > 0.9
    assert result.accuracy[["mallory", "trudy"]].max() < 0.1
    assert result.accuracy[["a0", "a1", "a2"]].min() > 0.55
    shifted = result.confusion.loc["mallory"].to_numpy()
    assert (shifted.argmax(axis=1) == (np.arange(4) + 1) % 4).all()


def test_dawid_skene_result_shapes():
    truth, wide = crowd(4, 120, [0.9, 0.7, 0.6], n_classes=3)
    labels = ["cat", "dog", "eel"]
    df = tidy(wide)
    df["value"] = [labels[v] for v in df["value"]]
    result = consensus.dawid_skene(df, seed=0)
    assert list(result.labels.columns) == ["value", "confidence", "n"]
    assert list(result.posteriors.columns) == labels
    np.testing.assert_allclose(result.posteriors.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.labels["confidence"], result.posteriors.max(axis=1))
    assert (result.labels["value"] == result.posteriors.idxmax(axis=1)).all()
    assert result.confusion.shape == (9, 3)
    np.testing.assert_allclose(result.confusion.sum(axis=1), 1.0)
    assert result.priors.sum() == pytest.approx(1.0)
    assert list(result.accuracy.index) == ["a0", "a1", "a2"]
    assert np.isfinite(result.log_likelihood)
    assert "[120 rows x 6 columns]" in repr(result)  # it prints as the table it is


def test_dawid_skene_returns_a_dataframe_shaped_like_majority_vote():
    truth, wide = crowd(8, 150, [0.9, 0.7, 0.6], n_classes=3)
    df = tidy(wide)
    df["value"] = [["cat", "dog", "eel"][v] for v in df["value"]]
    result = consensus.dawid_skene(df, seed=0)
    vote = consensus.majority_vote(df)
    assert isinstance(result, pd.DataFrame)
    assert result["value"].tolist() == result.labels["value"].tolist()
    assert list(result.columns) == ["value", "confidence", "n", "p_cat", "p_dog", "p_eel"]
    assert result.index.equals(vote.index)
    assert (result.dtypes[["value", "confidence", "n"]] == vote.dtypes).all()
    assert (result["n"] == vote["n"]).all()
    p = result[["p_cat", "p_dog", "p_eel"]].to_numpy()
    np.testing.assert_allclose(p, result.posteriors.to_numpy())
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(result["confidence"], p.max(axis=1))
    # .labels is exactly majority_vote's shape, as a plain DataFrame
    assert type(result.labels) is pd.DataFrame
    pd.testing.assert_frame_equal(result.labels, pd.DataFrame(result[["value", "confidence", "n"]]))
    # usable wherever a DataFrame is: frames derived from it are plain DataFrames
    for derived in (
        result.head(),
        result[result["confidence"] > 0.5],
        result.copy(),
        result[["value"]],
        result.reset_index(),
        pd.concat([result, result]),
    ):
        assert type(derived) is pd.DataFrame
    assert type(result["value"]) is pd.Series
    assert result.loc[0, "value"] == result["value"].iloc[0]
    # the model stays available on the result itself, also after pickling
    import pickle

    again = pickle.loads(pickle.dumps(result))
    assert isinstance(again, consensus.DawidSkeneResult)
    pd.testing.assert_frame_equal(pd.DataFrame(again), pd.DataFrame(result))
    pd.testing.assert_series_equal(again.accuracy, result.accuracy)
    assert again.converged == result.converged
    with pytest.raises(AttributeError, match="no fitted model"):
        consensus.DawidSkeneResult(vote).accuracy  # noqa: B018


def test_dawid_skene_posterior_columns_and_classes():
    # Classes whose names would clash as p_<class> are told apart by their repr.
    df = pd.DataFrame(
        {
            "item": [1, 1, 2, 2],
            "annotator": ["ana", "ben"] * 2,
            "value": pd.Series([1, "1", 1, 1], dtype=object),
        }
    )
    result = consensus.dawid_skene(df)
    assert list(result.columns[3:]) == ["p_1", "p_'1'"]
    assert list(result.posteriors.columns) == [1, "1"]
    # Classes no one answered (an unused category, or label of a project's task) are left out;
    # the label order is kept.
    values = pd.Categorical(["high", "low", "high", "high"], categories=["low", "mid", "high"])
    result = consensus.dawid_skene(df.assign(value=values))
    assert list(result.columns[3:]) == ["p_low", "p_high"]
    assert list(result.priors.index) == ["low", "high"]
    hinted = df.assign(value=["high", "low", "high", "high"])
    hinted.attrs["labels"] = ["low", "mid", "high"]
    assert list(consensus.dawid_skene(hinted).posteriors.columns) == ["low", "high"]


def test_dawid_skene_unanimous_answers():
    wide = pd.DataFrame({"ana": list("abab"), "ben": list("abab"), "cy": list("abab")})
    result = consensus.dawid_skene(wide)
    assert result.labels["value"].tolist() == list("abab")
    assert (result.labels["confidence"] > 0.99).all()


def test_dawid_skene_warns_when_it_stops_early_and_checks_arguments():
    _, wide = crowd(5, 100, [0.7, 0.6, 0.5])
    with pytest.warns(ConvergenceWarning, match="did not converge in 1 iterations"):
        result = consensus.dawid_skene(wide, max_iter=1)
    assert result.n_iter == 1 and not result.converged
    with pytest.raises(ValueError, match="max_iter must be a positive"):
        consensus.dawid_skene(wide, max_iter=0)
    with pytest.raises(ValueError, match="tol must be a positive"):
        consensus.dawid_skene(wide, tol=-1)
    with pytest.raises(TypeError, match="valid ones are"):
        consensus.dawid_skene(wide, iterations=5)


# -- gold answers -------------------------------------------------------------------------------
def test_annotator_accuracy_against_gold():
    truth, wide = crowd(6, 200, [0.9, 0.5])
    wide["lazy"] = np.nan
    wide.loc[:9, "lazy"] = truth[:10]
    gold = pd.Series(truth[:100], index=range(100))
    table = consensus.annotator_accuracy(wide, gold)
    expected = (wide.iloc[:100, :2].to_numpy() == truth[:100, None]).mean(axis=0)
    np.testing.assert_allclose(table["accuracy"].iloc[:2], expected)
    assert table["n"].tolist() == [100, 100, 10]
    assert table.loc["lazy", "accuracy"] == 1.0
    as_dict = consensus.annotator_accuracy(wide, gold.to_dict())
    pd.testing.assert_frame_equal(table, as_dict)


def test_annotator_accuracy_on_multilabel_and_missing_gold():
    df = pd.DataFrame(
        {
            "item": [1, 1, 2, 2, 3],
            "annotator": ["ana", "ben", "ana", "ben", "cy"],
            "value": [["a", "b"], ["a"], [], ["c"], ["a"]],
        }
    )
    table = consensus.annotator_accuracy(df, {1: ["b", "a"], 2: [], 3: None})
    assert table["correct"].tolist() == [2, 0, 0]
    assert table["n"].tolist() == [2, 2, 0]
    assert np.isnan(table.loc["cy", "accuracy"])


def test_annotator_accuracy_errors():
    df = pd.DataFrame({"item": [1, 1], "annotator": ["ana", "ben"], "value": ["a", "b"]})
    with pytest.raises(ValueError, match="none of the answered items has a gold answer"):
        consensus.annotator_accuracy(df, {"1": "a"})
    with pytest.raises(TypeError, match="gold= must be a pandas Series or a dict"):
        consensus.annotator_accuracy(df, ["a"])
    with pytest.raises(ValueError, match="several answers for one item"):
        consensus.annotator_accuracy(df, pd.Series(["a", "b"], index=[1, 1]))


def test_callers_frame_is_not_modified():
    _, wide = crowd(7, 60, [0.8, 0.7, 0.6])
    frame = tidy(wide).assign(note="kept")
    before = frame.copy(deep=True)
    consensus.majority_vote(frame, ties="random", seed=1)
    consensus.dawid_skene(frame)
    consensus.annotator_accuracy(frame, {0: 1, 1: 2})
    pd.testing.assert_frame_equal(frame, before)
