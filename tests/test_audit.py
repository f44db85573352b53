import numpy as np
import pandas as pd
import pytest

import nblabel as nl


def events(rows):
    """An event log like proj.annotations from (annotator, minutes, event, value, seconds)."""
    start = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    return pd.DataFrame(
        {
            "event_id": np.arange(1, len(rows) + 1),
            "item": np.arange(len(rows)),
            "annotator": [r[0] for r in rows],
            "created_at": [start + pd.Timedelta(minutes=r[1]) for r in rows],
            "event": [r[2] for r in rows],
            "value": [r[3] for r in rows],
            "duration_ms": pd.array([None if r[4] is None else r[4] * 1000 for r in rows], dtype="Int64"),
        }
    )


def test_throughput_per_annotator_and_hour():
    log = events([
        ("ana", 1, "label", "bug", 4), ("ana", 2, "label", "bug", 6), ("ana", 3, "skip", None, 2),
        ("ana", 70, "label", "praise", 3), ("ben", 5, "label", "bug", 10), ("ben", 6, "retract", None, None),
    ])
    table = nl.audit.throughput(log, freq="1h")
    assert table[["annotator", "answers", "skips"]].values.tolist() == [["ana", 3, 1], ["ana", 1, 0], ["ben", 1, 0]]
    assert table["period"].dt.hour.tolist() == [9, 10, 9]
    assert table.loc[0, "median_seconds"] == 4.0
    assert table.loc[0, "per_hour"] == pytest.approx(3600 * 3 / 12)
    with pytest.raises(ValueError, match="not a pandas frequency"):
        nl.audit.throughput(log, freq="fortnightly-ish")


def test_label_drift_rises_when_an_annotator_changes_their_reading():
    rows = [("ana", i, "label", "bug" if i < 20 else "feature_request", 5) for i in range(40)]
    rows += [("ben", i, "label", ["bug", "praise"][i % 2], 5) for i in range(40)]
    drift = nl.audit.label_drift(events(rows), window=10)
    ana = drift[drift["annotator"] == "ana"].drop_duplicates("window")
    assert ana["drift"].round(3).tolist() == [0.5, 0.5, 0.5, 0.5]
    ben = drift[drift["annotator"] == "ben"].drop_duplicates("window")
    assert ben["drift"].max() == 0.0
    first = drift[(drift["annotator"] == "ana") & (drift["window"] == 0)]
    assert first[["label", "share", "answers"]].values.tolist() == [["bug", 1.0, 10]]


def test_label_drift_on_multi_label_answers():
    rows = [("ana", i, "label", ["bug", "sync"] if i % 2 else ["bug"], 5) for i in range(8)]
    drift = nl.audit.label_drift(events(rows), window=4)
    assert drift.groupby("window")["share"].sum().round(6).eq(1).all()


def test_on_a_real_project(tmp_path):
    df = pd.DataFrame({"text": list("abcdef")})
    proj = nl.Project(df, nl.Classify(["x", "y"], text="text"), store=tmp_path / "a.db")
    for item in range(6):
        proj.add(item, "x" if item < 3 else "y", annotator="ana")
    assert nl.audit.throughput(proj.annotations)["answers"].sum() == 6
    assert set(nl.audit.label_drift(proj.annotations, window=3)["drift"]) == {0.5}


def test_bad_input():
    with pytest.raises(TypeError, match="event log"):
        nl.audit.throughput([1, 2])
    with pytest.raises(ValueError, match=r"missing: \['event', 'created_at'\]"):
        nl.audit.throughput(pd.DataFrame({"annotator": ["a"]}))
    with pytest.raises(ValueError, match="window must be"):
        nl.audit.label_drift(events([("a", 1, "label", "x", 1)]), window=0)
    with pytest.raises(TypeError, match="valid ones are"):
        nl.audit.label_drift(events([]), size=3)
