"""Overlap assignment: each item answered by at most k distinct annotators, across kernels."""

import multiprocessing
import time

import pandas as pd
import pytest

import nblabel as nl
from nblabel.store import Claim, ItemFull, Store


class View:
    """Drives one annotator's session as a browser would (see test_widget_protocol.py)."""

    def __init__(self, project, annotator, window=5):
        self.widget = project.label(annotator, window=window)
        self.messages = []
        self.widget.send = lambda content, buffers=None: self.messages.append(content)
        self.widget._on_message(self.widget, {"kind": "hello", "to": "v"}, [])
        snapshot = self.messages[-1]
        self.upcoming = [item["pos"] for item in snapshot["upcoming"]]
        self.exhausted = snapshot["exhausted"]

    def answer_next(self, value="a"):
        pos = self.upcoming.pop(0)
        before = len(self.messages)
        self.widget._on_message(self.widget, {"kind": "answer", "req": f"r{pos}", "pos": pos, "event": "label", "value": value}, [])
        for message in self.messages[before:]:
            if message["kind"] == "ack":
                self.upcoming += [item["pos"] for item in message["append"]]
                self.exhausted = message["exhausted"]
            elif message["kind"] == "append":
                self.upcoming += [item["pos"] for item in message["items"]]
        return [m for m in self.messages[before:] if m["kind"] in ("ack", "reject")][0]

    def poll(self):
        """What the widget does on its timer: other kernels' answers and released items come in."""
        before = len(self.messages)
        self.widget._on_message(self.widget, {"kind": "poll"}, [])
        for message in self.messages[before:]:
            if message["kind"] == "append":
                self.upcoming += [item["pos"] for item in message["items"]]


def frame(n):
    return pd.DataFrame({"text": [f"item {i}" for i in range(n)]})


TASK = nl.Classify(["a", "b"], text="text")


def test_each_item_goes_to_k_annotators_then_leaves_the_queue(store_url):
    proj = nl.Project(frame(6), TASK, store=store_url, overlap=2)
    ana, ben, cy = View(proj, "ana", 3), View(proj, "ben", 3), View(proj, "cy", 3)
    assert ana.upcoming == [0, 1, 2] and ben.upcoming == [0, 1, 2]
    assert cy.upcoming == [3, 4, 5], "items 0-2 are reserved by ana and ben"
    for view in (ana, ben):
        for _ in range(3):
            assert view.answer_next()["kind"] == "ack"
    assert ana.upcoming == [3, 4, 5], "ana answered 0-2 and now shares 3-5 with cy"
    assert ben.upcoming == [] and ben.exhausted, "nothing is left for ben: every item has two holders"
    while cy.upcoming:
        cy.answer_next()
    while ana.upcoming:
        ana.answer_next()
    assert ana.exhausted and cy.exhausted
    counts = proj.annotations.groupby("item")["annotator"].nunique()
    assert counts.max() == 2 and counts.to_dict() == {i: 2 for i in range(6)}


def test_annotators_are_blind_to_each_others_answers(store_url):
    proj = nl.Project(frame(3), TASK, store=store_url, overlap=2)
    ana = View(proj, "ana", 3)
    ana.widget._on_message(ana.widget, {"kind": "answer", "req": "r", "pos": 0, "event": "label", "value": "b", "comment": "ana's note"}, [])
    ben = View(nl.Project(frame(3), TASK, store=store_url, overlap=2), "ben", 3)
    snapshot = ben.messages[-1]
    assert [item["pos"] for item in snapshot["upcoming"]] == [0, 1, 2]
    assert snapshot["history"] == [] and all(item["answer"] is None for item in snapshot["upcoming"])
    assert "ana" not in repr(ben.messages) and "note" not in repr(ben.messages)
    assert ben.widget.progress["done"] == 0


def test_expired_reservations_go_to_someone_else(store_url):
    proj = nl.Project(frame(3), TASK, store=store_url, overlap=1, lease_seconds=0.2)
    ana = View(proj, "ana", 3)
    assert ana.upcoming == [0, 1, 2]
    assert View(proj, "ben", 3).upcoming == [], "everything is reserved by ana"
    time.sleep(0.3)
    ben = View(proj, "ben", 3)
    assert ben.upcoming == [0, 1, 2], "ana's reservations expired"
    assert ben.answer_next()["kind"] == "ack"
    reject = ana.answer_next()
    assert reject["kind"] == "reject" and "already has its 1 answers" in reject["reason"]
    assert proj.annotations["annotator"].tolist() == ["ben"]


def test_renewed_while_the_widget_polls(store_url):
    proj = nl.Project(frame(2), TASK, store=store_url, overlap=1, lease_seconds=0.5)
    ana = View(proj, "ana", 2)
    for _ in range(3):
        time.sleep(0.25)
        ana.widget._on_message(ana.widget, {"kind": "poll"}, [])
    assert View(proj, "ben", 2).upcoming == [], "polling kept ana's reservations alive"


