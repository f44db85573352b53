"""Bulk import: every row checked first, all or nothing, one transaction, idempotent."""

from __future__ import annotations

import pandas as pd
import pytest

import nblabel as nl
from nblabel.ledger import bulk
from nblabel.ledger.bulk import ImportRefused
from nblabel.store import LogChanged, NewEvent, Store


def frame(**columns):
    return pd.DataFrame(columns)


def test_imports_a_tidy_frame_with_every_column(project):
    earlier = frame(
        item=["t0", "t1", "t1"],
        annotator=["ana", "ana", "bob"],
        value=["pos", "neg", None],
        event=["label", "label", "skip"],
        flag=[True, None, None],
        comment=[None, "hm", "unclear"],
        source=["human", "gold", "human"],
        guideline=["abc123", None, None],
        created_at=["2024-01-02 10:00", "2024-01-02T12:00:00+02:00", pd.NaT],
        duration_ms=[1200, None, 800.0],
    )
    report = project.add_many(earlier)
    assert (report.added, report.present, len(report.refused)) == (3, 0, 0)
    table = project.annotations
    assert table["event_id"].tolist() == report.event_ids
    assert table["item"].tolist() == ["t0", "t1", "t1"]
    assert table["value"].tolist() == ["pos", "neg", None]
    assert table["event"].tolist() == ["label", "label", "skip"]
    assert table["flag"].tolist() == ["unsure", None, None]
    assert table["comment"].tolist() == [None, "hm", "unclear"]
    assert table["source"].tolist() == ["human", "gold", "human"]
    assert table["guideline"].tolist() == ["abc123", None, None]
    assert table["created_at"][0] == pd.Timestamp("2024-01-02 10:00", tz="UTC")
    assert table["created_at"][1] == pd.Timestamp("2024-01-02 10:00", tz="UTC")
    assert table["created_at"][2] > pd.Timestamp("2025-01-01", tz="UTC")  # missing: now
    assert table["duration_ms"].tolist() == [1200, pd.NA, 800]
    assert all(meta["import_key"] and meta["imported_us"] for meta in table["meta"])
    assert project.labels(annotator="ana").tolist()[:2] == ["pos", "neg"]


def test_annotator_and_source_fill_rows_without_them(project):
    earlier = frame(item=["t0", "t1"], annotator=["bob", None], value=["pos", "neg"])
    project.add_many(earlier, annotator="ana", source="adjudicated")
    table = project.annotations
    assert table["annotator"].tolist() == ["bob", "ana"]
    assert table["source"].tolist() == ["adjudicated", "adjudicated"]
    with pytest.raises(ValueError, match="say who answered"):
        project.add_many(frame(item=["t0"], value=["pos"]))
    with pytest.raises(ValueError, match="source='crowd' is not one of"):
        project.add_many(earlier, annotator="ana", source="crowd")
    with pytest.raises(ValueError, match="on_error='ignore' is not one of"):
        project.add_many(earlier, on_error="ignore")
    with pytest.raises(TypeError, match="valid ones are"):
        project.add_many(earlier, annotators="ana")


