"""The background learner: no lost answers, coalesced retrains, cold start and failures."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

import nblabel as nl
from nblabel.learn import ActiveLearner, LearnerState


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Small fits run far faster on one BLAS thread when the cores are busy (as in CI)."""
    with threadpool_limits(1):
        yield


#: Bounded waits: a broken learner fails the test instead of hanging it.
WAIT = 60

# Clones copy parameters, so the test's controls live here, looked up by name.
GATES: dict[str, threading.Event] = {}
FITS: dict[str, list[int]] = defaultdict(list)
FAILING: set[str] = set()


class Probe(ClassifierMixin, BaseEstimator):
    """Predicts the class frequencies it was fitted on; can block in fit and can fail."""

    def __init__(self, name: str = "probe"):
        self.name = name

    def fit(self, X, y):
        FITS[self.name].append(len(y))
        gate = GATES.get(self.name)
        if gate is not None:
            assert gate.wait(WAIT), "the test never opened the gate"
        if self.name in FAILING:
            raise ValueError("boom: the model cannot be fitted")
        self.classes_, counts = np.unique(np.asarray(y, dtype=object), return_counts=True)
        self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, X):
        return np.tile(self.prior_, (X.shape[0], 1))


@pytest.fixture
def probe(request):
    name = request.node.name
    FITS.pop(name, None)
    yield name
    GATES.pop(name, None)
    FAILING.discard(name)


@pytest.fixture
def items() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300)},
                        index=pd.Index([f"i{n}" for n in range(300)], name="item"))


def label_of(n: int) -> str:
    return ("a", "b", "c")[n % 3]


def first(items: pd.DataFrame, n: int, start: int = 0) -> pd.Series:
    """Labels for items start … n - 1, as proj.labels() would give them."""
    labels = pd.Series(np.nan, index=items.index, dtype=object)
    labels.iloc[start:n] = [label_of(k) for k in range(start, n)]
    return labels


def wait_for(predicate, what: str) -> None:
    done = threading.Event()
    for _ in range(WAIT * 100):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_labels_given_during_a_fit_are_not_lost(items, probe):
    GATES[probe] = gate = threading.Event()
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], classes=["a", "b", "c"],
                            retrain_every=1000, cv=0, seed=0)
    learner.set_labels(first(items, 30))  # ends the cold start: a retrain is requested
    wait_for(lambda: FITS[probe] == [30], "the first fit to start")
    # The worker is blocked inside fit; the kernel's thread keeps recording answers.
    for n in range(30, 130):
        learner.set_label(items.index[n], label_of(n))
    learner.set_label(items.index[0], "b")      # a changed answer
    learner.set_label(items.index[1], None)     # a retracted one
    assert FITS[probe] == [30] and learner.training, "recording never waited for the fit"
    assert learner.state.version == 0
    gate.set()
    assert learner.wait(WAIT)
    state = learner.state
    assert FITS[probe] == [30, 129], "one more fit ran, with every answer given meanwhile"
    assert state.status == "ready" and state.version == 2 and state.n_labels == 129
    expected = np.full(300, None, dtype=object)
    expected[2:130] = [label_of(n) for n in range(2, 130)]
    expected[0] = "b"
    assert state.labels.tolist() == expected.tolist()
    assert learner.n_labels == 129
    assert not learner.training


def test_requests_made_during_a_fit_coalesce_into_one_more(items, probe):
    GATES[probe] = gate = threading.Event()
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000, cv=0)
    learner.set_labels(first(items, 10))
    wait_for(lambda: len(FITS[probe]) == 1, "the first fit to start")
    for n in range(10, 20):
        learner.set_label(items.index[n], label_of(n))
        learner.request()
    gate.set()
    assert learner.wait(WAIT)
    assert FITS[probe] == [10, 20]
    assert [v for v in learner.history["n_labels"]] == [10, 20]
    learner.request()
    assert learner.wait(WAIT)
    assert FITS[probe] == [10, 20, 20], "a request after the worker went idle runs again"


def test_retrain_every_counts_label_changes(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=5, cv=0)
    learner.set_label(items.index[0], label_of(0))
    learner.set_label(items.index[1], label_of(1))  # two classes: the cold start ends
    assert learner.wait(WAIT) and FITS[probe] == [2]
    for n in range(2, 6):
        learner.set_label(items.index[n], label_of(n))
    learner.set_label(items.index[0], label_of(0))  # not a change
    assert learner.wait(WAIT) and FITS[probe] == [2], "four changes, no retrain yet"
    learner.set_label(items.index[0], "b")  # the fifth change
    assert learner.wait(WAIT) and FITS[probe] == [2, 6]


