"""Views of one annotator in several kernels: an answer never replaces one its view has not seen."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl
from nblabel.store import NewEvent, StaleAnswer


def _project(url, n=10):
    df = pd.DataFrame({"text": [f"item {i}" for i in range(n)]})
    return nl.Project(df, nl.Classify(["a", "b"], text="text"), store=url)


def _item(snapshot, pos):
    return next(item for item in snapshot["upcoming"] if item["pos"] == pos)


def _answers(project, item):
    events = project.annotations
    return events[(events["item"] == item) & (events["event"] != "retract")]["value"].tolist()


def test_a_view_that_did_not_see_another_kernels_answer_cannot_replace_it(store_url):
    here, there = _project(store_url), _project(store_url)
    mine, other = Browser(here.label("ana", window=3)), Browser(there.label("ana", window=3))
    base = _item(mine.hello(), 0)["based_on"]
    assert base == 0 and _item(other.hello(), 0)["based_on"] == 0
    [ack] = [m for m in other.answer(0, "b", req="o1", based_on=0) if m["kind"] == "ack"]

    replies = mine.answer(0, "a", req="m1", based_on=base)
    reject = next(m for m in replies if m["kind"] == "reject")
    assert reject["req"] == "m1" and reject["stale"] is True
    assert "answered meanwhile in another view or notebook" in reject["reason"]
    update = next(m for m in replies if m["kind"] == "update" and m["pos"] == 0)
    assert update["answer"]["value"] == "b" and update["based_on"] == ack["event_id"]
    assert _answers(here, 0) == ["b"], "nothing was written"

    # Having seen it, the view may replace it.
    assert [m["kind"] for m in mine.answer(0, "a", req="m2", based_on=update["based_on"])][0] == "ack"
    assert _answers(there, 0) == ["b", "a"]
    here.close(), there.close()


def test_an_undo_from_a_stale_view_is_refused_too(tmp_path):
    url = tmp_path / "s.db"
    here, there = _project(url), _project(url)
    mine, other = Browser(here.label("ana", window=3)), Browser(there.label("ana", window=3))
    mine.hello(), other.hello()
    [ack] = [m for m in mine.answer(1, "a", req="m1", based_on=0) if m["kind"] == "ack"]
    other.say(kind="poll")  # the other view learns of it...
    there.add(1, "b", annotator="ana")  # ...then code in its kernel changes it
    reply = mine.say(kind="retract", req="m2", pos=1, based_on=ack["event_id"])
    assert reply[0]["kind"] == "reject" and reply[0]["stale"] is True
    assert here.labels(annotator="ana")[1] == "b"


def test_quick_successive_answers_from_one_view_are_not_refused(tmp_path):
    project = _project(tmp_path / "q.db")
    view = Browser(project.label("ana", window=3))
    view.hello()
    # The second answer leaves before the first one's ack reaches the browser: same based_on.
    assert view.answer(0, "a", req="r1", based_on=0)[0]["kind"] == "ack"
    assert view.answer(0, "b", req="r2", based_on=0)[0]["kind"] == "ack"
    assert view.say(kind="retract", req="r3", pos=0, based_on=0)[0]["kind"] == "ack"
    assert _answers(project, 0) == ["a", "b"]


def test_views_of_one_annotator_converge_within_one_poll(tmp_path):
    url = tmp_path / "c.db"
    here, there = _project(url), _project(url)
    mine, other = Browser(here.label("ana", window=4)), Browser(there.label("ana", window=4))
    mine.hello(), other.hello()
    for pos, value in [(0, "a"), (1, "b"), (2, "a")]:
        mine.answer(pos, value, req=f"m{pos}", based_on=0)
    updates = {m["pos"]: m for m in other.say(kind="poll") if m["kind"] == "update"}
    assert {pos: m["answer"]["value"] for pos, m in updates.items()} == {0: "a", 1: "b", 2: "a"}
    assert all(m["based_on"] > 0 for m in updates.values())


def test_an_answer_that_says_nothing_of_what_it_saw_is_written_as_before(tmp_path):
    url = tmp_path / "n.db"
    here, there = _project(url), _project(url)
    there.add(0, "b", annotator="ana")
    view = Browser(here.label("ana", window=3))
    view.hello()
    assert view.answer(0, "a", req="r1")[0]["kind"] == "ack"


def test_the_store_refuses_a_stale_write_on_every_engine(store_url):
    store = nl.Store(store_url)
    project_id = store.open_project("p", nl.Classify(["a", "b"], text="text"))

    def event(value):
        return NewEvent(item="1", annotator="ana", event="label", value=value, source="human")

    [first] = store.append(project_id, [event("a")], based_on=[0])
    with pytest.raises(StaleAnswer, match="answered item 1 elsewhere"):
        store.append(project_id, [event("b")], based_on=[0])
    [second] = store.append(project_id, [event("b")], based_on=[first])
    store.append(project_id, [event("a")], based_on=[None])  # no condition
    assert [row.value for row in store.read(project_id)] == ["a", "b", "a"] and second > first
    with pytest.raises(ValueError, match="based_on has 2 entries for 1 events"):
        store.append(project_id, [event("a")], based_on=[0, 0])
    store.close()