def test_one_bad_row_refuses_everything_and_says_what_and_how(project):
    earlier = frame(
        item=["t0", "t1", "nope", "t3", "t4", "t5", "t6"],
        annotator=["ana", "ana", "ana", "ana\x07", "ana", "ana", "ana"],
        value=["pos", "great", "pos", "pos", "pos", "pos", "pos"],
        flag=[None, None, None, None, "maybe", None, None],
        duration_ms=[None, None, None, None, None, -5, None],
        created_at=[None, None, None, None, None, None, 12],
    )
    with pytest.raises(ImportRefused) as raised:
        project.add_many(earlier)
    message = str(raised.value)
    assert message.startswith("6 of 7 rows cannot be imported, so nothing was stored:")
    assert "row 1 (item 't1', annotator 'ana') value: 'great' is not a label" in message
    assert "row 2 (item 'nope', annotator 'ana') item: item 'nope' is not in the DataFrame" in message
    assert "and 1 more" in message and "on_error='skip' to import the 1 other rows" in message
    refused = raised.value.refused
    assert refused["row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert refused["field"].tolist() == ["value", "item", "annotator", "flag", "duration_ms", "created_at"]
    assert "U+0007" in refused["reason"][2]
    assert "the number 12" in refused["reason"][5]
    assert isinstance(raised.value, ValueError)
    assert len(project.annotations) == 0, "nothing is stored"


def test_skip_stores_the_good_rows_and_reports_the_others(project):
    earlier = frame(item=["t0", "t1", "t2"], annotator="ana", value=["pos", "great", "neg"],
                    comment=[None, None, "x" * 10_001])
    report = project.add_many(earlier, on_error="skip")
    assert (report.added, report.present) == (1, 0)
    assert report.refused[["row", "item", "field"]].values.tolist() == [
        [1, "t1", "value"], [2, "t2", "comment"],
    ]
    assert "too long" in report.refused["reason"][1]
    assert repr(report) == "ImportReport(added=1, already present=0, refused=2)"
    assert project.annotations["item"].tolist() == ["t0"]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ({"event": "undo"}, "event", "event='undo' is not one of"),
        ({"event": "suggest"}, "event", "event='suggest' is not one of"),
        ({"event": "skip"}, "value", "a skip carries no value"),
        ({"value": None}, "value", "a label needs a value"),
        ({"value": ["pos"]}, "value", "is not a label of this task"),
        ({"source": "crowd"}, "source", "source='crowd' is not one of"),
        ({"meta": "details"}, "meta", "meta must be a dict"),
        ({"meta": {"why": 1}}, "meta", "classification answers carry"),
        ({"meta": {"suggestion": "neg", "accepted": True}}, "meta", "'accepted' is True"),
        ({"created_at": "yesterday-ish"}, "created_at", "is not a time"),
        ({"guideline": "v\n1"}, "guideline", "cannot be stored"),
        ({"annotator": ""}, "annotator", "annotator must be a non-empty name"),
    ],
)
def test_each_field_follows_its_rule(project, row, field, reason):
    cells = {"item": "t0", "annotator": "ana", "value": "pos", **row}
    with pytest.raises(ImportRefused) as raised:
        project.add_many(pd.DataFrame([cells]))
    refused = raised.value.refused
    assert refused["field"].tolist() == [field]
    assert reason in refused["reason"][0]


def test_frame_checks_come_first(project):
    with pytest.raises(TypeError, match="takes a pandas DataFrame"):
        project.add_many([{"item": "t0", "value": "pos"}], annotator="ana")
    with pytest.raises(ValueError, match=r"columns add_many does not know: \['label'\]"):
        project.add_many(frame(item=["t0"], annotator="ana", label=["pos"]))
    with pytest.raises(ValueError, match="needs an 'item' column"):
        project.add_many(frame(annotator=["ana"], value=["pos"]))
    with pytest.raises(ValueError, match="needs a 'value' column"):
        project.add_many(frame(item=["t0"], annotator=["ana"]))
    with pytest.raises(ValueError, match="key='ls_id' is not a column"):
        project.add_many(frame(item=["t0"], annotator=["ana"], value=["pos"]), key="ls_id")
    skips = frame(item=["t0"], annotator=["ana"], event=["skip"])
    assert project.add_many(skips).added == 1
    assert project.add_many(frame(item=[], annotator=[], value=[])).added == 0


def test_spans_are_checked_against_their_own_item(tmp_path):
    df = pd.DataFrame({"text": ["Ana 👩‍👩‍👧 Paris", "short"]})
    proj = nl.Project(df, nl.Spans(["PER", "LOC"], text="text"), store=tmp_path / "s.db")
    good = [(0, 3, "PER"), (10, 15, "LOC")]
    earlier = frame(item=[0, 1], annotator="ana", value=[good, [(0, 9, "LOC")]])
    report = proj.add_many(earlier, on_error="skip")
    assert report.added == 1 and "out of bounds" in report.refused["reason"][0]
    assert proj.labels()[0] == [{"start": 0, "end": 3, "label": "PER"},
                                {"start": 10, "end": 15, "label": "LOC"}]
    assert df["text"][0][10:15] == "Paris"
    proj.close()


def test_importing_the_same_rows_again_adds_nothing(project):
    earlier = frame(item=["t0", "t1", "t0"], annotator=["ana", "ana", "ana"],
                    value=["pos", "neg", "pos"])  # t0 answered twice the same way: kept twice
    first = project.add_many(earlier)
    again = project.add_many(earlier)
    assert (first.added, again.added, again.present) == (3, 0, 3)
    assert len(project.annotations) == 3
    changed = earlier.assign(value=["pos", "neutral", "pos"])
    third = project.add_many(changed)
    assert (third.added, third.present) == (1, 2)
    assert project.labels(annotator="ana")["t1"] == "neutral"


def test_keys_from_the_source_system(project):
    earlier = frame(item=["t0", "t1"], annotator="ana", value=["pos", "neg"], ls_id=[17, 18])
    assert project.add_many(earlier, key="ls_id").added == 2
    edited = earlier.assign(value=["neg", "neg"])  # the same annotations by id: already in
    assert project.add_many(edited, key="ls_id").present == 2
    keys = [meta["import_key"] for meta in project.annotations["meta"]]
    assert keys == ["17", "18"]
    twice = frame(item=["t2", "t3"], annotator="ana", value=["pos", "pos"], ls_id=["a", "a"])
    with pytest.raises(ImportRefused, match="key 'a' is also the key of row 0"):
        project.add_many(twice, key="ls_id")
    with pytest.raises(ImportRefused, match="must be a str or int id"):
        project.add_many(twice.assign(ls_id=[1.5, None]), key="ls_id")


