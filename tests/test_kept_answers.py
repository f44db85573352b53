"""Answers a lost kernel never saved: the key views keep them under, and their check on return."""

import json

import pandas as pd
from test_widget_protocol import Browser

import nblabel as nl


def _project(path, df=None, name="default"):
    df = pd.DataFrame({"text": ["one", "two", "three"]}, index=["a", "b", "c"]) if df is None else df
    return nl.Project(df, nl.Classify(["x", "y"], text="text"), store=path, name=name)


def test_views_of_one_annotator_and_project_share_a_storage_key(tmp_path):
    project = _project(tmp_path / "k.db")
    first, second = project.label("ana"), project.label("ana")
    store, name, annotator, kind = json.loads(first.storage_key)
    assert (store, name, annotator, kind) == (project.store.url, "default", "ana", "human")
    assert second.storage_key == first.storage_key
    assert project.label("bo").storage_key != first.storage_key
    assert project.review("ana").storage_key != first.storage_key, "decisions are kept apart"
    assert _project(tmp_path / "k.db", name="other").label("ana").storage_key != first.storage_key


def test_a_kept_answer_is_stored_only_on_the_item_it_was_given_to(tmp_path):
    path = tmp_path / "i.db"
    view = Browser(_project(path).label("ana"))
    view.hello()
    assert view.answer(1, "x", req="r1", item='"b"', based_on=0)[0]["kind"] == "ack"
    moved = _project(path, pd.DataFrame({"text": ["three", "one", "two"]}, index=["c", "a", "b"]))
    again = Browser(moved.label("ana"))
    again.hello()
    [reply] = [m for m in again.answer(1, "y", req="r2", item='"b"', based_on=0) if m["kind"] == "reject"]
    assert "given to item \"b\" in an earlier view" in reply["reason"]
    assert moved.labels(annotator="ana").dropna().to_dict() == {"b": "x"}
    [reply] = [m for m in again.say(kind="retract", req="r3", pos=1, item='"b"', based_on=0) if m["kind"] == "reject"]
    assert "another item is at its place" in reply["reason"]
