"""The Spans task: validation, tokens, suggestions, JSON; its item view and the answer protocol."""

import json

import numpy as np
import pandas as pd
import pytest

import nblabel as nl
from nblabel._payload import Buffers
from nblabel.tasks import TaskMismatchError, task_from_json
from nblabel.tasks.spans import Spans
from nblabel.widgets.spans import SpansWidget

FAMILY = "👩\u200d👩\u200d👧"
HARD = f"Ana {FAMILY} met Zoe\u0301 in Tel Aviv (תל אביב) 🇫🇷\r\n日本語 ok"


def span(start, end, label):
    return {"start": start, "end": end, "label": label}


@pytest.fixture
def task():
    return Spans(["PER", "LOC", "ORG"], text="text")


# -- validation ----------------------------------------------------------------------------------
def test_validate_sorts_deduplicates_and_accepts_tuples(task):
    value = [(9, 12, "LOC"), span(0, 3, "PER"), [9, 12, "LOC"], (np.int64(4), np.int32(7), "ORG")]
    assert task.validate(value) == [span(0, 3, "PER"), span(4, 7, "ORG"), span(9, 12, "LOC")]
    assert task.validate([]) == []
    assert task.validate(()) == []
    result = task.validate([(np.int64(1), 2, "PER")])
    assert type(result[0]["start"]) is int


@pytest.mark.parametrize(
    "value, message",
    [
        ("PER", r"a spans answer is a list of spans"),
        ({"start": 0, "end": 1, "label": "PER"}, r"a spans answer is a list of spans"),
        (None, r"a spans answer is a list of spans"),
        ([(0, 1)], r"span 0 \(0, 1\) is not a span"),
        ([span(0, 1, "PER"), "x"], r"span 1 'x' is not a span"),
        ([{"start": 0, "end": 1, "label": "PER", "score": 0.9}], r"span 0 .* has unknown keys \['score'\]"),
        ([{"start": 0, "label": "PER"}], r"span 0 .* has no \['end'\]"),
        ([(0.0, 2, "PER")], r"span 0 \(0.0, 2, 'PER'\) needs integer offsets, got 0.0"),
        ([(True, 2, "PER")], r"needs integer offsets, got True"),
        ([(-1, 2, "PER")], r"span 0 \(-1, 2, 'PER'\) is out of bounds: offsets start at 0"),
        ([(3, 3, "PER")], r"span 0 \(3, 3, 'PER'\) is empty"),
        ([(5, 3, "PER")], r"span 0 \(5, 3, 'PER'\) ends before it starts"),
        ([(0, 3, "per")], r"span 0 \(0, 3, 'per'\) has an unknown label 'per'; allowed: \['PER', 'LOC', 'ORG'\]"),
        ([(0, 5, "PER"), (3, 8, "LOC")], r"spans \(0, 5, 'PER'\) and \(3, 8, 'LOC'\) overlap.*overlap=True"),
        ([(0, 5, "PER"), (0, 5, "LOC")], r"spans \(0, 5, 'LOC'\) and \(0, 5, 'PER'\) overlap"),
        ([(0, 10, "ORG"), (2, 3, "PER"), (4, 6, "LOC")], r"spans \(0, 10, 'ORG'\) and \(2, 3, 'PER'\) overlap"),
    ],
)
def test_validation_errors_name_the_span_and_the_reason(task, value, message):
    with pytest.raises(ValueError, match=message):
        task.validate(value)


def test_touching_spans_do_not_overlap(task):
    assert len(task.validate([(0, 3, "PER"), (3, 6, "LOC")])) == 2


def test_overlap_allows_nested_crossing_and_same_extent():
    task = Spans(["A", "B"], text="t", overlap=True)
    value = [(0, 10, "A"), (2, 4, "B"), (3, 12, "B"), (2, 4, "A")]
    assert [tuple(s.values()) for s in task.validate(value)] == [(0, 10, "A"), (2, 4, "A"), (2, 4, "B"), (3, 12, "B")]