def test_a_project_exported_and_imported_elsewhere_round_trips(project, texts, task, tmp_path):
    project.add("t0", "pos", annotator="ana", comment="sure", flag=True)
    project.add("t1", "neg", annotator="bob", source="gold")
    project.skip("t2", annotator="ana")
    project.add("t3", "neutral", annotator="ana")
    project.retract("t3", annotator="ana")
    exported = project.annotations
    other = nl.Project(texts, task, store=tmp_path / "other.db", name="copy")
    assert other.add_many(exported).added == 5
    copied = other.annotations
    columns = ["item", "annotator", "value", "event", "flag", "comment", "source", "guideline",
               "created_at", "duration_ms"]
    pd.testing.assert_frame_equal(copied[columns], exported[columns])
    assert other.labels().equals(project.labels())
    # Exported again and imported into a third project, and back into the second: no copies.
    assert other.add_many(copied).present == 5
    third = nl.Project(texts, task, store=tmp_path / "third.db", name="copy")
    third.add_many(copied)
    assert [m["import_key"] for m in third.annotations["meta"]] == [
        m["import_key"] for m in copied["meta"]]
    other.close()
    third.close()


def test_a_retract_needs_an_answer_to_undo(project):
    project.add("t0", "pos", annotator="ana")
    earlier = frame(item=["t0", "t1", "t2", "t2"], annotator="ana",
                    value=[None, None, "neg", None], event=["retract", "retract", "label", "retract"])
    report = project.add_many(earlier, on_error="skip")
    assert report.added == 3
    assert report.refused["reason"].tolist() == ["'ana' has no answer to item \"t1\" to retract"]
    assert project.labels().isna().all()


def test_overlap_full_items_refuse_new_annotators(texts, task, tmp_path):
    proj = nl.Project(texts, task, store=tmp_path / "o.db", overlap=2)
    proj.add("t0", "pos", annotator="ana")
    earlier = frame(
        item=["t0", "t0", "t0", "t0", "t1"],
        annotator=["bob", "cy", "bob", "cy", "cy"],
        value=["neg", "pos", None, "pos", "pos"],
        event=["label", "label", "skip", "label", "label"],
    )
    report = proj.add_many(earlier, on_error="skip")
    # cy is refused while ana and bob hold t0, and let in once bob's skip gives a place back.
    assert report.refused[["row", "field"]].values.tolist() == [[1, "item"]]
    assert "already has its 2 answers" in report.refused["reason"][0]
    assert report.added == 4
    holders = sorted(c.annotator for c in proj.store.claims(proj._project_id) if c.item == '"t0"')
    assert holders == ["ana", "cy"]
    assert proj.add_many(earlier.head(1).assign(source="model")).added == 1, "no place taken"
    proj.close()


def test_events_are_stored_in_order_in_one_transaction_and_seen_elsewhere(texts, task, tmp_path):
    path = tmp_path / "shared.db"
    mine = nl.Project(texts, task, store=path, name="p")
    theirs = nl.Project(texts, task, store=path, name="p")
    theirs.add("t5", "pos", annotator="zoe")
    earlier = frame(item=[f"t{i}" for i in range(5)], annotator="ana",
                    value=["pos", "neg", "pos", "neg", "pos"])
    report = mine.add_many(earlier)
    assert report.event_ids == sorted(report.event_ids) and report.event_ids[0] == 2
    assert mine.annotations["event_id"].tolist() == [1, 2, 3, 4, 5, 6]
    assert theirs.annotations["item"].tolist() == ["t5", "t0", "t1", "t2", "t3", "t4"]
    mine.close()
    theirs.close()


def test_events_written_meanwhile_make_the_import_check_again(texts, task, tmp_path, monkeypatch):
    path = tmp_path / "race.db"
    mine = nl.Project(texts, task, store=path, name="p", overlap=1)
    theirs = nl.Project(texts, task, store=path, name="p", overlap=1)
    plan_import = bulk.plan_import
    calls = []

    def plan_then_race(*args, **kwargs):
        plan = plan_import(*args, **kwargs)
        if not calls:  # another kernel takes t0 after the rows were checked
            theirs.add("t0", "neg", annotator="zoe")
        calls.append(plan)
        return plan

    monkeypatch.setattr(bulk, "plan_import", plan_then_race)
    earlier = frame(item=["t0", "t1"], annotator="ana", value=["pos", "pos"])
    report = mine.add_many(earlier, on_error="skip")
    assert len(calls) == 2, "checked again against the new event"
    assert report.added == 1 and report.refused["item"].tolist() == ["t0"]
    assert mine.annotations[["item", "annotator"]].values.tolist() == [["t0", "zoe"], ["t1", "ana"]]
    mine.close()
    theirs.close()


