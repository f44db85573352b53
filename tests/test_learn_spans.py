"""Spans in the loop: BIO tags over tokens, the CRF, the span learner, a user's model, simulate."""

import numpy as np
import pandas as pd
import pytest
from span_corpus import LABELS, make_corpus

import nblabel as nl
from nblabel.learn import CRFSpanModel, SpanLearner, get_span_strategy, simulate
from nblabel.learn.spans.bio import model_tokens, to_spans, to_tags
from nblabel.learn.spans.fit import normalise, span_scores

pytest.importorskip("sklearn_crfsuite")

# Texts whose code points are not their characters: ZWJ emoji, a flag, combining marks, CJK.
HARD = [
    ("👩\u200d👩\u200d👧 Rene\u0301e moved to 東京タワー 🇯🇵 today", [(6, 12, "PER"), (22, 24, "LOC")]),
    ("李雷在北京工作", [(0, 2, "PER"), (3, 5, "LOC")]),
    ("Zoë 🏳️\u200d🌈 works for Café Ñandú.", [(0, 3, "PER"), (19, 29, "ORG")]),
]


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(160, seed=3)


def task(**options):
    return nl.Spans(LABELS, text="text", **options)


@pytest.mark.parametrize(("text", "spans"), HARD)
def test_spans_go_to_bio_tags_and_back_in_code_points(text, spans):
    tokens = model_tokens(text)
    assert all(text[a:b].strip() == text[a:b] for a, b in tokens)
    tags = to_tags(tokens, spans)
    back = to_spans(tokens, tags, [0.9] * len(tokens))
    assert [(s["start"], s["end"], s["label"]) for s in back] == spans
    assert [text[s["start"]:s["end"]] for s in back] == [text[a:b] for a, b, _ in spans]


def test_model_tokens_split_chinese_and_japanese_but_keep_what_attaches():
    text = "Ana 在东京 👩\u200d👩\u200d👧 Rene\u0301e ︎東\ufe0e"
    assert [text[a:b] for a, b in model_tokens(text)] == [
        "Ana", "在", "东", "京", "👩\u200d👩\u200d👧", "Rene\u0301e", "︎", "東\ufe0e"]
    assert to_tags([(0, 3), (4, 9)], [(0, 9, "PER"), (4, 9, "LOC")]) == ["B-PER", "I-PER"]
    assert to_spans([(0, 1), (2, 3), (4, 5)], ["I-LOC", "I-PER", "O"], [1, 0.5, 1]) == [
        {"start": 0, "end": 1, "label": "LOC", "confidence": 1.0},
        {"start": 2, "end": 3, "label": "PER", "confidence": 0.5},
    ]


def test_predictions_become_answers_of_the_task():
    text = "Ana Lima lives in São Paulo"
    snapped = normalise(task(tokens="words"), text, [
        {"start": 1, "end": 6, "label": "PER", "confidence": 0.7},  # inside words: widened
        {"start": 18, "end": 21, "label": "LOC", "confidence": 0.9},
        {"start": 18, "end": 27, "label": "LOC", "confidence": 0.4},  # overlaps a surer span
        {"start": 26, "end": 99, "label": "ORG", "confidence": 0.2},  # clipped, then widened
    ])
    assert [(s["start"], s["end"], s["label"]) for s in snapped] == [
        (0, 8, "PER"), (18, 21, "LOC"), (22, 27, "ORG")]
    plain = [{k: s[k] for k in ("start", "end", "label")} for s in snapped]
    assert task(tokens="words").validate_for(plain, pd.Series({"text": text})) == plain
    overlapping = normalise(task(overlap=True), text, [
        {"start": 18, "end": 21, "label": "LOC", "confidence": 0.9},
        {"start": 18, "end": 27, "label": "LOC", "confidence": 0.4},
        {"start": 18, "end": 27, "label": "LOC", "confidence": 0.6},  # duplicate: the surer kept
    ])
    assert [(s["end"], s["confidence"]) for s in overlapping] == [(21, 0.9), (27, 0.6)]
    with pytest.raises(ValueError, match="confidence must be in"):
        normalise(task(), text, [{"start": 0, "end": 3, "label": "PER", "confidence": 2}])
    with pytest.raises(ValueError, match="label one of"):
        normalise(task(), text, [{"start": 0, "end": 3, "label": "DATE", "confidence": 1}])
    assert span_scores([[(0, 3, "PER")], []], [[(0, 3, "PER")], [(1, 2, "LOC")]]) == (0.5, 2 / 3)


def test_the_crf_finds_entities_in_hard_texts_at_the_right_code_points(corpus):
    train = corpus.iloc[:120]
    model = CRFSpanModel(max_iterations=50).fit(list(train["text"]), list(train["gold"]))
    texts = [text for text, _ in HARD] + list(corpus["text"].iloc[120:])
    predicted = model.predict(texts)
    assert all(0 <= s["confidence"] <= 1 for spans in predicted for s in spans)
    truth = [spans for _, spans in HARD] + [
        [(s["start"], s["end"], s["label"]) for s in spans] for spans in corpus["gold"].iloc[120:]]
    _, f1 = span_scores(truth[3:], predicted[3:])
    assert f1 > 0.8
    for (text, _), spans in zip(HARD, predicted[:3], strict=True):  # whole tokens, in code points
        tokens = model_tokens(text)
        starts, ends = {a for a, _ in tokens}, {b for _, b in tokens}
        assert all(s["start"] in starts and s["end"] in ends for s in spans), (text, spans)
    for measure in ("token", "entropy", "sequence"):
        values = model.uncertainty(texts, measure=measure)
        assert values.shape == (len(texts),) and ((values >= 0) & (values <= 1)).all()
    assert model.uncertainty([""]).tolist() == [0.0] and model.predict([""]) == [[]]
    with pytest.raises(ValueError, match="is not one of"):
        model.uncertainty(texts, measure="margin")