def test_validate_for_checks_bounds_in_code_points(task):
    row = pd.Series({"text": HARD})
    end = len(HARD)
    assert task.validate_for([(0, end, "ORG")], row) == [span(0, end, "ORG")]
    with pytest.raises(ValueError, match=rf"span \(0, {end + 1}, 'ORG'\) is out of bounds: it ends at {end + 1} but the text has {end} characters"):
        task.validate_for([(0, end + 1, "ORG")], row)
    with pytest.raises(ValueError, match="the item has no text"):
        task.validate_for([(0, 1, "PER")], pd.Series({"text": None}))
    assert task.validate_for([], pd.Series({"text": None})) == []
    # UTF-16 would count the family as 8; Python counts 5 code points.
    at = HARD.index(FAMILY)
    assert task.validate_for([(at, at + 5, "PER")], row)[0]["end"] == at + 5


# -- construction, JSON, compatibility ------------------------------------------------------------
def test_construction_errors():
    with pytest.raises(TypeError, match=r"valid ones are \['labels', 'text', 'overlap', 'tokens', 'keys', 'guidelines', 'suggest'\]"):
        Spans(["A"], text="t", overlapping=True)
    with pytest.raises(ValueError, match="pass text='column'"):
        Spans(["A"], None)
    with pytest.raises(TypeError, match="text= must be a column name"):
        Spans(["A"], text=3)
    with pytest.raises(TypeError, match="overlap must be True or False"):
        Spans(["A"], text="t", overlap="yes")
    with pytest.raises(ValueError, match=r"tokens must be None, one of \['whitespace', 'words'\] or a callable"):
        Spans(["A"], text="t", tokens="spacy")
    with pytest.raises(TypeError, match="suggest must be a column name"):
        Spans(["A"], text="t", suggest=5)
    with pytest.raises(ValueError, match="suggest='t' is the text column"):
        Spans(["A"], text="t", suggest="t")
    with pytest.raises(ValueError, match=r"key '\]' is used by the span view to 'next span'"):
        Spans(["A", "B"], text="t", keys=["1", "]"])
    with pytest.raises(ValueError, match="reserved"):
        Spans(["A"], text="t", keys=["s"])
    with pytest.raises(ValueError, match="labels must be unique"):
        Spans(["A", "A"], text="t")


def tagger(text):
    return [(m, m + 3, "PER") for m in range(len(text)) if text.startswith("Ana", m)]


def test_json_round_trip_keeps_callables_by_name():
    task = Spans(["PER"], text="t", overlap=True, tokens="words", suggest=tagger, guidelines="# G")
    name = f"{tagger.__module__}.tagger"
    data = json.loads(task.to_json())
    assert data == {
        "kind": "spans", "labels": ["PER"], "text": "t", "overlap": True, "tokens": "words",
        "suggest": f"callable:{name}", "keys": ["1"], "guidelines": "# G",
    }
    again = task_from_json(task.to_json())
    assert again == task and isinstance(again, Spans)
    assert again.suggest_source == task.suggest_source == f"callable:{name}"
    with pytest.raises(ValueError, match=rf"read back from JSON: its suggest= function \({name}\) is known by name only"):
        again.suggestions(pd.Series({"t": "Ana"}))
    assert task.suggestions(pd.Series({"t": "Ana"})) == [span(0, 3, "PER")]
    column = Spans(["PER"], text="t", suggest="guess")
    assert column.columns() == ["t", "guess"] and column.suggest_source == "column:guess"
    assert again.columns() == ["t"]
    assert repr(task) == f"Spans(labels=['PER'], text='t', overlap=True, tokens='words', suggest='callable:{name}')"


def test_compatibility(task):
    assert Spans(["PER", "LOC", "ORG", "MISC"], text="text").check_compatible(task) == ["MISC"]
    with pytest.raises(TaskMismatchError, match="labels \\['ORG'\\]"):
        Spans(["PER", "LOC"], text="text").check_compatible(task)
    loose = Spans(["PER", "LOC", "ORG"], text="text", overlap=True)
    assert loose.check_compatible(task) == []
    with pytest.raises(TaskMismatchError, match="overlap=True but the task has overlap=False"):
        task.check_compatible(loose)
    with pytest.raises(TaskMismatchError, match="not a 'spans' task"):
        task.check_compatible(nl.Classify(["PER"], text="text"))