def test_a_failed_fit_keeps_the_previous_model_and_the_next_request_retries(items, probe):
    seen: list[LearnerState] = []
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000, cv=0, seed=0)
    learner.add_listener(seen.append)
    learner.set_labels(first(items, 9))
    assert learner.wait(WAIT)
    good = learner.state
    assert good.status == "ready" and good.version == 1
    FAILING.add(probe)
    learner.set_labels(first(items, 20))
    learner.request()
    assert learner.wait(WAIT)
    failed = learner.state
    assert failed.status == "failed"
    assert failed.error == "ValueError: boom: the model cannot be fitted"
    assert "Retraining on 20 labels failed with ValueError: boom" in failed.message
    assert "Suggestions still come from model v1" in failed.message
    assert failed.version == 1 and failed.n_labels == 9
    assert failed.proba is good.proba and failed.order is good.order
    assert failed.suggestion(items.index[50]) == good.suggestion(items.index[50])
    assert len(learner.history) == 1, "the learning curve only has successful retrains"
    FAILING.discard(probe)
    learner.request()
    assert learner.wait(WAIT)
    assert learner.state.status == "ready" and learner.state.version == 2
    assert learner.state.error is None
    assert [s.status for s in seen] == ["ready", "failed", "ready"]


def test_a_failure_before_any_model_keeps_the_random_order(items, probe):
    FAILING.add(probe)
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000, cv=0, seed=3)
    cold_order = learner.state.order
    learner.set_labels(first(items, 6))
    assert learner.wait(WAIT) and FITS[probe] == [6]
    state = learner.state
    assert state.status == "failed" and not state.has_model
    assert "Items stay in random order" in state.message
    assert state.suggestion(items.index[10]) is None
    assert state.order.tolist() == [p for p in cold_order if p >= 6]


def test_cold_start_is_random_says_why_and_ends_with_the_last_missing_class(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], classes=["a", "b", "c"],
                            retrain_every=1000, cv=0, seed=0)
    state = learner.state
    assert state.status == "cold" and state.proba is None and state.version == 0
    assert "no labels yet" in state.message and "every label has an example" in state.message
    assert sorted(state.order.tolist()) == list(range(300))
    assert state.order.tolist() != list(range(300))
    learner.set_label(items.index[0], "a")
    learner.set_label(items.index[1], "b")
    learner.request()
    assert learner.wait(WAIT)
    state = learner.state
    assert state.status == "cold" and FITS[probe] == []
    assert "2 labels so far, no example yet of 'c'" in state.message
    assert state.order.tolist() == [p for p in learner._cold_order if p not in (0, 1)]
    assert learner.next_items(3).tolist() == items.index[state.order[:3]].tolist()
    learner.set_label(items.index[2], "c")  # lifts the cold start: a retrain is requested
    assert learner.wait(WAIT)
    assert learner.state.status == "ready" and FITS[probe] == [3]


def test_classes_the_model_never_saw_get_probability_zero(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], classes=["a", "b", "c", "d"],
                            min_classes=2, retrain_every=1000, cv=0)
    learner.set_labels(first(items, 6))
    assert learner.wait(WAIT)
    state = learner.state
    assert state.classes == ("a", "b", "c", "d")
    assert np.allclose(state.proba[:, 3], 0.0) and np.allclose(state.proba.sum(axis=1), 1.0)
    assert "No example yet of 'd'" in state.message


def test_snapshots_are_immutable(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000, cv=0)
    learner.set_labels(first(items, 6))
    assert learner.wait(WAIT)
    state = learner.state
    for array in (state.proba, state.scores, state.order, state.labels, state.heldout):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[1]
    with pytest.raises(AttributeError):
        state.status = "cold"


