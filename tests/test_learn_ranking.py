"""Preferences in the loop: Bradley–Terry uncertainty picks the next match-up (active ranking)."""

import numpy as np
import pandas as pd
import pytest

import nblabel as nl
from nblabel.learn import PairLearner, simulate_ranking
from nblabel.learn.ranking import comparisons_of, fit_strengths, pair_scores, plan

STRENGTH = {"m1": 2.0, "m2": 1.0, "m3": 0.0, "m4": -1.0, "m5": -2.0}


@pytest.fixture
def matchups():
    rng = np.random.default_rng(0)
    rows = []
    for k in range(80):
        left, right = rng.choice(list(STRENGTH), 2, replace=False)
        rows.append({"prompt": f"question {k}", "left": f"answer by {left}", "right": f"answer by {right}",
                     "left_model": left, "right_model": right})
    return pd.DataFrame(rows)


def verdict(row):
    better = STRENGTH[row["left_model"]] > STRENGTH[row["right_model"]]
    return [["left"], ["right"]] if better else [["right"], ["left"]]


def test_pair_scores_prefer_uncertain_and_even_match_ups():
    comparisons = np.array([[0, 1, 0]] * 20 + [[1, 0, 0]] * 18 + [[0, 2, 0]] * 2)
    fitted = fit_strengths(comparisons, 4, prior=1.0)
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    uncertainty = pair_scores(fitted, a, b, "uncertainty")
    assert uncertainty[0] < uncertainty[1] < uncertainty[2], "never-compared pairs are least certain"
    information = pair_scores(fitted, a, b, "information")
    assert information.argmax() == 2 and pair_scores(fitted, a, b, "random").tolist() == [0, 0, 0]
    assert comparisons_of([[0], [1, 2]]) == [(0, 1, False), (0, 2, False), (1, 2, True)]


def test_a_planned_batch_spreads_over_pairs():
    fitted = fit_strengths(np.array([[0, 1, 0], [2, 3, 0]]), 4, prior=1.0)
    pairs = np.array([[0, 2], [0, 2], [0, 2], [1, 3], [1, 3], [0, 1]])
    order, scores = plan(fitted, pairs[:, :1], pairs[:, 1:], "information", 2, np.random.default_rng(0))
    assert scores[0] == scores[1] == scores[2], "copies of a match-up score alike"
    first_two = {tuple(pairs[i]) for i in order[:2]}
    assert len(first_two) == 2, "the second pick is not a copy of the first"


def test_the_pair_learner_fits_strengths_and_orders_match_ups(matchups):
    task = nl.Rank(["left", "right"], prompt="prompt")
    proj = nl.Project(matchups, task, store=":memory:")
    learner = proj.learn(players={"left": "left_model", "right": "right_model"}, retrain_every=1000,
                         seed=0, cv=3)
    assert isinstance(learner, PairLearner) and learner.state.status == "cold"
    assert "no preference yet" in learner.state.message
    for item in range(40):
        proj.add(item, verdict(matchups.iloc[item]), annotator="ana")
    learner.request()
    assert learner.wait(30)
    state = learner.state
    assert state.status == "ready" and state.n_labels == 40, state.message
    ranked = state.strengths.index.tolist()
    assert set(ranked[:2]) == {"m1", "m2"} and ranked[-1] == "m5", ranked
    assert state.accuracy >= 0.9 and state.folds == 3
    frame = state.predictions()
    assert list(frame.columns) == ["label", "p_first", "uncertainty", "score"]
    assert frame["score"].iloc[:40].isna().all() and frame["score"].iloc[40:].notna().all()
    first = frame.loc[frame.index[40:], "p_first"]
    expected = [STRENGTH[left] > STRENGTH[right] for left, right in zip(matchups["left_model"][40:], matchups["right_model"][40:], strict=True)]
    assert ((first > 0.5) == expected).mean() >= 0.9
    assert state.offer(50) is None, "no verdict is pre-selected"
    assert list(learner.history.columns) == ["version", "n_labels", "accuracy", "folds", "note", "fit_seconds", "trained_at"]
    assert len(learner.next_items()) == 40
    with pytest.raises(TypeError, match="needs players="):
        proj.learn()
    with pytest.raises(ValueError, match="players= maps each option"):
        proj.learn(players={"left": "left_model"})
    with pytest.raises(ValueError, match="no estimator"):
        proj.learn(object(), players={"left": "left_model", "right": "right_model"})
    proj.close()


def test_simulate_ranking_compares_strategies_against_known_strengths():
    curves = simulate_ranking(STRENGTH, per_pair=4, budget=30, initial=10, batch_size=10, repeats=2,
                              strategies=["random", "information"], progress=False)
    assert curves.groupby("strategy")["n_labels"].apply(list).tolist() == [[10, 20, 30] * 2] * 2
    assert curves["kendall_tau"].between(-1, 1).all() and (curves["rmse"] >= 0).all()
    start = curves[curves["n_labels"] == 10].groupby("repeat")["kendall_tau"].nunique()
    assert (start == 1).all(), "every strategy of a repeat starts from the same answers"
    with pytest.raises(ValueError, match="budget"):
        simulate_ranking(STRENGTH, per_pair=1, budget=30, progress=False)
    with pytest.raises(ValueError, match="strategy"):
        simulate_ranking(STRENGTH, strategies=["margin"], progress=False)