def test_the_store_refuses_a_batch_checked_against_an_older_log(tmp_path, task):
    store = Store(tmp_path / "s.db")
    pid = store.open_project("p", task)
    event = NewEvent('"t0"', "ana", "label", "pos", source="human")
    assert store.append(pid, [event], if_last=0) == [1]
    with pytest.raises(LogChanged, match="newest event 1, expected 0"):
        store.append(pid, [event, event], if_last=0)
    assert store.append(pid, [event, event], if_last=1) == [2, 3]
    assert len(store.read(pid)) == 3
    store.close()


def test_open_views_see_imported_answers(project):
    widget = project.label("ana")
    project.add_many(frame(item=["t0"], annotator="ana", value=["neg"]))
    assert project.progress().loc["ana", "labeled"] == 1
    widget.close()


def test_bulk_import_on_both_engines(store_url, texts, task):
    proj = nl.Project(texts, task, store=store_url, name="bulk", overlap=2)
    items = [f"t{i % 8}" for i in range(40)]
    earlier = frame(item=items, annotator=[["ana", "bob", "cy"][i % 3] for i in range(40)],
                    value=[["pos", "neg", "neutral"][i % 3] for i in range(40)])
    report = proj.add_many(earlier, on_error="skip")
    assert report.added + len(report.refused) == 40
    assert report.refused["field"].unique().tolist() == ["item"], "only full items refuse"
    table = proj.annotations
    assert table["event_id"].tolist() == report.event_ids == sorted(report.event_ids)
    stored = earlier.drop(index=report.refused["row"])
    assert table[["item", "annotator", "value"]].values.tolist() == stored.values.tolist()
    assert proj.add_many(earlier, on_error="skip").added == 0
    proj.close()
    again = nl.Project(texts, task, store=store_url, name="bulk", overlap=2)
    assert again.annotations["meta"].tolist() == table["meta"].tolist()
    again.close()


def test_content_keys_stay_those_of_earlier_imports(project):
    """A row's key is a hash of its content: a store imported into before keeps matching it."""
    import hashlib
    import json

    earlier = frame(item=["t2", "t2"], annotator=["zoé", "zoé"], value=["neutral", "neutral"],
                    flag=[True, None], comment=["👩‍👩‍👧 \"quoted\"\n", None],
                    guideline=["v1", None], duration_ms=[1500.0, None],
                    created_at=["2024-03-01 09:00:00.000001", None])
    project.add_many(earlier)
    created = project.annotations["created_at"]
    keys = [meta["import_key"] for meta in project.annotations["meta"]]
    first = json.dumps(
        ['"t2"', "zoé", "label", "neutral", "human", 1709283600000001,
         {"flag": "unsure", "comment": "👩‍👩‍👧 \"quoted\"\n", "guideline": "v1",
          "duration_ms": 1500}, None], sort_keys=True, ensure_ascii=False)
    second = json.dumps(
        ['"t2"', "zoé", "label", "neutral", "human", None,
         {"flag": None, "comment": None, "guideline": None, "duration_ms": None}, None],
        sort_keys=True, ensure_ascii=False)
    expected = ["h:" + hashlib.sha256(f"{text}#1".encode()).hexdigest()[:32]
                for text in (first, second)]
    assert keys == expected
    assert created[0] == pd.Timestamp("2024-03-01 09:00:00.000001", tz="UTC")


def test_a_row_is_refused_for_its_first_bad_field_among_many_rows(project):
    n = 3000
    rows = frame(item=[f"t{i % 8}" for i in range(n)], annotator=["ana"] * n,
                 value=["pos"] * n, flag=[None] * n)
    rows.loc[10, "annotator"] = "bad\nname"
    rows.loc[10, "value"] = "nope"  # the annotator is checked first
    rows.loc[20, "value"] = "nope"
    rows.loc[20, "flag"] = "maybe"  # the value is checked before the flag
    rows.loc[30, "flag"] = "maybe"
    rows.loc[2999, "annotator"] = "bad\nname"  # a bad value seen before is refused again
    report = project.add_many(rows, on_error="skip")
    refused = report.refused.set_index("row")["field"].to_dict()
    assert refused == {10: "annotator", 20: "value", 30: "flag", 2999: "annotator"}
    assert report.added == n - 4
    assert "annotator" in report.refused.set_index("row").loc[2999, "reason"]
