"""Scoring the pool after a retrain, chunk by chunk: same scores and order, bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from nblabel import learn
from nblabel.learn import scoring
from nblabel.learn.features import resolve_features
from nblabel.learn.fit import fit, rank_scored
from nblabel.learn.strategies import get_strategy, rank_pool

CLASSES = ("a", "b", "c")


@pytest.fixture(scope="module")
def pool() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3_000
    centres = rng.normal(size=(3, 4)) * 2
    truth = rng.integers(0, 3, n)
    x = centres[truth] + rng.normal(size=(n, 4))
    frame = pd.DataFrame(x, columns=["x0", "x1", "x2", "x3"])
    frame["truth"] = np.asarray(CLASSES)[truth]
    frame.index = pd.Index([f"r{i}" for i in range(n)], name="row")
    return frame


def trained(frame: pd.DataFrame, strategy, **options) -> learn.LearnerState:
    learner = learn.ActiveLearner(
        LogisticRegression(max_iter=300), frame, ["x0", "x1", "x2", "x3"], classes=CLASSES,
        strategy=strategy, seed=3, cv=0, retrain_every=1_000, **options,
    )
    learner.set_labels(frame["truth"].iloc[:: 37])  # one change: exactly one retrain
    assert learner.wait(120)
    state = learner.state
    learner.close()
    assert state.status == "ready", state.message
    return state


STRATEGIES = {
    "margin": "margin",
    "entropy": "entropy",
    "least_confident": "least_confident",
    "random": "random",
    "committee": learn.Committee(members=3),
    "committee_kl": learn.Committee(members=3, measure="kl"),
    "diverse": learn.Diverse("margin"),
    "function": lambda proba: proba[:, 0] - proba[:, 0].mean(),  # looks at the whole pool
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_chunked_scores_and_order_equal_the_unchunked_ones(pool, monkeypatch, name):
    options = {"batch_size": 4} if name == "diverse" else {}
    whole = trained(pool, STRATEGIES[name], **options)  # the pool fits in one chunk
    monkeypatch.setattr(scoring, "CHUNK", 101)
    chunked = trained(pool, STRATEGIES[name], **options)
    np.testing.assert_array_equal(chunked.proba, whole.proba)
    np.testing.assert_array_equal(chunked.scores, whole.scores)
    np.testing.assert_array_equal(chunked.order, whole.order)
    labeled = np.zeros(len(pool), dtype=bool)
    labeled[:: 37] = True
    assert np.isnan(whole.scores[labeled]).all() and not np.isnan(whole.scores[~labeled]).any()
    assert sorted(whole.order.tolist()) == np.flatnonzero(~labeled).tolist()


def test_chunked_scoring_ranks_as_rank_pool_does_on_the_whole_pool(pool):
    features = resolve_features(pool, ["x0", "x1", "x2", "x3"])
    labeled = np.zeros(len(pool), dtype=bool)
    labeled[:: 37] = True
    positions = np.flatnonzero(labeled)
    model = fit(features.wrap(LogisticRegression(max_iter=300)), features, positions,
                pool["truth"].to_numpy()[positions])
    strategy = get_strategy("entropy")
    proba, scores = scoring.score_rows(model, None, features, CLASSES, labeled, strategy)
    free = np.flatnonzero(~labeled)
    expected = model.predict_proba(features.rows(np.arange(len(pool))))
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-12)
    order = rank_scored(strategy, scores[free], free, 1, np.random.default_rng(5), model,
                        features, positions)
    reference = rank_pool(proba[free], "entropy", pool=free, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(order, reference)


def test_progress_follows_the_rows_chunk_by_chunk(pool, monkeypatch):
    monkeypatch.setattr(scoring, "CHUNK", 1_000)
    calls = []
    trained(pool, "margin", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1_000, 3_000), (2_000, 3_000), (3_000, 3_000)]


def test_progress_must_be_a_flag_or_a_function(pool):
    with pytest.raises(TypeError, match="progress must be True, False or a function"):
        learn.ActiveLearner(LogisticRegression(), pool, ["x0"], progress="yes")


def test_a_strategy_of_your_own_sees_the_whole_pool_unless_it_is_rowwise(pool, monkeypatch):
    monkeypatch.setattr(scoring, "CHUNK", 500)
    sizes = []

    class Seen(learn.Strategy):
        name = "seen"

        def score(self, proba):
            sizes.append(len(proba))
            return proba[:, 1]

    trained(pool, Seen())
    assert sizes == [len(pool) - len(pool[:: 37])]
    sizes.clear()
    rowwise = Seen()
    rowwise.rowwise = True
    state = trained(pool, rowwise)
    assert max(sizes) <= 500
    assert (~np.isnan(state.scores)).sum() == len(pool) - len(pool[:: 37])


def test_scoring_memory_beyond_the_per_row_arrays_does_not_grow_with_the_pool(monkeypatch):
    monkeypatch.setattr(scoring, "CHUNK", 2_000)
    rng = np.random.default_rng(1)
    peaks = {}
    for n in (40_000, 160_000):
        frame = pd.DataFrame(rng.normal(size=(n, 4)), columns=["x0", "x1", "x2", "x3"])
        features = resolve_features(frame, ["x0", "x1", "x2", "x3"])
        labeled = np.zeros(n, dtype=bool)
        labeled[:300] = True
        y = np.asarray(CLASSES)[np.arange(300) % 3]
        model = fit(features.wrap(LogisticRegression()), features, np.arange(300), y)
        strategy = get_strategy("margin")
        tracemalloc.start()
        proba, scores = scoring.score_rows(model, None, features, CLASSES, labeled, strategy)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        per_row = proba.nbytes + scores.nbytes + 8 * n  # and the positions of the pool
        peaks[n] = peak - per_row
    assert peaks[160_000] < peaks[40_000] + 256 * 1024, peaks


def test_a_project_passes_progress_to_its_classifier_and_refuses_it_elsewhere(tmp_path):
    import nblabel as nl

    df = pd.DataFrame({"text": [f"{w} item {i}" for i, w in enumerate(["good", "bad"] * 20)]})
    proj = nl.Project(df, nl.Classify(["pos", "neg"], text="text"), store=tmp_path / "a.db")
    calls = []
    learner = proj.learn(LogisticRegression(), progress=lambda done, total: calls.append(total),
                         cv=0, retrain_every=1)
    learner.set_labels(pd.Series(["pos", "neg"] * 3, index=df.index[:6]))
    assert learner.wait(60) and learner.state.status == "ready"
    assert calls and set(calls) == {len(df)}
    with pytest.raises(TypeError, match="progress"):
        learn.ActiveLearner(LogisticRegression(), df, "text", progress=None)
    pairs = pd.DataFrame({"left": ["a", "b"] * 5, "right": ["c", "d"] * 5,
                          "left_model": ["m1", "m2"] * 5, "right_model": ["m2", "m1"] * 5})
    ranked = nl.Project(pairs, nl.Rank(["left", "right"]), store=tmp_path / "r.db")
    with pytest.raises(TypeError, match="progress"):
        ranked.learn(players={"left": "left_model", "right": "right_model"}, progress=True)