def test_a_broken_listener_is_logged_and_the_learner_goes_on(items, probe, caplog):
    def broken(state):
        raise RuntimeError("listener bug")

    calls = []
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000, cv=0)
    learner.add_listener(broken)
    learner.add_listener(calls.append)
    with caplog.at_level(logging.ERROR, logger="nblabel"):
        learner.set_labels(first(items, 6))
        assert learner.wait(WAIT)
    assert "listener raised" in caplog.text and "listener bug" in caplog.text
    assert len(calls) == 1 and learner.state.status == "ready"
    learner.remove_listener(broken)
    learner.request()
    assert learner.wait(WAIT) and len(calls) == 2
    with pytest.raises(ValueError, match="not a listener"):
        learner.remove_listener(broken)
    with pytest.raises(TypeError, match="callable"):
        learner.add_listener("print")


def test_closed_learners_take_no_requests(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1, cv=0)
    learner.close()
    learner.set_label(items.index[0], "a")  # recorded, no retrain
    assert learner.n_labels == 1 and FITS[probe] == []
    with pytest.raises(RuntimeError, match="closed"):
        learner.request()


def test_a_real_model_on_shipped_data_records_a_learning_curve():
    data = load_wine()
    frame = pd.DataFrame(data.data, columns=data.feature_names)
    target = np.array(["barolo", "grignolino", "barbera"], dtype=object)[data.target]
    estimator = make_pipeline(StandardScaler(), LogisticRegression())
    learner = ActiveLearner(estimator, frame, list(data.feature_names),
                            classes=["barolo", "grignolino", "barbera"], strategy="margin",
                            retrain_every=30, seed=0)
    labels = pd.Series(np.nan, index=frame.index, dtype=object)
    chosen = np.random.default_rng(0).permutation(len(frame))[:90]
    for stop in (30, 60, 90):  # thirty answers at a time, as proj.labels() would give them
        labels.iloc[chosen[:stop]] = target[chosen[:stop]]
        learner.set_labels(labels)
        assert learner.wait(WAIT)
    history = learner.history
    assert history["n_labels"].tolist() == [30, 60, 90]
    assert history["version"].tolist() == [1, 2, 3]
    assert (history["folds"] == 5).all() and history["note"].isna().all()
    assert history["accuracy"].between(0.6, 1.0).all() and history["f1"].between(0.5, 1.0).all()
    assert (history["fit_seconds"] > 0).all()
    assert str(history["trained_at"].dt.tz) == "UTC"
    assert not hasattr(estimator[-1], "coef_"), "the user's estimator is never fitted"
    state = learner.state
    labeled = state.labels != None  # noqa: E711 - elementwise
    assert np.isnan(state.scores[labeled]).all() and not np.isnan(state.scores[~labeled]).any()
    assert not np.isnan(state.heldout[labeled]).any() and np.isnan(state.heldout[~labeled]).all()
    top2 = np.sort(state.proba, axis=1)[:, -2:]
    assert np.allclose(state.scores[~labeled], 1 - (top2[:, 1] - top2[:, 0])[~labeled])
    assert sorted(state.order.tolist()) == np.flatnonzero(~labeled).tolist()
    assert (np.diff(state.scores[state.order]) <= 0).all(), "most uncertain first"
    predictions = state.predictions()
    assert list(predictions.columns) == [
        "label", "suggestion", "confidence", "uncertainty", "score", "heldout",
        "heldout_confidence",
    ]
    assert predictions["suggestion"].isin(["barolo", "grignolino", "barbera"]).all()
    assert np.allclose(predictions["confidence"], state.proba.max(axis=1))
    assert predictions.loc[labeled, "heldout"].notna().all()
    assert "cross-validated accuracy" in state.message


def test_cross_validation_needs_two_labels_per_class(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=1000)
    learner.set_labels({"i0": "a", "i1": "a", "i2": "a", "i3": "b"})
    assert learner.wait(WAIT)
    state = learner.state
    assert state.status == "ready" and np.isnan(state.accuracy) and state.folds == 0
    assert state.note == "cross-validation needs two labels of every class; 'b' has 1"
    assert "no cross-validated score: cross-validation needs two labels" in state.message
    assert FITS[probe] == [4], "no fold was fitted"


def test_committee_and_diverse_strategies_run_in_the_background():
    frame = nl.datasets.load_support_tickets()
    for strategy in (nl.learn.Committee(members=3), "diverse"):
        learner = ActiveLearner(LogisticRegression(max_iter=500), frame, "text",
                                strategy=strategy, batch_size=4, min_classes=2,
                                retrain_every=1000, cv=0, seed=0)
        learner.set_labels(frame["intent"].iloc[:60])
        assert learner.wait(WAIT)
        state = learner.state
        assert state.status == "ready", state.message
        assert len(state.order) == 140 and set(state.order).isdisjoint(range(60))