def test_tally_counts_spans_per_label(task):
    assert task.tally([span(0, 1, "PER"), span(2, 3, "PER"), span(4, 5, "LOC")]) == ["PER", "PER", "LOC"]
    assert task.tally([]) == []


# -- tokens ----------------------------------------------------------------------------------------
def pieces(text, tokens):
    return [text[a:b] for a, b in tokens]


def test_whitespace_tokens():
    task = Spans(["A"], text="t", tokens="whitespace")
    assert pieces(HARD, task.tokenize(HARD)) == HARD.split()
    with pytest.raises(TypeError, match="tokenize\\(\\) takes the item's text as a str, got NoneType"):
        task.tokenize(None)


def test_word_tokens_keep_characters_whole():
    task = Spans(["A"], text="t", tokens="words")
    text = f"Zoe\u0301's {FAMILY}x 🇫🇷🇩🇪 👍🏽! New-York, 日本語 é\u0301t\u00e9 a_b 42"
    assert pieces(text, task.tokenize(text)) == [
        "Zoe\u0301", "'", "s", FAMILY, "x", "🇫🇷", "🇩🇪", "👍🏽", "!", "New", "-", "York", ",",
        "日本語", "é\u0301t\u00e9", "a_b", "42",
    ]
    assert task.tokenize("") == []
    assert pieces("\r\n a \r\n", task.tokenize("\r\n a \r\n")) == ["a"]


def test_callable_tokens_are_checked():
    good = Spans(["A"], text="t", tokens=lambda text: [(0, 3), (4, 7)])
    assert good.tokenize("abc def") == [(0, 3), (4, 7)]
    for tokens, message in [
        (lambda text: [(0, 3, 9)], r"gave \(0, 3, 9\) as token 0; give \(start, end\) pairs"),
        (lambda text: [(0, 99)], r"token 0 \(0, 99\) is not a non-empty range inside the text \(0–7\)"),
        (lambda text: [(2, 2)], "not a non-empty range"),
        (lambda text: [(0, 4), (3, 5)], r"token 1 \(3, 5\) starts before the previous token ends"),
        (lambda text: [(0.5, 2)], "needs integer offsets"),
    ]:
        with pytest.raises(ValueError, match=message):
            Spans(["A"], text="t", tokens=tokens).tokenize("abc def")


# -- suggestions -----------------------------------------------------------------------------------
def test_suggestions_from_a_column():
    task = Spans(["PER", "LOC"], text="t", suggest="guess")
    row = pd.Series({"t": "Ana in Paris", "guess": [(7, 12, "LOC"), {"start": 0, "end": 3, "label": "PER"}, (7, 12, "PER")]})
    assert task.suggestions(row) == [span(0, 3, "PER"), span(7, 12, "LOC"), span(7, 12, "PER")], "overlapping suggestions are fine"
    assert task.suggestions(pd.Series({"t": "x", "guess": None})) == []
    assert task.suggestions(pd.Series({"t": "x", "guess": float("nan")})) == []
    with pytest.raises(ValueError, match=r"suggestion \(0, 9, 'PER'\) ends past the text \(1 characters\)"):
        task.suggestions(pd.Series({"t": "x", "guess": [(0, 9, "PER")]}))
    with pytest.raises(ValueError, match="unknown label 'MISC'"):
        task.suggestions(pd.Series({"t": "xyz", "guess": [(0, 1, "MISC")]}))
    with pytest.raises(ValueError, match="suggestions must be a list of spans"):
        task.suggestions(pd.Series({"t": "xyz", "guess": "PER"}))
    assert Spans(["PER"], text="t").suggestions(row) == []


