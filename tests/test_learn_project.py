"""A model in a project's loop: answers train it; it orders the queue and suggests labels."""

import threading
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from test_widget_protocol import Browser

import nblabel as nl
from nblabel.learn.loop import training_label
from nblabel.ledger import CurrentAnswer

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


def refilled(message, upcoming, order, answered):
    """Apply an ``ack`` or ``append`` to the upcoming items; check what it added.

    The new items must be the first in the model's ``order`` that the annotator has not
    ``answered`` and the window does not hold.
    """
    dropped = set(message.get("drop", []))
    upcoming = [pos for pos in upcoming if pos not in dropped]
    new = [item["pos"] for item in message["append" if message["kind"] == "ack" else "items"]]
    expected = [pos for pos in order.tolist() if pos not in answered and pos not in upcoming]
    assert new == expected[: len(new)]
    return upcoming + new


def test_the_window_follows_the_models_order_through_answers_skips_and_retrains(reviews, tmp_path):
    GATE.clear()  # a retrain lands only between answers, where the test opens the gate
    proj = project(reviews, tmp_path)
    learner = proj.learn(Gated(), strategy="least_confident", retrain_every=3, seed=0, cv=0)
    widget = proj.label("ana", window=6)
    browser = Browser(widget)
    upcoming = [item["pos"] for item in browser.hello()["upcoming"]]
    versions = set()
    for i in range(30):
        GATE.set()
        assert learner.wait(60)
        GATE.clear()
        order = learner.state.order
        versions.add(learner.state.version)
        if i % 5 == 2:  # someone else's answer arrives; the view hears of it
            before = len(browser.messages)
            proj.add(79 - i, reviews.at[79 - i, "truth"], annotator="ben")
            for message, _ in browser.messages[before:]:
                upcoming = refilled(message, upcoming, order, widget._session.answers)
        pos = upcoming.pop(0)
        if i % 4 == 3:
            messages = browser.answer(pos, None, req=f"r{i}", event="skip")
        else:
            messages = browser.answer(pos, reviews["truth"].iloc[pos], req=f"r{i}")
        [ack] = [m for m in messages if m["kind"] == "ack"]
        upcoming = refilled(ack, upcoming, order, widget._session.answers)
        assert len(upcoming) == 6 and len(set(upcoming)) == 6
    assert len(versions) >= 6, "the model retrained many times on the way"
    assert set(proj.annotations.query("annotator == 'ana'")["event"]) == {"label", "skip"}
    GATE.set()
    proj.close()


def test_items_a_rerank_drops_come_back_when_a_retrain_lands_during_a_refill(reviews, tmp_path):
    GATE.set()
    proj = project(reviews, tmp_path)
    for item in reviews.index[:12]:
        proj.add(item, reviews.at[item, "truth"], annotator="seed")
    learner = proj.learn(Gated(), retrain_every=1000, seed=0, cv=0)
    assert learner.wait(60) and learner.state.status == "ready"
    widget = proj.label("ana", window=6)
    browser = Browser(widget)
    upcoming = [item["pos"] for item in browser.hello()["upcoming"]]
    session = widget._session
    rerank = session._rerank

    def retrain_after_rerank():
        session._rerank = rerank
        dropped = rerank()
        version = learner.state.version
        GATE.set()  # the next model arrives between the re-rank and the refill (its
        deadline = time.monotonic() + 60  # views are told once this answer is handled)
        while learner.state.version == version and time.monotonic() < deadline:
            time.sleep(0.01)
        assert learner.state.version > version, "no newer model"
        return dropped

    GATE.clear()
    learner.request()  # a retrain starts before the answer and waits at the gate
    session._rerank = retrain_after_rerank
    ack, append = browser.answer(upcoming.pop(0), "pos")
    assert "drop" not in ack and len(ack["append"]) == 1, "filled from the newer model's order"
    upcoming = refilled(ack, upcoming, learner.state.order, session.answers)
    assert append["kind"] == "append" and len(append["drop"]) == 4, "then re-ranked for it"
    assert ack["append"][0]["pos"] in [item["pos"] for item in append["items"]], "its pick comes back"
    upcoming = refilled(append, upcoming, learner.state.order, session.answers)
    assert len(upcoming) == 6
    proj.close()


class Reads(np.ndarray):
    """A model order that counts the positions read from it."""

    count = 0

    def __getitem__(self, key):
        value = super().__getitem__(key)
        Reads.count += np.size(value)
        return value

    def __iter__(self):
        Reads.count += self.size
        return super().__iter__()

    def tolist(self):
        Reads.count += self.size
        return super().tolist()


def test_refilling_the_window_reads_a_few_positions_of_the_order_not_the_pool(reviews, tmp_path, monkeypatch):
    pool = pd.concat([reviews] * 50, ignore_index=True)  # 4,000 items
    proj = project(pool, tmp_path)
    for item in pool.index[:12]:
        proj.add(item, pool.at[item, "truth"], annotator="seed")
    learner = proj.learn(LogisticRegression(), retrain_every=1000, seed=0, cv=0)
    assert learner.wait(60) and learner.state.status == "ready"
    order = learner.state.order.view(Reads)
    monkeypatch.setattr(proj._loop, "order", lambda: order)
    browser = Browser(proj.label("ana", window=5))
    upcoming = [item["pos"] for item in browser.hello()["upcoming"]]
    Reads.count = 0
    label_through(browser, upcoming, pool, 40)
    assert Reads.count <= 2 * 40, f"{Reads.count} positions read for 40 refills of one item"
    proj.close()


