"""One rule per field, with one message, from code, from the widget and on every engine."""

import re

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl
from nblabel.store import NewEvent

BAD = [
    ("annotator", "ana\x00", "annotator holds the character U+0000 at position 4"),
    ("annotator", "ana\nbob", "annotator holds the character U+000A at position 4"),
    ("annotator", "an\ud800a", "annotator holds the character U+D800 at position 3"),
    ("annotator", "  ", "annotator must be a non-empty name"),
    ("annotator", "x" * 201, "annotator is too long: 201 characters, at most 200"),
    ("comment", "fine\ud800", "comment holds the character U+D800 at position 5"),
    ("comment", "nul\x00", "comment holds the character U+0000 at position 4"),
    ("comment", "x" * 10_001, "comment is too long: 10001 characters, at most 10000"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_every_engine_refuses_the_same_values_with_the_same_message(field, value, message, store_url):
    store = nl.Store(store_url)
    project_id = store.open_project("p", nl.Classify(["a", "b"], text="text"))
    event = {"annotator": "ana", "comment": None, field: value}
    with pytest.raises(ValueError, match=re.escape(message)):
        store.append(project_id, [NewEvent(item="1", event="label", value="a", source="human", **event)])
    assert store.read(project_id) == [], "nothing was written"
    store.close()


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_code_and_the_widget_refuse_the_same_values_with_the_same_message(field, value, message, tmp_path):
    df = pd.DataFrame({"text": ["x", "y"]})
    proj = nl.Project(df, nl.Classify(["a", "b"], text="text"), store=tmp_path / "f.db")
    with pytest.raises(ValueError, match=re.escape(message)):
        proj.add(0, "a", **{"annotator": "ana", field: value})
    if field == "annotator":
        with pytest.raises(ValueError, match=re.escape(message)):
            proj.label(value)
    else:
        view = Browser(proj.label("ana"))
        view.hello()
        [reply] = view.answer(0, "a", req="r", comment=value)
        assert reply["kind"] == "reject" and message in reply["reason"]
    assert proj.annotations.empty
    proj.close()


@pytest.mark.parametrize(
    ("label", "message"),
    [("a\x00", "label holds the character U+0000"), ("two\nlines", "label holds the character U+000A"),
     ("x" * 201, "label is too long: 201 characters"), ("", "label must be a non-empty string")],
)
def test_labels_follow_one_rule_in_every_task(label, message):
    for make in (lambda: nl.Classify(["ok", label]), lambda: nl.Spans(["ok", label], text="t")):
        with pytest.raises(ValueError, match=re.escape(message)):
            make()
