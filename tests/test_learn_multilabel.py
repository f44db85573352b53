"""Multi-label classification in the loop: strategies, fitting, the learner, the project, simulate."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

import nblabel as nl
from nblabel.learn import (
    LabelCardinality,
    MaxUncertainty,
    MeanUncertainty,
    MultiLabelLearner,
    curve_area,
    get_multilabel_strategy,
    simulate,
)
from nblabel.learn.features import resolve_features
from nblabel.learn.multilabel.fit import fit, indicator, is_native, scores, wrap

LABELS = ["l0", "l1", "l2", "l3"]


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(n_samples=240, n_features=12, n_classes=4, n_labels=2,
                                          random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # scaled: the solvers converge fast
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(12)])
    df["text"] = [f"item {i}" for i in range(len(df))]
    df["gold"] = [[LABELS[k] for k in np.flatnonzero(row)] for row in Y]
    return df


FEATURES = [f"f{i}" for i in range(12)]


def test_strategies_score_per_label_probabilities():
    proba = np.array([[0.5, 0.5, 0.5], [0.9, 0.1, 0.95], [0.99, 0.5, 0.01]])
    assert MeanUncertainty().score(proba).round(3).tolist() == [1.0, 0.167, 0.347]
    assert MaxUncertainty().score(proba).round(3).tolist() == [1.0, 0.2, 1.0]
    bound = LabelCardinality().bound(np.array([[1, 0, 0], [1, 1, 0]]))
    assert bound.expected == 1.5
    assert bound.score(proba).round(2).tolist() == [0.0, 0.45, 0.0]
    assert get_multilabel_strategy(lambda p: p[:, 0]).score(proba).tolist() == [0.5, 0.9, 0.99]
    assert get_multilabel_strategy("cardinality").name == "cardinality"
    with pytest.raises(ValueError, match="not a multi-label strategy"):
        get_multilabel_strategy("margin")
    with pytest.raises(ValueError, match="committee"):
        get_multilabel_strategy(nl.learn.Committee())
    with pytest.raises(TypeError, match="strategy must be"):
        get_multilabel_strategy(3)


def test_any_classifier_fits_label_sets_natively_or_one_vs_rest(data):
    assert not is_native(LogisticRegression()) and is_native(RandomForestClassifier())
    assert is_native(OneVsRestClassifier(LogisticRegression()))
    features = resolve_features(data, FEATURES)
    sets = [tuple(v) for v in data["gold"]]
    matrix = indicator(sets, LABELS)
    rows = np.arange(120)
    for estimator in (LogisticRegression(max_iter=500), RandomForestClassifier(n_estimators=30, random_state=0)):
        model = fit(wrap(estimator, features), features, rows, matrix[rows])
        proba = model.predict_proba(features, np.arange(120, 240))
        assert proba.shape == (120, 4) and ((proba >= 0) & (proba <= 1)).all()
        accuracy, f1 = scores(matrix[120:], proba)
        assert f1 > 0.6, (type(estimator).__name__, f1)
    # A label every labeled item has (or none has) is not fitted: its share, smoothed.
    only = np.zeros((6, 4), dtype=int)
    only[:, 0] = 1
    only[:3, 1] = 1
    model = fit(wrap(LogisticRegression(), features), features, np.arange(6), only)
    proba = model.predict_proba(features, np.arange(6, 9))
    assert np.allclose(proba[:, 0], 6.5 / 7) and np.allclose(proba[:, 2:], 0.5 / 7)
    # One varying label only: a single binary model.
    assert proba[:, 1].std() >= 0 and model.varying.tolist() == [False, True, False, False]


def test_the_learner_suggests_label_sets_and_ranks_the_pool(data):
    learner = MultiLabelLearner(LogisticRegression(max_iter=500), data, FEATURES, labels=LABELS,
                                seed=0, retrain_every=1000, cv=3)
    assert learner.state.status == "cold" and "some label is chosen" in learner.state.message
    learner.set_label(0, [])
    learner.set_label(1, [])
    assert learner.state.status == "cold", "no label varies yet: nothing to learn"
    learner.set_labels(data["gold"].iloc[:80])
    assert learner.wait(60)
    state = learner.state
    assert state.status == "ready" and state.n_labels == 80, state.message
    assert "subset accuracy" in state.message and state.folds == 3
    frame = state.predictions()
    assert list(frame.columns[:7]) == ["label", "suggestion", "confidence", "uncertainty", "score",
                                       "heldout", "heldout_confidence"]
    assert [f"p:{label}" for label in LABELS] == list(frame.columns[7:])
    assert frame["label"].iloc[0] == sorted(data["gold"].iloc[0])
    assert frame["score"].iloc[:80].isna().all() and frame["score"].iloc[80:].notna().all()
    assert frame["heldout"].iloc[:80].notna().all()
    task = nl.Classify(LABELS, text="text", multi=True)
    offer = state.offer(100)
    assert offer["source"] == "model" and task.validate(offer["value"]) == offer["value"]
    assert offer["value"] == frame["suggestion"].iloc[100]
    assert 0 < offer["confidence"] <= 1
    value, confidence = state.suggestion(100)
    assert value == offer["value"] and confidence == offer["confidence"]
    # The pool comes in the strategy's order: the most uncertain first.
    first = learner.next_items(10)
    assert frame.loc[first, "score"].min() >= frame["score"].iloc[80:].quantile(0.9) - 1e-12
    history = learner.history
    assert history["n_labels"].tolist() == [80] and history["f1"].iloc[0] > 0.5
    with pytest.raises(ValueError, match=r"\['nope'\] are not labels"):
        learner.set_label(3, ["nope"])
    with pytest.raises(TypeError, match="list of labels"):
        learner.set_label(3, "l0")
    learner.close()


def test_project_learn_on_a_multi_label_task_offers_sets_that_enter_accepts(data):
    task = nl.Classify(LABELS, text="text", multi=True)
    proj = nl.Project(data.drop(columns="gold"), task, store=":memory:")
    learner = proj.learn(LogisticRegression(max_iter=500), FEATURES, retrain_every=1000,
                         strategy="max_uncertainty", seed=0, cv=0)
    assert isinstance(learner, MultiLabelLearner) and proj.learner is learner
    for item in range(40):
        proj.add(item, data.at[item, "gold"], annotator="ana")
    learner.request()
    assert learner.wait(60) and learner.state.status == "ready", learner.state.message
    widget = proj.label("ana")
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    widget._on_message(widget, {"kind": "hello", "to": "v"}, [])
    upcoming = sent[-1]["upcoming"]
    offered = [item for item in upcoming if "suggestion" in item]
    assert offered and all(item["suggestion"]["source"] == "model" for item in offered)
    item = offered[0]
    value = item["suggestion"]["value"]
    assert isinstance(value, list) and task.validate(value) == value
    widget._on_message(widget, {"kind": "answer", "req": "a", "pos": item["pos"], "event": "label",
                                "value": value, "meta": {"suggestion": value, "accepted": True}}, [])
    assert sent[-1]["kind"] == "ack", sent[-1]
    assert proj.annotations.iloc[-1]["meta"] == {"suggestion": value, "accepted": True}
    proj.close()


def test_simulate_compares_multi_label_strategies(data):
    task = nl.Classify(LABELS, text="text", multi=True)
    curves = simulate(data, task, LogisticRegression(max_iter=500), FEATURES, oracle="gold",
                      strategies=["random", "mean_uncertainty", "cardinality"], budget=50,
                      initial=10, batch_size=20, repeats=2, progress=False)
    assert sorted(curves["strategy"].unique()) == ["cardinality", "mean_uncertainty", "random"]
    assert curves.groupby(["strategy", "repeat"])["n_labels"].apply(list).map(tuple).unique().tolist() == [(10, 30, 50)]
    assert curves["f1"].between(0, 1).all() and curves["accuracy"].between(0, 1).all()
    # The same initial items start every strategy of a repeat.
    first = curves[curves["n_labels"] == 10].groupby("repeat")["f1"].nunique()
    assert (first == 1).all()
    assert len(curve_area(curves, "f1")) == 6
