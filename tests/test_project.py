import numpy as np
import pandas as pd
import pytest

import nblabel as nl
from nblabel.project import default_annotator


def test_add_and_annotations(project, texts):
    event_id = project.add("t1", "neg", annotator="ana", flag=True, comment="sure?")
    project.add("t2", "pos", annotator="bob")
    table = project.annotations
    assert list(table.columns) == [
        "event_id", "item", "annotator", "value", "event", "flag", "comment", "source",
        "guideline", "created_at", "duration_ms", "meta",
    ]
    assert table["item"].tolist() == ["t1", "t2"]
    assert table.loc[0, "event_id"] == event_id
    assert table.loc[0, "flag"] == "unsure" and table.loc[0, "comment"] == "sure?"
    assert table["source"].tolist() == ["human", "human"]
    assert str(table["created_at"].dtype) == "datetime64[us, UTC]"
    table.loc[0, "value"] = "changed"
    assert project.annotations.loc[0, "value"] == "neg", "callers get a copy"


def test_add_validates_before_storing(project):
    with pytest.raises(ValueError, match="'great' is not a label"):
        project.add("t1", "great", annotator="ana")
    with pytest.raises(ValueError, match="item 'nope' is not in the DataFrame's index"):
        project.add("nope", "pos", annotator="ana")
    with pytest.raises(ValueError, match="annotator must be"):
        project.add("t1", "pos", annotator="  ")
    with pytest.raises(ValueError, match="source="):
        project.add("t1", "pos", annotator="ana", source="crowd")
    with pytest.raises(ValueError, match="flag must be"):
        project.add("t1", "pos", annotator="ana", flag="maybe")
    with pytest.raises(TypeError, match="valid ones are"):
        project.add("t1", "pos", annotator="ana", flagged=True)
    assert len(project.annotations) == 0


def test_current_answer_rules(project):
    project.add("t0", "pos", annotator="ana")
    project.add("t0", "neg", annotator="ana")
    project.add("t0", "neutral", annotator="bob")
    assert project.labels(annotator="ana")["t0"] == "neg"
    assert project.labels()["t0"] == "neutral"
    with pytest.raises(ValueError, match=r"no answers by 'anna' in this project; annotators so far: \['ana', 'bob'\]"):
        project.labels(annotator="anna")
    with pytest.raises(ValueError, match="annotator must be a non-empty name"):
        project.labels(annotator=3)
    project.retract("t0", annotator="bob")
    assert project.labels()["t0"] == "neg"
    project.skip("t0", annotator="ana")
    assert pd.isna(project.labels()["t0"])
    with pytest.raises(ValueError, match="no answer for item 't0' to retract"):
        project.retract("t0", annotator="bob")
    assert project.annotations["event"].tolist() == ["label", "label", "label", "retract", "skip"]


def test_labels_are_aligned_to_the_index(project, texts):
    project.add("t3", "pos", annotator="ana")
    labels = project.labels()
    assert labels.index.equals(texts.index)
    assert labels["t3"] == "pos"
    assert labels.isna().sum() == len(texts) - 1
    with pytest.raises(ValueError, match="how='vote' is not supported"):
        project.labels(how="vote")


def test_progress(project):
    project.add("t0", "pos", annotator="ana", flag=True)
    project.add("t1", "pos", annotator="ana")
    project.skip("t2", annotator="ana")
    project.add("t0", "neg", annotator="bob")
    table = project.progress()
    assert table.loc["ana", ["labeled", "skipped", "done", "flagged", "remaining"]].tolist() == [2, 1, 3, 1, 5]
    assert table.loc["bob", "done"] == 1
    assert table.loc["ana", "percent"] == round(300 / 8, 1)


def test_resume_from_the_same_store(texts, task, store_path):
    first = nl.Project(texts, task, store=store_path, name="demo")
    first.add("t0", "pos", annotator="ana")
    first.add("t1", "neg", annotator="ana", comment="hmm")
    first.close()
    again = nl.Project(texts, task, store=store_path, name="demo")
    assert again.labels(annotator="ana").dropna().to_dict() == {"t0": "pos", "t1": "neg"}
    assert again.annotations["comment"].tolist() == [None, "hmm"]
    again.close()


def test_other_kernels_answers_appear_on_refresh(texts, task, store_path):
    one = nl.Project(texts, task, store=store_path, name="demo")
    two = nl.Project(texts, task, store=store_path, name="demo")
    one.add("t0", "pos", annotator="ana")
    two.add("t1", "neg", annotator="bob")
    one.add("t2", "pos", annotator="ana")
    assert one.annotations["item"].tolist() == ["t0", "t1", "t2"]
    assert two.annotations["item"].tolist() == ["t0", "t1", "t2"]
    one.close()
    two.close()


def test_store_created_by_a_different_task(texts, task, store_path):
    with nl.Project(texts, task, store=store_path, name="demo") as first:
        first.add("t0", task.labels[0], annotator="ana")
    with pytest.raises(nl.TaskMismatchError, match="missing from this task"):
        nl.Project(texts, nl.Classify(["good", "bad"], text="text"), store=store_path, name="demo")
    grown = nl.Project(texts, nl.Classify([*task.labels, "spam"], text="text"), store=store_path, name="demo")
    grown.add("t0", "spam", annotator="ana")
    grown.close()