def test_a_committee_of_given_models_orders_the_pool_by_their_disagreement():
    """Query by committee over three different models, fitted for real on scikit-learn's wine
    data (178 rows, 13 features, 3 cultivars) from 5 labels per class."""
    data = load_wine()
    names = np.array(["barolo", "grignolino", "barbera"], dtype=object)
    target = names[data.target]
    frame = pd.DataFrame(data.data, columns=data.feature_names)
    members = [make_pipeline(StandardScaler(), LogisticRegression()), GaussianNB(),
               LinearDiscriminantAnalysis()]
    learner = ActiveLearner(make_pipeline(StandardScaler(), LogisticRegression()), frame,
                            data.data, classes=list(names),
                            strategy=nl.learn.Committee(estimators=members),
                            retrain_every=1000, cv=0, seed=0)
    labeled = np.concatenate([np.flatnonzero(data.target == k)[:5] for k in range(3)])
    learner.set_labels(pd.Series(target[labeled], index=frame.index[labeled]))
    assert learner.wait(WAIT)
    state = learner.state
    assert state.status == "ready", state.message
    pool = np.setdiff1d(np.arange(len(frame)), labeled)
    assert sorted(state.order.tolist()) == pool.tolist()
    assert (np.diff(state.scores[state.order]) <= 0).all(), "most disagreement first"
    votes = np.stack([clone(member).fit(data.data[labeled], target[labeled]).predict(data.data[pool])
                      for member in members])
    shares = np.stack([(votes == name).mean(axis=0) for name in names])
    assert np.allclose(state.scores[pool], entropy(shares, axis=0)), "vote entropy of the three"
    assert state.scores[state.order[0]] > 0 and (state.scores[pool] == 0).any()
    for member in members:
        with pytest.raises(NotFittedError):
            check_is_fitted(member)  # the committee fits clones


def test_constructor_and_label_checks(items):
    estimator = LogisticRegression()
    with pytest.raises(ValueError, match="retrain_every must be a positive int"):
        ActiveLearner(estimator, items, "x", retrain_every=0)
    with pytest.raises(ValueError, match="cv must be 0"):
        ActiveLearner(estimator, items, "x", cv=1)
    with pytest.raises(ValueError, match="min_classes must be an int of at least 2"):
        ActiveLearner(estimator, items, "x", min_classes=1)
    with pytest.raises(ValueError, match="more than the 2 classes"):
        ActiveLearner(estimator, items, "x", classes=["a", "b"], min_classes=3)
    with pytest.raises(ValueError, match="two or more distinct labels"):
        ActiveLearner(estimator, items, "x", classes=["a", "a"])
    with pytest.raises(ValueError, match="seed must be"):
        ActiveLearner(estimator, items, "x", seed=-1)
    with pytest.raises(TypeError, match="valid ones are"):
        ActiveLearner(estimator, items, "x", every=3)
    learner = ActiveLearner(estimator, items, "x", classes=["a", "b"], retrain_every=1000)
    with pytest.raises(ValueError, match="'z' is not one of the classes"):
        learner.set_label("i0", "z")
    with pytest.raises(ValueError, match="item 'nope' is not in the learner's DataFrame"):
        learner.set_label("nope", "a")
    with pytest.raises(TypeError, match="one label per item"):
        learner.set_label("i0", ["a", "b"])
    with pytest.raises(TypeError, match="pandas Series"):
        learner.set_labels([("i0", "a")])
    with pytest.raises(ValueError, match="n must be"):
        learner.next_items(-1)


def test_set_labels_replaces_the_label_set(items, probe):
    learner = ActiveLearner(Probe(probe), items, ["x", "y"], retrain_every=4, cv=0)
    labels = pd.Series(np.nan, index=items.index, dtype=object)
    labels.iloc[:3] = ["a", "b", "a"]
    learner.set_labels(labels)
    assert learner.n_labels == 3
    assert learner.wait(WAIT) and FITS[probe] == [3], "warming up: two classes suffice"
    learner.set_labels({"i5": "b", "i6": "a", "i7": "b"})  # 3 removed + 3 added = 6 changes
    assert learner.wait(WAIT) and FITS[probe] == [3, 3]
    assert learner.state.labels[:8].tolist() == [None] * 5 + ["b", "a", "b"]
