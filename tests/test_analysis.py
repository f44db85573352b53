"""Error analysis: label issues by confident learning, and disagreements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import nblabel as nl
from nblabel.analysis import confident_learning, disagreements, label_issues
from nblabel.learn import ActiveLearner


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Small fits run far faster on one BLAS thread when the cores are busy (as in CI)."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def noisy_digits():
    """scikit-learn's digits with 10 % of the labels replaced by another digit (seed 0)."""
    pixels, digits = load_digits(return_X_y=True)
    frame = pd.DataFrame(pixels / 16.0, columns=[f"p{i}" for i in range(64)])
    given = np.array([f"d{d}" for d in digits], dtype=object)
    rng = np.random.default_rng(0)
    flipped = rng.choice(len(frame), size=len(frame) // 10, replace=False)
    for pos in flipped:
        given[pos] = f"d{rng.choice([d for d in range(10) if d != digits[pos]])}"
    frame["given"] = given
    return frame, set(frame.index[flipped])


def test_confident_learning_on_a_small_example():
    given = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    proba = np.array([[.9, .1], [.8, .2], [.7, .3], [.1, .9],
                      [.2, .8], [.1, .9], [.3, .7], [.95, .05]])
    assert np.flatnonzero(confident_learning(given, proba)).tolist() == [3, 7]
    assert not confident_learning(given, np.tile([0.5, 0.5], (8, 1))).any()
    assert confident_learning(np.array([], dtype=int), np.zeros((0, 2))).tolist() == []
    with pytest.raises(ValueError, match="class numbers"):
        confident_learning(np.array([0, 2]), proba[:2])
    with pytest.raises(ValueError, match="same items"):
        confident_learning(given[:3], proba)


def test_label_issues_finds_injected_noise(noisy_digits):
    """Digits, 10 % of labels flipped at random (180 of 1,797), logistic regression, 5 folds:
    precision 0.94 and recall 0.87 (the test asks for at least 0.85 and 0.8)."""
    frame, flipped = noisy_digits
    issues = label_issues(frame, LogisticRegression(max_iter=1000),
                          features=list(frame.columns[:64]), label="given", seed=0)
    assert list(issues.columns) == ["item", "label", "suggested", "quality", "confidence",
                                    "is_issue"]
    assert len(issues) == len(frame)
    found = set(issues.loc[issues["is_issue"], "item"])
    precision = len(found & flipped) / len(found)
    recall = len(found & flipped) / len(flipped)
    assert precision >= 0.85 and recall >= 0.8, (precision, recall)
    first = issues["is_issue"].to_numpy()
    assert first[: first.sum()].all(), "issues come first"
    assert issues.loc[issues["is_issue"], "quality"].is_monotonic_increasing
    flagged = issues[issues["is_issue"]]
    assert (flagged["suggested"] != flagged["label"]).all()
    assert (issues["quality"] <= issues["confidence"] + 1e-12).all()


def test_label_issues_from_given_probabilities(noisy_digits):
    frame, flipped = noisy_digits
    classes = [f"d{d}" for d in range(10)]
    codes = frame["given"].map(classes.index).to_numpy()
    confident = np.full((len(frame), 10), 0.01)
    confident[np.arange(len(frame)), codes] = 0.91  # a model that believes every label
    issues = label_issues(frame, label="given", classes=classes, proba=confident)
    assert not issues["is_issue"].any()
    with pytest.raises(ValueError, match=r"shape \(1797, 10\)"):
        label_issues(frame, label="given", classes=classes, proba=confident[:, :9])


def test_label_issues_on_a_project_uses_its_text_and_latest_labels(tmp_path):
    tickets = nl.datasets.load_support_tickets()
    intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
    proj = nl.Project(tickets, nl.Classify(intents, text="text"), store=tmp_path / "p.db")
    for item in tickets.index[:150]:
        proj.add(item, tickets.at[item, "intent"], annotator="ana")
    proj.add("T0002", "praise", annotator="ben")  # latest answer for T0002
    issues = label_issues(proj, cv=3)
    assert len(issues) == 150 and set(issues["item"]) == set(tickets.index[:150])
    assert issues.set_index("item").at["T0002", "label"] == "praise"
    assert issues["label"].isin(intents).all() and issues["suggested"].isin(intents).all()
    proj.close()


def test_label_issues_checks_its_arguments(noisy_digits, tmp_path):
    frame, _ = noisy_digits
    with pytest.raises(ValueError, match="label= must name the column"):
        label_issues(frame, features=["p1"], label="gold")
    with pytest.raises(ValueError, match="features= must say what the model reads"):
        label_issues(frame, label="given")
    with pytest.raises(ValueError, match="at least two classes"):
        label_issues(frame.assign(given="d1"), features=["p1"], label="given")
    with pytest.raises(ValueError, match="cv must be"):
        label_issues(frame, features=["p1"], label="given", cv=1)
    few = frame.head(30).assign(given=["a"] * 29 + ["b"])
    with pytest.raises(ValueError, match="needs two labels of every class; 'b' has 1"):
        label_issues(few, features=["p1"], label="given")
    with pytest.raises(TypeError, match="Project or a pandas DataFrame"):
        label_issues([1, 2], features=["p1"])
    with pytest.raises(ValueError, match=r"labels \['d1', 'd3', 'd4', 'd5', 'd6'\] are not among the classes"):
        label_issues(frame, features=["p1"], label="given", classes=["d0", "d2"])
    multi = nl.Project(pd.DataFrame({"text": ["a", "b"]}),
                       nl.Classify(["x", "y"], text="text", multi=True), store=tmp_path / "m.db")
    with pytest.raises(ValueError, match="needs at least four labeled items"):
        label_issues(multi)  # label sets are analysed too, once there are enough of them
    multi.close()


# -- disagreements -----------------------------------------------------------------------------
def test_disagreements_list_who_said_what():
    answers = pd.DataFrame({
        "item": [1, 1, 1, 2, 2, 3, 3, 3, 4],
        "annotator": ["ana", "ben", "cy", "ana", "ben", "ana", "ben", "cy", "ana"],
        "value": ["pos", "neg", "pos", "pos", "pos", "neg", "pos", "neu", "neg"],
    })
    table = disagreements(answers)
    assert table["item"].tolist() == [3, 1], "the most disputed first; agreed items are left out"
    three = table.iloc[0]
    assert three["answers"] == {"ana": "neg", "ben": "pos", "cy": "neu"}
    assert three["majority"] is None and three["agreement"] == pytest.approx(1 / 3)
    assert three["n_answers"] == 3 and three["n_values"] == 3
    one = table.iloc[1]
    assert one["majority"] == "pos" and one["agreement"] == pytest.approx(2 / 3)


def test_disagreements_read_the_current_answers_of_a_project(tmp_path):
    frame = pd.DataFrame({"text": ["a", "b", "c"]}, index=["x", "y", "z"])
    proj = nl.Project(frame, nl.Classify(["pos", "neg"], text="text"), store=tmp_path / "d.db")
    proj.add("x", "pos", annotator="ana")
    proj.add("x", "neg", annotator="ben")
    proj.add("y", "pos", annotator="ana")
    proj.add("y", "neg", annotator="ben")
    proj.retract("y", annotator="ben")
    proj.add("z", "neg", annotator="ana")
    proj.add("z", "pos", annotator="ben")
    proj.add("z", "neg", annotator="ben")  # changed their mind
    table = disagreements(proj)
    assert table["item"].tolist() == ["x"]
    assert table.iloc[0]["answers"] == {"ana": "pos", "ben": "neg"}
    proj.close()


def test_disagreements_with_a_model():
    answers = pd.DataFrame({"item": ["a", "b", "b", "c"], "annotator": ["ana", "ana", "ben", "ana"],
                            "value": ["pos", "neg", "neg", "neg"]})
    model = pd.DataFrame({"suggestion": ["neg", "neg", "neg", "pos"],
                          "confidence": [0.9, 0.8, 0.6, 0.7]}, index=["a", "b", "c", "d"])
    table = disagreements(answers, model=model)
    assert table["item"].tolist() == ["a"]
    row = table.iloc[0]
    assert row["model"] == "neg" and row["model_confidence"] == 0.9 and row["model_agrees"] is False
    series = disagreements(answers, model=pd.Series(["pos", "pos"], index=["b", "c"]))
    assert series["item"].tolist() == ["b", "c"] and np.isnan(series["model_confidence"]).all()
    with pytest.raises(TypeError, match="model= must be"):
        disagreements(answers, model=[1, 2])


def test_disagreements_with_a_learner():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": np.r_[rng.normal(-2, 1, 50), rng.normal(2, 1, 50)]})
    truth = np.array(["low"] * 50 + ["high"] * 50, dtype=object)
    learner = ActiveLearner(LogisticRegression(), frame, "x", retrain_every=1000, cv=0)
    with pytest.raises(ValueError, match="no model yet"):
        disagreements(pd.DataFrame({"item": [0], "annotator": ["ana"], "value": ["low"]}),
                      model=learner)
    learner.set_labels(pd.Series(truth, index=frame.index))
    assert learner.wait(60)
    answers = pd.DataFrame({"item": [0, 1, 99], "annotator": "ana",
                            "value": ["low", "high", "high"]})
    table = disagreements(answers, model=learner)
    assert table["item"].tolist() == [1] and table.iloc[0]["model"] == "low"


def test_disagreements_on_multi_label_answers_and_wide_frames():
    multi = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
                          "value": [["a", "b"], ["b", "a"], ["a"], ["a", "b"]]})
    table = disagreements(multi)
    assert table["item"].tolist() == [2]
    assert table.iloc[0]["answers"] == {"ana": ["a"], "ben": ["a", "b"]}
    wide = pd.DataFrame({"ana": ["pos", "neg"], "ben": ["pos", "pos"]}, index=["u", "v"])
    assert disagreements(wide)["item"].tolist() == ["v"]
    agreed = pd.DataFrame({"item": [1, 1], "annotator": ["ana", "ben"], "value": ["a", "a"]})
    assert disagreements(agreed).empty
