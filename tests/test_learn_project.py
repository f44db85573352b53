"""A model in a project's loop: answers train it; it orders the queue and suggests labels."""

import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from test_widget_protocol import Browser

import nblabel as nl
from nblabel._model_loop import training_label

WORDS = {"pos": ["great", "lovely", "superb", "fine"], "neg": ["awful", "broken", "terrible", "bad"]}


GATE = threading.Event()


class Gated(LogisticRegression):
    """Fits only once the test opens the gate, so the test decides when a model arrives."""

    def fit(self, X, y, sample_weight=None):
        assert GATE.wait(60)
        return super().fit(X, y, sample_weight)


@pytest.fixture
def reviews():
    rng = np.random.default_rng(0)
    truth = rng.choice(["pos", "neg"], size=80)
    texts = [f"{rng.choice(WORDS[t])} {rng.choice(WORDS[t])} product number {i}" for i, t in enumerate(truth)]
    return pd.DataFrame({"text": texts, "truth": truth})


def project(df, tmp_path, **kwargs):
    return nl.Project(df, nl.Classify(["pos", "neg"], text="text"), store=tmp_path / "l.db", **kwargs)


def label_through(browser, upcoming, df, n):
    """Answer ``n`` items the way the browser would (first upcoming first); return the acks."""
    acks = []
    for i in range(n):
        pos = upcoming.pop(0)
        [ack] = [m for m in browser.answer(pos, df["truth"].iloc[pos], req=f"r{i}") if m["kind"] == "ack"]
        dropped = set(ack.get("drop", []))
        upcoming[:] = [p for p in upcoming if p not in dropped] + [item["pos"] for item in ack["append"]]
        acks.append(ack)
    return acks


def test_the_model_learns_from_answers_orders_the_queue_and_suggests(reviews, tmp_path):
    GATE.clear()
    proj = project(reviews, tmp_path)
    learner = proj.learn(Gated(), strategy="least_confident", retrain_every=5, seed=0, cv=2)
    assert proj.learner is learner
    widget = proj.label("ana", window=6)
    browser = Browser(widget)
    assert widget.model["status"] == "cold" and "Cold start" in widget.model["message"]
    snap = browser.hello()
    assert all("suggestion" not in item for item in snap["upcoming"]), "no model, no suggestion"
    upcoming = [item["pos"] for item in snap["upcoming"]]
    acks = label_through(browser, upcoming, reviews, 10)
    assert learner.training and all("drop" not in ack for ack in acks)
    GATE.set()
    assert learner.wait(60)
    state = learner.state
    assert state.status == "ready" and state.n_labels >= 5
    assert widget.model == {"status": "ready", "message": state.message, "version": state.version, "error": None}
    # The next answer re-ranks the window: all but the first two upcoming items are replaced
    # by the model's picks, each with the model's suggestion.
    kept = upcoming[:2]
    [ack] = label_through(browser, upcoming, reviews, 1)
    assert set(ack["drop"]).isdisjoint(kept[1:])
    picks = [item["pos"] for item in ack["append"]]
    answered = set(proj.annotations["item"])
    expected = [pos for pos in learner.state.order.tolist() if pos not in answered and pos not in kept][: len(picks)]
    assert picks == expected
    for item in ack["append"]:
        suggestion = item["suggestion"]
        assert suggestion["source"] == "model" and suggestion["value"] in ("pos", "neg")
        assert 0.5 <= suggestion["confidence"] <= 1
    # Accepting the model's suggestion is recorded as such.
    pos = upcoming[2]
    suggested = next(item["suggestion"]["value"] for item in ack["append"] if item["pos"] == pos)
    browser.answer(pos, suggested, req="accept", meta={"suggestion": suggested, "accepted": True})
    assert proj.annotations.iloc[-1]["meta"] == {"suggestion": suggested, "accepted": True}
    proj.close()
    assert not learner.training


def test_learning_curve_and_suggestions_follow_the_labels(reviews, tmp_path):
    proj = project(reviews, tmp_path)
    for item in reviews.index[:30]:
        proj.add(item, reviews.at[item, "truth"], annotator="ana")
    learner = proj.learn(LogisticRegression(), retrain_every=10, seed=0)
    assert learner.wait(60), "answers from earlier sessions train a model at once"
    assert learner.history["n_labels"].tolist() == [30]
    state = learner.state
    predictions = state.predictions()
    unlabeled = predictions[predictions["label"].isna()]
    assert (unlabeled["suggestion"] == reviews.loc[unlabeled.index, "truth"]).mean() > 0.9
    for item in reviews.index[30:40]:
        proj.add(item, reviews.at[item, "truth"], annotator="ana")
    assert learner.wait(60)
    assert learner.history["n_labels"].tolist() == [30, 40]
    proj.close()


def test_a_failing_fit_is_shown_and_labeling_goes_on(reviews, tmp_path):
    class Broken(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            raise RuntimeError("out of coffee")

        def predict_proba(self, X):
            raise AssertionError("never fitted")

    proj = project(reviews, tmp_path)
    proj.learn(Broken(), retrain_every=2, cv=0)
    widget = proj.label("ana", window=4)
    browser = Browser(widget)
    upcoming = [item["pos"] for item in browser.hello()["upcoming"]]
    acks = label_through(browser, upcoming, reviews, 6)
    assert all(ack["kind"] == "ack" for ack in acks)
    assert proj.learner.wait(60)
    assert widget.model["status"] == "failed"
    assert "RuntimeError: out of coffee" in widget.model["message"]
    label_through(browser, upcoming, reviews, 2)
    assert len(proj.annotations) == 8
    proj.close()


def test_the_training_label_is_the_decision_else_the_majority():
    def answer(event_id, value, source="human", event="label"):
        return (event_id, event, value, None, None, source)

    assert training_label({}) is None
    assert training_label({"ana": answer(1, None, event="skip")}) is None
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "b"), "cy": answer(3, "a")}) == "a"
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "b")}) == "b", "a tie goes to the latest"
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "a"), "lead": answer(3, "b", "adjudicated")}) == "b"
    assert training_label({"bot": answer(1, "a", "model")}) is None