@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(3),
        pd.Index([10, 20, 30], dtype="int32"),
        pd.Index(["a", "b", "c"]),
        pd.Index(["a", "b", "c"], dtype=object),
        pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]).tz_localize("UTC"),
        pd.Index([0.5, 1.5, 2.5]),
    ],
    ids=["range", "int32", "str", "object-str", "datetime", "datetime-utc", "float"],
)
def test_item_ids_keep_their_type(index, task, store_path):
    df = pd.DataFrame({"text": ["x", "y", "z"]}, index=index)
    proj = nl.Project(df, task, store=store_path)
    proj.add(index[1], "pos", annotator="ana")
    proj.add(index[2].item() if hasattr(index[2], "item") else index[2], "neg", annotator="ana")
    proj.close()
    reopened = nl.Project(df, task, store=store_path)
    items = reopened.annotations["item"]
    assert items.dtype == index.dtype
    assert items.tolist() == [index[1], index[2]]
    assert reopened.labels().index.equals(index)
    reopened.close()


def test_numpy_scalar_items(task):
    df = pd.DataFrame({"text": ["x", "y"]}, index=np.array([5, 7], dtype=np.int64))
    proj = nl.Project(df, task, store=":memory:")
    proj.add(np.int64(7), "pos", annotator="ana")
    assert proj.annotations["item"].tolist() == [7]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"text": ["a", "b"]}, index=[1, 1]), r"duplicated values \(e.g. \[1\]\).*reset_index\(drop=True\)"),
        (pd.DataFrame({"text": ["a", "b"]}, index=pd.MultiIndex.from_tuples([(1, "x"), (2, "y")], names=["k", "v"])), r"MultiIndex \(levels \['k', 'v'\]\).*reset_index\(\)"),
        (pd.DataFrame({"text": []}), "has no rows"),
        (pd.DataFrame({"text": ["a", "b"]}, index=[1.0, np.nan]), "missing values"),
        (pd.DataFrame({"text": ["a"]}, index=pd.Index([(1, 2)], tupleize_cols=False)), "cannot serve as item ids"),
    ],
    ids=["duplicates", "multiindex", "empty", "nan-index", "tuple-index"],
)
def test_bad_frames(frame, message, task):
    with pytest.raises(ValueError, match=message):
        nl.Project(frame, task, store=":memory:")


def test_not_a_frame(task):
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        nl.Project([{"text": "a"}], task, store=":memory:")
    with pytest.raises(TypeError, match="task must be a task"):
        nl.Project(pd.DataFrame({"text": ["a"]}), "classify", store=":memory:")


def test_missing_column_lists_existing_ones(texts):
    with pytest.raises(ValueError, match=r"columns \['body'\] that df does not have; its columns are \['text'\]"):
        nl.Project(texts, nl.Classify(["a"], text="body"), store=":memory:")


def test_into_writes_back_latest_label(texts, task, store_path):
    proj = nl.Project(texts, task, store=store_path, name="demo", into="label")
    assert "label" in texts.columns and texts["label"].isna().all()
    proj.add("t0", "pos", annotator="ana")
    proj.add("t0", "neg", annotator="bob")
    assert texts.loc["t0", "label"] == "neg"
    proj.retract("t0", annotator="bob")
    assert texts.loc["t0", "label"] == "pos"
    proj.close()
    fresh = texts.drop(columns="label")
    nl.Project(fresh, task, store=store_path, name="demo", into="label").close()
    assert fresh.loc["t0", "label"] == "pos", "write-back is restored when a project is reopened"
    with pytest.raises(ValueError, match="is a column the task shows"):
        nl.Project(texts, task, store=":memory:", into="text")


def test_multi_label_write_back(texts, store_path):
    proj = nl.Project(texts, nl.Classify(["a", "b"], text="text", multi=True), store=store_path, into="tags")
    proj.add("t1", ["b", "a"], annotator="ana")
    assert texts.loc["t1", "tags"] == ["a", "b"]


def test_label_shorthand(texts, task, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = nl.label(texts, task, annotator="ana")
    assert (tmp_path / "nblabel.db").exists(), "the default store is a SQLite file in the cwd"
    assert widget.project.name == "default"
    assert widget.annotator == "ana"
    with pytest.raises(TypeError, match=r"\['windw'\]; valid ones are"):
        nl.label(texts, task, windw=3)
    widget.project.close()


def test_default_annotator(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert default_annotator() == "hubuser"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert default_annotator()


def test_project_arguments_are_checked(texts, task):
    with pytest.raises(ValueError, match="order='random' is not supported"):
        nl.Project(texts, task, store=":memory:", order="random")
    with pytest.raises(ValueError, match="name must be"):
        nl.Project(texts, task, store=":memory:", name="")
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['stor'\]"):
        nl.Project(texts, task, stor=":memory:")


def test_repr(project):
    project.add("t0", "pos", annotator="ana")
    assert "1 events from 1 annotators" in repr(project)


def test_unicode_round_trip(project):
    comment = "ok 👩‍👩‍👧 café שלום 日本"
    project.add("t2", "pos", annotator="ана", comment=comment)
    row = project.annotations.iloc[0]
    assert row["comment"] == comment and row["annotator"] == "ана"
