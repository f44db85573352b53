"""Reopening a store with a DataFrame whose index changed: said on open, never counted, movable."""

import warnings

import pandas as pd
import pytest

import nblabel as nl
from nblabel.ledger.orphans import OrphanedAnswersWarning

TASK = nl.Classify(["a", "b"], text="text")


def _labelled(path, n=4):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(n)]})
    with nl.Project(df, TASK, store=path) as proj:
        proj.add(0, "a", annotator="ana", comment="sure")
        proj.add(1, "b", annotator="ana")
        proj.add(1, "a", annotator="ben")
        proj.skip(2, annotator="ana")
    return df


def test_an_index_turned_into_strings_is_said_on_open_and_rekey_moves_the_answers(tmp_path):
    df = _labelled(tmp_path / "r.db")
    strings = df.set_axis(df.index.astype(str))
    with pytest.warns(OrphanedAnswersWarning, match=r"4 stored answers \(3 items\).*rekey\(str\)") as said:
        proj = nl.Project(strings, TASK, store=tmp_path / "r.db")
    assert said[0].filename == __file__, "the warning points at the caller"
    assert proj.labels().isna().all(), "no answer is shown on the wrong row"
    assert proj.progress().loc["ana", "done"] == 0, "progress counts only items that exist"

    assert proj.rekey(str) == 4
    ana = proj.labels(annotator="ana")
    assert ana.iloc[:2].tolist() == ["a", "b"] and ana.iloc[2:].isna().all()
    assert proj.labels(annotator="ben")["1"] == "a"
    assert proj.progress().loc["ana", ["labeled", "skipped"]].tolist() == [2, 1]
    events = proj.annotations
    moved = events[events["item"] == "0"].iloc[0]
    assert moved["comment"] == "sure" and moved["meta"]["rekeyed_from"] == 0
    assert (events["event"] == "retract").sum() == 4, "the old ids are retracted, not deleted"
    proj.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error", OrphanedAnswersWarning)
        nl.Project(strings, TASK, store=tmp_path / "r.db").close()  # nothing left to say


def test_a_dropped_row_is_not_counted_and_rekey_checks_everything_first(tmp_path):
    df = _labelled(tmp_path / "d.db")
    fewer = df.drop(index=0)
    with pytest.warns(OrphanedAnswersWarning, match=r"1 stored answers \(1 items\).*\[0\]"):
        proj = nl.Project(fewer, TASK, store=tmp_path / "d.db")
    table = proj.progress()
    assert table.loc["ana", "done"] == 2 and table.loc["ana", "percent"] == pytest.approx(66.7)
    with pytest.raises(ValueError, match="not in the DataFrame's index"):
        proj.rekey({0: 99})
    with pytest.raises(ValueError, match="'ana' already answered item 1"):
        proj.rekey({0: 1})
    with pytest.raises(TypeError, match="mapping must be a dict or a function"):
        proj.rekey(5)
    before = len(proj.annotations)
    assert proj.rekey({0: 3}) == 1 and len(proj.annotations) == before + 2
    assert proj.labels(annotator="ana")[3] == "a"
    proj.close()


def test_rekey_checks_an_answer_against_its_new_item(tmp_path):
    df = pd.DataFrame({"text": ["Ann met Bob", "Cy"]})
    task = nl.Spans(["PER"], text="text")
    with nl.Project(df, task, store=tmp_path / "s.db") as proj:
        proj.add(0, [{"start": 8, "end": 11, "label": "PER"}], annotator="ana")
    moved = df.set_axis(["x", "y"])
    with pytest.warns(OrphanedAnswersWarning):
        proj = nl.Project(moved, task, store=tmp_path / "s.db")
    with pytest.raises(ValueError, match="does not fit item 'y'"):
        proj.rekey({0: "y"})
    assert proj.rekey({0: "x"}) == 1
    proj.close()