def test_learn_needs_a_single_label_task_and_features(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"], "path": ["x.png", "y.png"]})
    multi = nl.Project(df, nl.Classify(["x", "y"], text="text", multi=True), store=":memory:")
    with pytest.raises(TypeError, match="single-label classification"):
        multi.learn(LogisticRegression())
    images = nl.Project(df, nl.Classify(["x", "y"], image="path"), store=":memory:")
    with pytest.raises(ValueError, match="say what the model reads"):
        images.learn(LogisticRegression())
    plain = nl.Project(df, nl.Classify(["x", "y"], text="text"), store=":memory:")
    with pytest.raises(TypeError, match="scikit-learn estimator"):
        plain.learn(object())
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['every'\]"):
        plain.learn(LogisticRegression(), every=3)
    assert plain.learner is None


def test_relabel_chosen_items_answered_or_not(reviews, tmp_path):
    proj = project(reviews, tmp_path)
    proj.add(5, "neg", annotator="ana")
    widget = proj.label("ana", items=[5, 2, 7], window=10)
    browser = Browser(widget)
    snap = browser.hello()
    assert [item["pos"] for item in snap["upcoming"]] == [5, 2, 7]
    assert snap["upcoming"][0]["answer"]["value"] == "neg", "the earlier answer shows"
    assert snap["history"] == [] and widget.progress["done"] == 0 and widget.progress["total"] == 3
    browser.answer(5, "pos", req="a")
    browser.answer(2, "neg", req="b")
    assert widget.progress["done"] == 2
    [ack] = browser.answer(7, "pos", req="c")
    assert ack["exhausted"] is True and ack["append"] == []
    assert proj.labels().loc[[5, 2, 7]].tolist() == ["pos", "neg", "pos"]
    assert set(proj.annotations["source"]) == {"human"}
    again = Browser(widget).hello()
    assert [item["pos"] for item in again["history"]] == [5, 2, 7] and again["upcoming"] == []
    with pytest.raises(ValueError, match="not in the DataFrame's index"):
        proj.label("ana", items=[5, 1000])
    with pytest.raises(ValueError, match="more than once"):
        proj.label("ana", items=[5, 5])
    with pytest.raises(TypeError, match="list, Index or Series of index values"):
        proj.label("ana", items=5)


def test_review_chosen_items(reviews, tmp_path):
    proj = project(reviews, tmp_path)
    proj.add(3, "neg", annotator="ana")
    browser = Browser(proj.review("lead", items=[3, 4]))
    snap = browser.hello()
    assert [item["pos"] for item in snap["upcoming"]] == [3, 4]
    assert snap["upcoming"][0]["review"][0]["value"] == "neg"
    browser.answer(3, "pos", req="r")
    assert proj.labels(how="majority").loc[3] == "pos"
    assert proj.annotations.iloc[-1]["source"] == "adjudicated"


def test_listeners_hear_of_new_events_and_cannot_cost_an_answer(reviews, tmp_path):
    proj = project(reviews, tmp_path)
    heard = []
    proj.add_listener(lambda: heard.append(len(proj._log)))

    @proj.add_listener
    def broken():
        raise RuntimeError("listener bug")

    proj.add(0, "pos", annotator="ana")
    browser = Browser(proj.label("ana"))
    browser.hello()
    [ack] = browser.answer(1, "neg")
    assert ack["kind"] == "ack"
    other = project(reviews, tmp_path)
    other.add(2, "pos", annotator="ben")
    proj.refresh()
    assert heard == [1, 2, 3]
    proj.remove_listener(broken)
    with pytest.raises(ValueError, match="not a listener"):
        proj.remove_listener(broken)
    with pytest.raises(TypeError, match="callable"):
        proj.add_listener("print")


@pytest.mark.parametrize("strategy", ["random", "entropy", "committee", "diverse", lambda proba: -proba.max(axis=1)])
def test_every_strategy_orders_the_queue(reviews, tmp_path, strategy):
    proj = project(reviews, tmp_path)
    for item in reviews.index[:12]:
        proj.add(item, reviews.at[item, "truth"], annotator="ana")
    learner = proj.learn(LogisticRegression(), strategy=strategy, batch_size=4, seed=0, cv=0)
    assert learner.wait(60) and learner.state.status == "ready"
    snap = Browser(proj.label("ana", window=8)).hello()
    upcoming = [item["pos"] for item in snap["upcoming"]]
    assert upcoming == learner.state.order.tolist()[:8]
    assert all(item["suggestion"]["source"] == "model" for item in snap["upcoming"])
    proj.close()


def test_listeners_hear_when_a_model_joins(reviews, tmp_path):
    proj = project(reviews, tmp_path)
    heard = []
    proj.add_listener(lambda: heard.append(proj.learner))
    learner = proj.learn(LogisticRegression(), cv=0)
    assert heard == [learner]
    proj.close()
