import pandas as pd
import pytest

import nblabel as nl


class Reviewer:
    def __init__(self, widget):
        self.widget = widget
        self.messages = []
        widget.send = lambda content, buffers=None: self.messages.append(content)
        widget._on_message(widget, {"kind": "hello", "to": "v"}, [])
        self.items = list(self.messages[-1]["upcoming"])

    def decide(self, value, picked=None):
        item = self.items.pop(0)
        message = {"kind": "answer", "req": "r", "pos": item["pos"], "event": "label", "value": value}
        if picked is not None:
            message["picked"] = picked
        before = len(self.messages)
        self.widget._on_message(self.widget, message, [])
        return item, [m for m in self.messages[before:] if m["kind"] in ("ack", "reject")][0]


@pytest.fixture
def disputed(tmp_path):
    df = pd.DataFrame({"text": [f"ticket {i}" for i in range(6)]})
    proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text"), store=tmp_path / "r.db")
    answers = {
        0: {"ana": "bug", "ben": "bug", "cy": "bug"},  # unanimous
        1: {"ana": "bug", "ben": "billing"},  # split
        2: {"ana": "praise", "ben": "praise", "cy": "bug"},  # weak majority
        3: {"ana": "billing"},  # single answer
        4: {"ana": "bug", "ben": "bug"},  # unanimous but flagged
    }
    for item, given in answers.items():
        for annotator, value in given.items():
            proj.add(item, value, annotator=annotator, flag=(item == 4 and annotator == "ben"), comment="not sure" if item == 4 and annotator == "ben" else None)
    proj.add(1, "billing", annotator="model", source="model")
    return proj


def test_review_queue_by_reason(disputed):
    def queued(**kwargs):
        return [item["pos"] for item in Reviewer(disputed.review("lead", **kwargs)).items]

    assert queued() == [1, 2]
    assert queued(which="low_confidence", threshold=0.7) == [1, 2]
    assert queued(which="low_confidence", threshold=0.6) == [1]
    assert queued(which="flagged") == [4]
    assert queued(which=["disagreement", "flagged"]) == [1, 2, 4]


def test_review_payload_shows_everyones_answer(disputed):
    reviewer = Reviewer(disputed.review("lead", which=["disagreement", "flagged"]))
    first = reviewer.items[0]
    assert first["review"] == [
        {"annotator": "ana", "value": "bug", "flag": None, "comment": None},
        {"annotator": "ben", "value": "billing", "flag": None, "comment": None},
        {"annotator": "model", "value": "billing", "flag": None, "comment": None},
    ]
    flagged = reviewer.items[2]["review"][1]
    assert flagged == {"annotator": "ben", "value": "bug", "flag": "unsure", "comment": "not sure"}
    assert reviewer.widget.review is True and reviewer.widget.progress["total"] == 3


def test_decisions_are_adjudicated_events_that_settle_consensus(disputed):
    reviewer = Reviewer(disputed.review("lead"))
    item, ack = reviewer.decide("billing", picked="ben")
    assert ack["kind"] == "ack"
    event = disputed.annotations.iloc[-1]
    assert (event["item"], event["annotator"], event["source"], event["value"], event["meta"]) == (1, "lead", "adjudicated", "billing", {"picked": "ben"})
    _, ack = reviewer.decide("praise")
    assert disputed.annotations.iloc[-1]["meta"] is None
    majority = disputed.labels(how="majority")
    assert majority[1] == "billing", "the decision wins over the tie"
    assert majority[2] == "praise"
    assert pd.isna(disputed.labels(how="majority")[5])
    assert Reviewer(disputed.review("other")).items == [], "decided items leave every review queue"
    table = disputed.agreement(n=50)
    assert table.loc[0, "answers"] == 11, "only the annotators' own answers count in agreement"


def test_review_rejects_a_pick_of_nobody(disputed):
    reviewer = Reviewer(disputed.review("lead"))
    _, reply = reviewer.decide("bug", picked="zed")
    assert reply["kind"] == "reject" and "'zed' has no answer" in reply["reason"]
    assert (disputed.annotations["source"] == "adjudicated").sum() == 0


def test_reviewer_resumes(disputed, tmp_path):
    reviewer = Reviewer(disputed.review("lead"))
    reviewer.decide("billing")
    again = Reviewer(disputed.review("lead"))
    snapshot = [m for m in again.messages if m["kind"] == "snapshot"][0]
    assert [i["pos"] for i in snapshot["history"]] == [1] and [i["pos"] for i in snapshot["upcoming"]] == [2]
    assert again.widget.progress["done"] == 1 and again.widget.progress["total"] == 2


def test_review_arguments(disputed):
    with pytest.raises(ValueError, match="choose from"):
        disputed.review("lead", which="everything")
    with pytest.raises(ValueError, match="threshold must be"):
        disputed.review("lead", threshold=2)
    with pytest.raises(TypeError, match="valid ones are"):
        disputed.review("lead", reason="flagged")