# -- the item view ---------------------------------------------------------------------------------
def test_item_view_sends_code_points():
    task = Spans(["PER", "LOC"], text="t", tokens="whitespace", suggest=tagger)
    view = SpansWidget.item_view(task, pd.Series({"t": f"{FAMILY} Ana"}), Buffers())
    assert view == {"text": f"{FAMILY} Ana", "errors": [], "tokens": [0, 5, 6, 9], "suggestions": [[6, 9, "PER"]]}
    plain = SpansWidget.item_view(Spans(["A"], text="t"), pd.Series({"t": 42}), Buffers())
    assert plain == {"text": "42", "errors": []}
    missing = SpansWidget.item_view(task, pd.Series({"t": float("nan")}), Buffers())
    assert missing == {"text": None, "errors": []}


def test_item_view_reports_failing_tokenizers_and_taggers():
    def broken(text):
        raise RuntimeError("model not loaded")

    task = Spans(["PER"], text="t", tokens=broken, suggest="guess")
    view = SpansWidget.item_view(task, pd.Series({"t": "Ana", "guess": [(0, 9, "PER")]}), Buffers())
    assert view["text"] == "Ana"
    assert view["errors"] == [
        "tokens: RuntimeError: model not loaded",
        "suggestions: ValueError: suggestion (0, 9, 'PER') ends past the text (3 characters).",
    ]
    assert "tokens" not in view and "suggestions" not in view


def test_item_view_refuses_lone_surrogates():
    view = SpansWidget.item_view(Spans(["A"], text="t"), pd.Series({"t": "ab\ud83dx"}, dtype=object), Buffers())
    assert view["text"] is None
    assert "lone UTF-16 surrogate (U+D83D at offset 2)" in view["errors"][0]


# -- the answer protocol, as the browser drives it -----------------------------------------------
class Browser:
    """Stands in for the span view's front end (as in test_widget_protocol)."""

    def __init__(self, widget):
        self.widget = widget
        self.messages = []
        widget.send = lambda content, buffers=None: self.messages.append(content)

    def say(self, **message):
        before = len(self.messages)
        self.widget._on_message(self.widget, message, [])
        return self.messages[before:]

    def hello(self):
        [snap] = [m for m in self.say(kind="hello", to="v") if m["kind"] == "snapshot"]
        return snap


@pytest.fixture
def ner(tmp_path):
    df = pd.DataFrame({"text": [HARD, "Ana met Bob", "nothing here"], "guess": [None, [(0, 3, "PER"), (8, 11, "PER")], []]})
    return nl.Project(df, Spans(["PER", "LOC"], text="text", suggest="guess"), store=tmp_path / "ner.db")


def test_answers_are_validated_stored_and_counted(ner):
    browser = Browser(ner.label("ana", window=3))
    snap = browser.hello()
    assert snap["upcoming"][1]["view"] == {"text": "Ana met Bob", "errors": [], "suggestions": [[0, 3, "PER"], [8, 11, "PER"]]}
    at = HARD.index("Tel Aviv")
    [ack] = browser.say(kind="answer", req="r1", pos=0, event="label", value=[span(at, at + 8, "LOC"), span(0, 3, "PER")])
    assert ack["kind"] == "ack"
    assert ack["answer"]["value"] == [span(0, 3, "PER"), span(at, at + 8, "LOC")]
    assert HARD[at:at + 8] == "Tel Aviv"
    report = {"source": "column:guess", "spans": [[0, 3, "PER"], [8, 11, "PER"]], "accepted": [0], "edited": [], "rejected": [1], "ignored": []}
    [ack] = browser.say(kind="answer", req="r2", pos=1, event="label", value=[span(0, 3, "PER")], meta={"suggestions": report})
    assert ack["answer"]["meta"] == {"suggestions": report}
    events = ner.annotations
    assert events["meta"].tolist() == [None, {"suggestions": report}]
    assert events["source"].tolist() == ["human", "human"]
    assert ner.label("ana").progress["by_label"] == {"PER": 2, "LOC": 1}