def test_a_failing_fit_is_shown_and_labeling_goes_on(reviews, tmp_path):
    class Broken(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            raise RuntimeError("out of coffee")

        def predict_proba(self, X):
            raise AssertionError("never fitted")

    proj = project(reviews, tmp_path)
    proj.learn(Broken(), retrain_every=2, cv=0, seed=0)  # the first answers hold both labels
    widget = proj.label("ana", window=4)
    browser = Browser(widget)
    upcoming = [item["pos"] for item in browser.hello()["upcoming"]]
    acks = label_through(browser, upcoming, reviews, 6)
    assert all(ack["kind"] == "ack" for ack in acks)
    assert set(proj.labels().dropna()) == {"pos", "neg"}, "both labels seen: a fit is attempted"
    assert proj.learner.wait(60)
    assert widget.model["status"] == "failed"
    assert "RuntimeError: out of coffee" in widget.model["message"]
    label_through(browser, upcoming, reviews, 2)
    assert len(proj.annotations) == 8
    proj.close()


def test_the_training_label_is_the_decision_else_the_majority():
    def answer(event_id, value, source="human", event="label"):
        return CurrentAnswer(event_id, event, value, None, None, source)

    def everyone(annotator):
        return True

    assert training_label({}, everyone) is None
    assert training_label({"ana": answer(1, None, event="skip")}, everyone) is None
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "b"), "cy": answer(3, "a")}, everyone) == "a"
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "b")}, everyone) == "b", "a tie goes to the latest"
    assert training_label({"ana": answer(1, "a"), "ben": answer(2, "a"), "lead": answer(3, "b", "adjudicated")}, everyone) == "b"
    assert training_label({"bot": answer(1, "a", "model")}, everyone) is None


def test_the_training_label_leaves_out_annotators_who_do_not_count():
    def answer(event_id, value, source="human"):
        return CurrentAnswer(event_id, "label", value, None, None, source)

    def counts(annotator):
        return annotator == "ana"

    votes = {"ana": answer(1, "a"), "ben": answer(2, "b"), "cy": answer(3, "b")}
    assert training_label(votes, counts) == "a", "only ana counts, however many others disagree"
    assert training_label({"ben": answer(1, "b")}, counts) is None
    assert training_label({"ben": answer(1, "b"), "key": answer(2, "a", "gold")}, counts) == "a", (
        "imported known answers count whoever recorded them"
    )
    assert training_label({"ben": answer(1, "b"), "lead": answer(2, "a", "adjudicated")}, counts) == "a"


def trained_on(learner):
    """Return ``{position: label}`` of the labels the learner's next attempt uses."""
    learner.request()
    assert learner.wait(60)
    labels = learner.state.labels
    return {pos: labels[pos] for pos in np.flatnonzero(labels != None)}  # noqa: E711


@pytest.mark.parametrize("learn_first", [False, True], ids=["answers-then-model", "model-then-answers"])
def test_the_model_learns_only_from_answers_that_count(reviews, tmp_path, learn_first):
    df = reviews.assign(known=None)
    df.loc[:3, "known"] = df.loc[:3, "truth"]  # items 0-3 are gold
    flip = {"pos": "neg", "neg": "pos"}
    proj = project(df, tmp_path, gold=nl.Gold("known", rate=0, qualify=2, threshold=1.0))
    learner = proj.learn(LogisticRegression(), retrain_every=1000, cv=0) if learn_first else None

    def answer(annotator, items, wrong=False):
        for item in items:
            truth = df.at[item, "truth"]
            proj.add(item, flip[truth] if wrong else truth, annotator=annotator)

    answer("ana", [0, 1])  # qualified
    answer("ana", range(10, 20))
    answer("ben", [0, 1], wrong=True)  # failed the qualification round
    answer("ben", range(10, 30), wrong=True)
    answer("cy", range(30, 36))  # not qualified yet
    assert [proj.qualified(name) for name in ("ana", "ben", "cy")] == [True, False, None]
    if learner is None:
        learner = proj.learn(LogisticRegression(), retrain_every=1000, cv=0)
    ana = {pos: df.at[pos, "truth"] for pos in [0, 1, *range(10, 20)]}
    assert trained_on(learner) == ana, "ben's and cy's answers do not count, even outnumbering ana's"
    answer("cy", [2, 3])  # cy passes: the items cy answered before count now
    cy = {pos: df.at[pos, "truth"] for pos in [2, 3, *range(30, 36)]}
    assert trained_on(learner) == {**ana, **cy}
    proj.retract(1, annotator="ana")  # ana is back to qualifying: none of her answers count
    assert proj.qualified("ana") is None
    assert trained_on(learner) == cy
    proj.close()


def test_learn_needs_features_and_an_estimator(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"], "path": ["x.png", "y.png"]})
    multi = nl.Project(df, nl.Classify(["x", "y"], text="text", multi=True), store=":memory:")
    with pytest.raises(TypeError, match=r"MultiLabelLearner\(\) got unexpected .*batch_size"):
        multi.learn(LogisticRegression(), batch_size=5)
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
    proj.add_listener(lambda: heard.append(len(proj.annotations)))

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