def test_a_skip_gives_the_place_back(store_url):
    proj = nl.Project(frame(2), TASK, store=store_url, overlap=1)
    ana = View(proj, "ana", 2)
    skip = ana.widget._on_message(ana.widget, {"kind": "answer", "req": "r0", "pos": 0, "event": "skip", "value": None}, [])
    assert skip is None and ana.messages[-1]["kind"] in ("ack", "append")
    other = nl.Project(frame(2), TASK, store=store_url, overlap=1)
    ben = View(other, "ben", 2)
    assert ben.upcoming == [0], "ana skipped item 0: it is ben's to answer; ana still holds item 1"
    assert ben.answer_next()["kind"] == "ack"
    proj.add(1, "a", annotator="cy", source="adjudicated")  # a reviewer takes no place
    proj.add(1, "b", annotator="ana")
    assert proj.annotations.groupby("item")["annotator"].apply(list).to_dict() == {0: ["ana", "ben"], 1: ["cy", "ana"]}


def test_answers_from_code_respect_overlap(store_url):
    proj = nl.Project(frame(2), TASK, store=store_url, overlap=1)
    proj.add(0, "a", annotator="ana")
    proj.add(0, "b", annotator="ana")  # re-answering one's own item is fine
    with pytest.raises(ItemFull, match="already has its 1 answers"):
        proj.add(0, "a", annotator="ben")
    proj.add(0, "b", annotator="lead", source="adjudicated")
    assert len(proj.annotations) == 3


def test_closing_a_kernel_gives_its_reservations_back(store_url):
    proj = nl.Project(frame(3), TASK, store=store_url, name="p", overlap=1)
    ana = View(proj, "ana", 3)
    ana.answer_next()
    other = nl.Project(frame(3), TASK, store=store_url, name="p", overlap=1)
    ben = View(other, "ben", 3)
    assert ben.upcoming == [], "ana holds every item"
    proj.close()
    ben.poll()
    assert ben.upcoming == [1, 2], "ana's unanswered items came back; her answered one stays hers"


def test_overlap_argument_is_checked():
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="overlap must be"):
            nl.Project(frame(2), TASK, store=":memory:", overlap=bad)
    with pytest.raises(ValueError, match="lease_seconds"):
        nl.Project(frame(2), TASK, store=":memory:", overlap=2, lease_seconds=0)


def test_old_stores_are_migrated(tmp_path):
    path = tmp_path / "old.db"
    store = Store(path)
    store.open_project("p", TASK)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE nblabel_claims")  # as schema 1 had it
        conn.exec_driver_sql("ALTER TABLE nblabel_guidelines DROP COLUMN name")
        conn.exec_driver_sql("UPDATE nblabel_meta SET value = '1' WHERE key = 'schema_version'")
    store.close()
    proj = nl.Project(frame(2), TASK, store=path, name="p", overlap=1)
    proj.add(0, "a", annotator="ana")
    with proj.store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value FROM nblabel_meta").scalar() == "3"
    [claim] = proj.store.claims(proj._project_id)
    assert type(claim) is Claim and (claim.item, claim.slot, claim.annotator, claim.done) == ("0", 0, "ana", True)


def _annotate(url, name, answers, items, overlap, window, results):
    proj = nl.Project(frame(items), TASK, store=url, name="crowd", overlap=overlap)
    view = View(proj, name, window=window)
    acked = rejected = polls = 0
    while acked < answers:
        if not view.upcoming:
            if polls == 200:  # ten seconds of the widget's polling without a free item
                break
            time.sleep(0.05)
            view.poll()
            polls += 1
            continue
        reply = view.answer_next("a" if hash(name) % 2 else "b")
        acked += reply["kind"] == "ack"
        rejected += reply["kind"] == "reject"
    results[name] = (acked, rejected)
    proj.close()


@pytest.mark.slow
def test_eight_kernels_never_exceed_overlap(store_url):
    writers, answers, overlap, window = 8, 500, 2, 10
    # One item per answer: whatever the others hold or have answered, at least
    # items - (writers * answers + writers * window) / overlap - answers > 0 items stay open to
    # each annotator, so nobody can run dry. With fewer items a fast annotator can be left with
    # only items it answered itself while the others still hold the last free slots, and it
    # rightly gets nothing more (see test_each_item_goes_to_k_annotators_then_leaves_the_queue).
    items = writers * answers
    nl.Project(frame(items), TASK, store=store_url, name="crowd", overlap=overlap).close()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        results = manager.dict()
        procs = [ctx.Process(target=_annotate, args=(store_url, f"annotator{w}", answers, items, overlap, window, results)) for w in range(writers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(600)
            assert p.exitcode == 0
        results = dict(results)
    assert {name: acked for name, (acked, _) in results.items()} == {f"annotator{w}": answers for w in range(writers)}
    assert all(rejected == 0 for _, rejected in results.values()), "leases never expired here"
    proj = nl.Project(frame(items), TASK, store=store_url, name="crowd", overlap=overlap)
    events = proj.annotations
    assert len(events) == writers * answers, "every acknowledged answer is stored, once"
    assert not events.duplicated(["item", "annotator"]).any(), "nobody got an item twice"
    per_item = events.groupby("item")["annotator"].nunique()
    assert per_item.max() <= overlap
    # Annotators walk one order and take the first open slot, so items fill up to k before new
    # ones are opened: only items at the head of the walk, that no one else reached (at most one
    # annotator's share, e.g. when one starts late), and those still on someone's screen at the
    # end can be left with fewer.
    assert (per_item == overlap).sum() * overlap >= len(events) - answers - writers * window