def test_the_span_learner_suggests_spans_the_task_accepts(corpus):
    spans_task = task(tokens="words")
    learner = SpanLearner(None, corpus, spans_task, seed=0, retrain_every=1000, cv=2)
    assert learner.state.status == "cold" and "one has a span" in learner.state.message
    learner.set_labels(corpus["gold"].iloc[:60])
    assert learner.wait(60)
    state = learner.state
    assert state.status == "ready" and state.n_labels == 60, state.message
    assert "span F1" in state.message and state.f1 > 0.7
    frame = state.predictions()
    assert list(frame.columns) == ["label", "suggestion", "confidence", "uncertainty", "score", "heldout"]
    assert frame["score"].iloc[:60].isna().all() and frame["score"].iloc[60:].notna().all()
    for pos in range(60, 160):
        offer = state.offer(pos)
        row = corpus.iloc[pos]
        assert spans_task.validate_for(offer["value"], row) == offer["value"]
        assert len(offer["confidences"]) == len(offer["value"]) and 0 <= offer["confidence"] <= 1
    # The most uncertain documents come first.
    first = learner.next_items(5)
    assert frame.loc[first, "uncertainty"].min() >= frame["uncertainty"].iloc[60:].quantile(0.9) - 1e-9
    assert learner.history["f1"].iloc[0] == state.f1
    with pytest.raises(ValueError, match="unknown label"):
        learner.set_label(0, [(0, 2, "DATE")])
    learner.close()


class Gazetteer:
    """A user's span model: remembers the labeled strings, finds them again."""

    def fit(self, texts, spans):
        self.known = {text[s["start"]:s["end"]]: s["label"] for text, found in zip(texts, spans, strict=True) for s in found}
        return self

    def predict(self, texts):
        return [[{"start": text.find(name), "end": text.find(name) + len(name), "label": label, "confidence": 0.8}
                 for name, label in self.known.items() if name in text] for text in texts]

    def uncertainty(self, texts):
        return np.array([0.0 if spans else 1.0 for spans in self.predict(texts)])


def test_a_users_span_model_plugs_in(corpus):
    learner = SpanLearner(Gazetteer(), corpus, task(), seed=0, retrain_every=1000, cv=0,
                          strategy=lambda predictions: [len(p) for p in predictions])
    learner.set_labels(corpus["gold"].iloc[:50])
    assert learner.wait(30) and learner.state.status == "ready", learner.state.message
    offers = [learner.state.offer(pos) for pos in range(50, 160)]
    assert any(offer["value"] for offer in offers)
    with pytest.raises(ValueError, match="does not take"):
        SpanLearner(Gazetteer(), corpus, task(), strategy="entropy")
    with pytest.raises(TypeError, match="is not a span model"):
        SpanLearner(object(), corpus, task())

    class Wrong(Gazetteer):
        def uncertainty(self, texts):
            return np.full(len(texts), 5.0)

    broken = SpanLearner(Wrong(), corpus, task(), seed=0, retrain_every=1000, cv=0)
    broken.set_labels(corpus["gold"].iloc[:50])
    assert broken.wait(30) and broken.state.status == "failed"
    assert "one number in [0, 1] per text" in broken.state.message


def test_project_learn_on_a_span_task(corpus):
    proj = nl.Project(corpus.drop(columns="gold"), task(tokens="words"), store=":memory:")
    learner = proj.learn(strategy="sequence", retrain_every=1000, seed=0, cv=0)
    assert isinstance(learner, SpanLearner)
    for item in range(30):
        proj.add(item, corpus.at[item, "gold"], annotator="ana")
    learner.request()
    assert learner.wait(60) and learner.state.status == "ready", learner.state.message
    widget = proj.label("ana")
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    widget._on_message(widget, {"kind": "hello", "to": "v"}, [])
    item = next(item for item in sent[-1]["upcoming"] if item.get("suggestion", {}).get("value"))
    assert item["suggestion"]["source"] == "model"
    assert item["suggestion"]["version"] == learner.state.version >= 1, "whose model made it"
    widget._on_message(widget, {"kind": "answer", "req": "a", "pos": item["pos"], "event": "label",
                                "value": item["suggestion"]["value"]}, [])
    assert sent[-1]["kind"] == "ack", sent[-1]
    with pytest.raises(ValueError, match="features= is for classifiers"):
        proj.learn(features="text")
    proj.close()


def test_simulate_compares_span_strategies(corpus):
    curves = simulate(corpus, task(), CRFSpanModel(max_iterations=30), oracle="gold",
                      strategies={"random": "random", "least sure token": get_span_strategy("token")},
                      budget=30, initial=10, batch_size=10, repeats=1, progress=False)
    assert sorted(curves["strategy"].unique()) == ["least sure token", "random"]
    assert curves["n_labels"].tolist() == [10, 20, 30] * 2
    assert curves["f1"].between(0, 1).all()
    bad = corpus.assign(gold=[[(0, 999, "PER")]] * len(corpus))
    with pytest.raises(ValueError, match="out of bounds"):
        simulate(bad, task(), oracle="gold", progress=False)
