import pandas as pd
import pytest

import nblabel as nl


def frame():
    return pd.DataFrame({
        "text": ["crash on start", "charged twice", "love it", "what?"],
        "llm": ["bug", "billing", None, None],
        "llm_conf": [0.9, 0.55, 0.7, None],
    })


def hello(widget):
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    widget._on_message(widget, {"kind": "hello", "to": "v"}, [])
    return sent, sent[-1]["upcoming"]


def test_pre_labels_are_offered_and_accepted_answers_recorded():
    task = nl.Classify(["bug", "billing", "praise"], text="text", suggest="llm", suggest_confidence="llm_conf")
    proj = nl.Project(frame(), task, store=":memory:")
    widget = proj.label("ana")
    sent, items = hello(widget)
    assert items[0]["suggestion"] == {"value": "bug", "confidence": 0.9, "source": "column"}
    assert items[1]["suggestion"]["value"] == "billing"
    assert "suggestion" not in items[2], "a missing pre-label offers nothing"
    assert "suggestion" not in items[3]
    widget._on_message(widget, {"kind": "answer", "req": "a", "pos": 0, "event": "label", "value": "bug",
                                "meta": {"suggestion": "bug", "accepted": True}}, [])
    widget._on_message(widget, {"kind": "answer", "req": "b", "pos": 1, "event": "label", "value": "bug",
                                "meta": {"suggestion": "billing", "accepted": False}}, [])
    assert proj.annotations["meta"].tolist() == [{"suggestion": "bug", "accepted": True}, {"suggestion": "billing", "accepted": False}]


def test_suggestions_can_be_hidden_to_avoid_anchoring():
    task = nl.Classify(["bug", "billing"], text="text", suggest="llm")
    proj = nl.Project(frame(), task, store=":memory:")
    _, items = hello(proj.label("ana", show_suggestions=False))
    assert not any("suggestion" in item for item in items)


@pytest.mark.parametrize(
    "meta",
    [{"suggestion": "bug"}, {"suggestion": "spam", "accepted": True}, {"suggestion": "bug", "accepted": "yes"}, ["bug"],
     {"suggestion": "billing", "accepted": True}, {"suggestion": "bug", "accepted": False}],
)
def test_suggestion_details_are_checked(meta):
    task = nl.Classify(["bug", "billing"], text="text", suggest="llm")
    proj = nl.Project(frame(), task, store=":memory:")
    widget = proj.label("ana")
    sent, _ = hello(widget)
    widget._on_message(widget, {"kind": "answer", "req": "x", "pos": 0, "event": "label", "value": "bug", "meta": meta}, [])
    assert sent[-1]["kind"] == "reject"
    assert len(proj.annotations) == 0


def test_suggest_arguments():
    with pytest.raises(ValueError, match="needs suggest="):
        nl.Classify(["a"], text="t", suggest_confidence="c")
    with pytest.raises(ValueError, match=r"columns \['llm2'\]"):
        nl.Project(frame(), nl.Classify(["a"], text="text", suggest="llm2"), store=":memory:")
    task = nl.Classify(["a", "b"], text="t", suggest="s", multi=True)
    assert nl.tasks.task_from_json(task.to_json()) == task
    assert task.suggestion(pd.Series({"t": "x", "s": ["b", "a"]})) == {"value": ["a", "b"], "confidence": None}


def test_pre_labels_the_widget_could_not_accept_are_refused_when_the_project_is_built():
    df = frame().assign(llm=["bug", "billing", "not-a-label", None], llm_conf=[0.9, 7.0, 0.7, None])
    task = nl.Classify(["bug", "billing"], text="text", suggest="llm", suggest_confidence="llm_conf")
    with pytest.raises(ValueError, match=r"2 pre-labels cannot be offered.*item 2: 'not-a-label' is not a label"
                                         r".*item 1: confidence must be a number between 0 and 1, got 7\.0"):
        nl.Project(df, task, store=":memory:")
    multi = nl.Classify(["bug", "billing"], text="text", multi=True, suggest="llm")
    with pytest.raises(ValueError, match="1 pre-labels cannot be offered"):
        nl.Project(frame().assign(llm=[["bug"], ["spam"], None, None]), multi, store=":memory:")
    spans = pd.DataFrame({"text": ["Ann", "Bob here"], "pre": [[{"start": 0, "end": 9, "label": "PER"}], None]})
    with pytest.raises(ValueError, match=r"item 0: suggestion .* ends past the text \(3 characters\)"):
        nl.Project(spans, nl.Spans(["PER"], text="text", suggest="pre"), store=":memory:")
