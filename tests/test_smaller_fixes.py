"""Smaller rules: token snapping from code, who is told about qualification, full items."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl


def test_spans_from_code_follow_the_tasks_token_snapping_except_suggestions(tmp_path):
    df = pd.DataFrame({"text": ["Ann Lee met Bob"], "pre": [[{"start": 1, "end": 3, "label": "PER"}]]})
    task = nl.Spans(["PER"], text="text", tokens="words", suggest="pre")
    proj = nl.Project(df, task, store=tmp_path / "s.db")
    with pytest.raises(ValueError, match=r"span \(1, 6, 'PER'\) 'nn Le' does not line up with the task's "
                                         r"tokens; the tokens it touches span \(0, 7\)"):
        proj.add(0, [{"start": 1, "end": 6, "label": "PER"}], annotator="ana")
    proj.add(0, [{"start": 0, "end": 7, "label": "PER"}], annotator="ana")
    proj.add(0, [{"start": 1, "end": 3, "label": "PER"}], annotator="bob")  # the item's suggestion
    assert len(proj.annotations) == 2
    proj.close()


def test_a_reviewer_is_not_shown_a_qualification_round(tmp_path):
    df = pd.DataFrame({"text": list("abcdef"), "known": ["x", "y", None, None, None, None]})
    proj = nl.Project(df, nl.Classify(["x", "y"], text="text"), store=tmp_path / "q.db",
                      gold=nl.Gold("known", qualify=2, threshold=0.5))
    assert "qualification" in Browser(proj.label("ana")).widget.progress
    proj.add(2, "x", annotator="ana"), proj.add(2, "y", annotator="ben")
    review = proj.review("lead")
    assert "qualification" not in review.progress
    proj.close()


def test_a_full_item_from_code_says_so_without_talk_of_reservations(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"]})
    proj = nl.Project(df, nl.Classify(["x", "y"], text="text"), store=tmp_path / "o.db", overlap=1)
    proj.add(0, "x", annotator="ana")
    with pytest.raises(nl.StoreError, match="item 0 already has its 1 answers") as error:
        proj.add(0, "y", annotator="ben")
    assert "reservation" not in str(error.value)
    proj.close()