def test_out_of_bounds_and_bad_meta_are_rejected_with_the_reason(ner):
    browser = Browser(ner.label("ana"))
    browser.hello()
    [reject] = browser.say(kind="answer", req="r", pos=1, event="label", value=[span(8, 12, "PER")])
    assert reject["kind"] == "reject"
    assert reject["reason"].startswith("span (8, 12, 'PER') is out of bounds: it ends at 12 but the text has 11 characters")
    bad = {"suggestions": {"source": "column:guess", "spans": [[0, 3, "PER"]], "accepted": [0, 0], "edited": [], "rejected": [], "ignored": []}}
    [reject] = browser.say(kind="answer", req="r", pos=1, event="label", value=[], meta=bad)
    assert "every suggestion must be reported exactly once" in reject["reason"]
    assert len(ner.annotations) == 0


def test_add_from_code_checks_offsets_against_the_text(ner):
    ner.add(2, [(0, 7, "LOC")], annotator="model", source="model")
    with pytest.raises(ValueError, match=r"span \(0, 99, 'LOC'\) is out of bounds"):
        ner.add(2, [(0, 99, "LOC")], annotator="model")
    labels = ner.labels()
    assert labels[2] == [span(0, 7, "LOC")]
    assert labels[[0, 1]].isna().all()
    assert ner.annotations["source"].tolist() == ["model"]


@pytest.mark.parametrize(
    "meta, message",
    [
        ({"other": 1}, r"only \{'suggestions': \.\.\.\} details"),
        ({"suggestions": {"source": "column:guess"}}, "needs exactly the keys"),
        ({"suggestions": {"source": "column:other", "spans": [], "accepted": [], "edited": [], "rejected": [], "ignored": []}}, "came from 'column:other'"),
        ({"suggestions": {"source": "column:guess", "spans": "x", "accepted": [], "edited": [], "rejected": [], "ignored": []}}, "must be a list of"),
        ({"suggestions": {"source": "column:guess", "spans": [[0, 3, "XX"]], "accepted": [0], "edited": [], "rejected": [], "ignored": []}}, "unknown label 'XX'"),
        ({"suggestions": {"source": "column:guess", "spans": [[0, 3, "PER"]], "accepted": ["0"], "edited": [], "rejected": [], "ignored": []}}, "list of suggestion indexes"),
        ({"suggestions": {"source": "column:guess", "spans": [[0, 3, "PER"]], "accepted": [], "edited": [], "rejected": [], "ignored": []}}, "exactly once"),
    ],
)
def test_validate_meta(meta, message):
    task = Spans(["PER"], text="text", suggest="guess")
    with pytest.raises(ValueError, match=message):
        task.validate_meta(meta)


def test_validate_meta_normalises_and_needs_suggestions():
    task = Spans(["PER"], text="text", suggest="guess")
    report = {"source": "column:guess", "spans": [(0, 3, "PER"), [5, 6, "PER"]], "accepted": [1, 0], "edited": [], "rejected": [], "ignored": []}
    assert task.validate_meta({"suggestions": report})["suggestions"]["spans"] == [[0, 3, "PER"], [5, 6, "PER"]]
    assert task.validate_meta({"suggestions": report})["suggestions"]["accepted"] == [0, 1]
    assert task.validate_meta(None) is None and task.validate_meta({}) is None
    with pytest.raises(ValueError, match="this task has no suggestions"):
        Spans(["PER"], text="text").validate_meta({"suggestions": report})


def test_resume_brings_answers_and_their_details_back(ner, tmp_path):
    browser = Browser(ner.label("ana", window=2))
    browser.hello()
    report = {"source": "column:guess", "spans": [[0, 3, "PER"], [8, 11, "PER"]], "accepted": [0, 1], "edited": [], "rejected": [], "ignored": []}
    browser.say(kind="answer", req="r", pos=1, event="label", value=[span(0, 3, "PER"), span(8, 11, "PER")], meta={"suggestions": report})
    ner.close()
    again = nl.Project(ner.df, Spans(["PER", "LOC"], text="text", suggest="guess"), store=tmp_path / "ner.db")
    snap = Browser(again.label("ana")).hello()
    [answered] = snap["history"]
    assert answered["pos"] == 1
    assert answered["answer"]["value"] == [span(0, 3, "PER"), span(8, 11, "PER")]
    assert answered["answer"]["meta"] == {"suggestions": report}
