"""Snapshots: the answers as of an event id or a time, fixed, with a manifest."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import nblabel as nl
from nblabel.io.snapshot import content_hash, events_as_of


def test_labels_as_of_an_event_id_are_the_labels_of_then(project):
    seen = {0: project.labels()}
    for item, value, who in [("t0", "pos", "ana"), ("t0", "neg", "bob"), ("t1", "neutral", "ana")]:
        event_id = project.add(item, value, annotator=who)
        seen[event_id] = project.labels()
    project.retract("t1", annotator="ana")
    for event_id, then in seen.items():
        pd.testing.assert_series_equal(project.labels(as_of=event_id), then)
    assert project.labels(as_of=2, annotator="ana")["t0"] == "pos"
    assert project.labels(as_of=3, how="majority")["t1"] == "neutral"


def test_labels_as_of_keep_the_write_back_name(texts, task, tmp_path):
    proj = nl.Project(texts, task, store=tmp_path / "w.db", into="gold_label")
    proj.add("t0", "pos", annotator="ana")
    assert proj.labels(as_of=1).name == "gold_label"
    assert "gold_label" not in proj.snapshot().df.columns, "the write-back column is not an item"
    proj.close()


def test_a_snapshot_does_not_change_as_answers_arrive(project):
    project.add("t0", "pos", annotator="ana")
    snap = project.snapshot()
    before = (snap.annotations.copy(), snap.labels().copy(), snap.manifest)
    project.add("t0", "neg", annotator="ana")
    project.add("t1", "neg", annotator="bob")
    project.df.loc["t2", "text"] = "edited"
    assert snap.last_id == 1 and len(snap.annotations) == 1
    pd.testing.assert_frame_equal(snap.annotations, before[0])
    pd.testing.assert_series_equal(snap.labels(), before[1])
    assert snap.manifest == before[2]
    assert snap.df.loc["t2", "text"] != "edited"
    with pytest.raises(ValueError, match="no answers by 'bob' in this snapshot"):
        snap.labels(annotator="bob")


def test_as_of_a_time_is_what_the_store_held_then(project):
    project.add("t0", "pos", annotator="ana")
    cut = pd.Timestamp.now(tz="UTC")
    earlier = pd.DataFrame({"item": ["t1"], "annotator": "bob", "value": "neg",
                            "created_at": [pd.Timestamp("2020-01-01", tz="UTC")]})
    project.add_many(earlier)  # given in 2020, imported now: not held at ``cut``
    project.add("t2", "neutral", annotator="ana")
    assert project.labels(as_of=cut).dropna().to_dict() == {"t0": "pos"}
    assert project.labels(as_of=cut.isoformat()).dropna().to_dict() == {"t0": "pos"}
    naive = cut.tz_convert(None).to_pydatetime()
    assert project.labels(as_of=naive).dropna().to_dict() == {"t0": "pos"}
    assert project.labels(as_of="2019-12-31").isna().all()
    assert project.snapshot(as_of=pd.Timestamp.now(tz="UTC")).last_id == 3


def test_as_of_is_checked(project):
    project.add("t0", "pos", annotator="ana")
    with pytest.raises(ValueError, match="after the newest event"):
        project.labels(as_of=5)
    with pytest.raises(ValueError, match="in the future"):
        project.snapshot(as_of=pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1))
    with pytest.raises(ValueError, match="as_of must be an event id"):
        project.labels(as_of=-1)
    with pytest.raises(ValueError, match="as_of must be an event id"):
        project.snapshot(as_of="last tuesday")
    with pytest.raises(TypeError, match="as_of must be an event id"):
        project.snapshot(as_of=1.5)
    assert project.snapshot(as_of=0).labels().isna().all()


def test_the_manifest_says_what_the_snapshot_holds(texts, tmp_path):
    task = nl.Classify(["pos", "neg"], text="text",
                       guidelines=nl.Guideline("Be **kind**.", name="v1"))
    proj = nl.Project(texts, task, store=tmp_path / "m.db", name="reviews")
    proj.add("t0", "pos", annotator="ana")
    proj.add("t1", "neg", annotator="bob")
    proj.add("t1", "pos", annotator="bob")
    proj.skip("t2", annotator="ana")
    manifest = proj.snapshot(as_of=3).manifest
    assert set(manifest) == {"nblabel_version", "project", "store", "taken_at", "as_of", "events",
                             "task", "guidelines", "annotators"}
    assert manifest["project"] == "reviews" and manifest["as_of"] == 3
    assert manifest["nblabel_version"] not in ("", None)
    assert manifest["events"]["count"] == 3
    assert (manifest["events"]["first_id"], manifest["events"]["last_id"]) == (1, 3)
    assert manifest["task"] == json.loads(task.to_json())
    assert manifest["guidelines"] == [
        {"version": task.guideline_version, "name": "v1", "events": 3}]
    assert manifest["annotators"] == {"ana": {"events": 1, "labels": 1},
                                      "bob": {"events": 2, "labels": 1}}
    json.dumps(manifest)  # plain data
    again = proj.snapshot(as_of=3).manifest
    assert again["events"]["content_hash"] == manifest["events"]["content_hash"]
    assert proj.snapshot().manifest["events"]["content_hash"] != manifest["events"]["content_hash"]
    proj.close()


def test_export_manifests_hash_the_exported_data(project, tmp_path):
    project.add("t0", "pos", annotator="ana")
    snap = nl.io.snapshot(project)
    data = snap.labels().dropna().to_frame()
    manifest = snap.export_manifest(data, format="csv", how="latest", lost=["comments"])
    assert manifest["export"]["format"] == "csv" and manifest["export"]["rows"] == 1
    assert manifest["export"]["labels"]["how"] == "latest"
    assert "most recent" in manifest["export"]["labels"]["rule"]
    assert manifest["export"]["lost"] == ["comments"]
    assert manifest["export"]["content_hash"] == content_hash(data)
    path = nl.io.write_manifest(tmp_path / "labels.csv", manifest)
    assert path.name == "labels.csv.manifest.json"
    assert json.loads(path.read_text(encoding="utf-8")) == manifest


def test_content_hashes_are_stable_and_sensitive():
    frame = pd.DataFrame({"value": [["a", "b"], {"x": 1}], "t": pd.to_datetime(["2024-01-01"] * 2)})
    assert content_hash(frame) == content_hash(frame.copy())
    assert content_hash(frame) != content_hash(frame.assign(value=[["a"], {"x": 1}]))
    assert content_hash(frame) != content_hash(frame.set_axis([5, 6]))
    assert content_hash([{"a": 1, "b": 2}]) == content_hash([{"b": 2, "a": 1}])
    assert content_hash({"raw": b"\x00\x01"}).startswith("sha256:")


def test_io_snapshot_takes_a_project_or_a_snapshot(project):
    project.add("t0", "pos", annotator="ana")
    snap = nl.io.snapshot(project, as_of=1)
    assert nl.io.snapshot(snap) is snap
    with pytest.raises(ValueError, match="already a snapshot"):
        nl.io.snapshot(snap, as_of=1)
    with pytest.raises(TypeError, match="an nl.Project or an nl.io.Snapshot"):
        nl.io.snapshot(project.annotations)
    assert "1 events up to id 1" in repr(snap)


def test_consensus_as_of_counts_only_qualified_annotators(texts, tmp_path):
    df = texts.assign(known=["pos", "neg", None, None, None, None, None, None])
    task = nl.Classify(["pos", "neg", "neutral"], text="text")
    proj = nl.Project(df, task, store=tmp_path / "g.db", gold=nl.Gold("known", qualify=2))
    for who, answers in {"ana": ["pos", "neg", "neutral"], "bob": ["neg", "pos", "pos"]}.items():
        for item, value in zip(["t0", "t1", "t2"], answers, strict=True):
            proj.add(item, value, annotator=who)
    snap = proj.snapshot()
    assert snap.labels(how="majority")["t2"] == "neutral", "bob did not qualify"
    assert set(snap.counted()["annotator"]) == {"ana"}
    assert proj.labels(how="majority", as_of=snap.last_id).equals(proj.labels(how="majority"))
    proj.close()


def test_events_as_of_copies_the_log(project):
    project.add("t0", "pos", annotator="ana")
    log = project._ledger.log
    copy = events_as_of(log, None)
    project.add("t1", "pos", annotator="ana")
    assert len(copy) == 1 and len(log) == 2
