"""Feedback in the annotator's own view: the `feedback` trait, live, for every kind of task."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl
import nblabel.session.feedback as session_feedback

LABELS = ["bug", "billing", "praise"]


def tickets(tmp_path, gold=None, **frame):
    df = pd.DataFrame({"text": ["app crashes <b>now</b>", "refund please", "thanks!", "slow"], **frame})
    return nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "f.db", gold=gold)


def shown(widget):
    return [(e["kind"], e["id"], e["answer"], e["correct"], e["by"], e["comment"])
            for e in widget.feedback["items"]]


def test_a_decision_in_the_same_kernel_reaches_the_annotators_view_at_once(tmp_path):
    proj = tickets(tmp_path)
    ana = Browser(proj.label("ana"))
    ana.hello()
    assert ana.answer(0, "praise", req="a0")[0]["kind"] == "ack"
    ana.answer(1, "billing", req="a1")
    proj.add(0, "bug", annotator="ben"), proj.add(1, "billing", annotator="ben")
    assert ana.widget.feedback == {"count": 0, "items": []}
    lead = Browser(proj.review("lead"))
    [item] = lead.hello()["upcoming"]
    assert item["pos"] == 0
    assert lead.answer(0, "bug", req="d0", comment="crashes are bugs, §1.2")[0]["kind"] == "ack"
    assert shown(ana.widget) == [
        ("overruled", "0", "praise", "bug", "lead", "crashes are bugs, §1.2"),
    ]
    [entry] = ana.widget.feedback["items"]
    assert entry["snippet"] == "app crashes <b>now</b>", "the item's text, as plain text"
    assert entry["at"].endswith("+00:00")
    assert lead.widget.feedback == {}, "a reviewer's view shows no feedback"
    assert proj.feedback("ana")["kind"].tolist() == ["overruled"], "the same data as proj.feedback"
    proj.close()


def test_feedback_follows_a_changed_answer_a_retract_and_a_new_decision(tmp_path):
    proj = tickets(tmp_path)
    widget = proj.label("ana")
    proj.add(2, "bug", annotator="ana")
    proj.add(2, "praise", annotator="lead", source="adjudicated")
    assert [e["kind"] for e in widget.feedback["items"]] == ["overruled"]
    proj.add(2, "praise", annotator="ana")
    assert widget.feedback == {"count": 0, "items": []}, "agreeing with the decision clears it"
    proj.add(2, "billing", annotator="lead", source="adjudicated", comment="a refund")
    assert shown(widget) == [("overruled", "2", "praise", "billing", "lead", "a refund")]
    proj.retract(2, annotator="ana")
    assert widget.feedback["count"] == 0, "a retracted answer has no feedback"
    proj.close()


@pytest.mark.parametrize("teach", [True, False])
def test_a_view_opened_later_shows_earlier_feedback_newest_first_and_gold_only_if_taught(tmp_path, teach):
    proj = tickets(tmp_path, gold=nl.Gold("known", explanation="why", teach=teach),
                   known=[None, None, "praise", None], why=[None, None, "thanks are praise", None])
    proj.add(2, "bug", annotator="ana")
    proj.add(0, "billing", annotator="ana"), proj.add(0, "bug", annotator="lead", source="adjudicated")
    proj.add(1, "bug", annotator="ana"), proj.add(1, "billing", annotator="lead", source="adjudicated")
    widget = proj.label("ana")
    missed_gold = ("missed gold", "2", "bug", "praise", "gold", "thanks are praise")
    assert shown(widget) == [
        ("overruled", "1", "bug", "billing", "lead", None),
        ("overruled", "0", "billing", "bug", "lead", None),
        *([missed_gold] if teach else []),  # untaught gold stays unnamed to annotators
    ]
    assert "missed gold" in proj.feedback("ana")["kind"].tolist()  # the lead sees every miss
    assert shown(proj.label("ben")) == []
    proj.close()


def test_a_decision_from_another_kernel_arrives_with_the_next_poll(tmp_path):
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    task = nl.Classify(LABELS, text="text")
    here = nl.Project(df, task, store=tmp_path / "k.db")
    there = nl.Project(df, task, store=tmp_path / "k.db")
    ana = Browser(here.label("ana"))
    ana.hello()
    ana.answer(0, "bug")
    there.add(0, "praise", annotator="lead", source="adjudicated", comment="elsewhere")
    assert ana.widget.feedback["count"] == 0
    ana.say(kind="poll")
    assert shown(ana.widget) == [("overruled", "0", "bug", "praise", "lead", "elsewhere")]
    here.close(), there.close()


def test_an_ordinary_answer_looks_again_only_at_its_own_item(tmp_path, monkeypatch):
    proj = tickets(tmp_path)
    ana = Browser(proj.label("ana"))
    ana.hello()
    looked = []
    real = session_feedback.feedback_on
    monkeypatch.setattr(session_feedback, "feedback_on",
                        lambda pos, *args: looked.append(pos) or real(pos, *args))
    changes = []
    ana.widget.observe(changes.append, "feedback")
    for pos, label in enumerate(["bug", "billing", "praise"]):
        ana.answer(pos, label, req=f"r{pos}")
    assert looked == [0, 1, 2], "one item looked at per answer, never the whole log"
    assert changes == [], "nothing sent to the browser while there is no news"
    proj.close()


def test_text_no_message_can_carry_is_replaced_in_feedback(tmp_path):
    df = pd.DataFrame({"text": pd.Series(["fine", "odd \ud800 text"], dtype=object)})
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "u.db")
    widget = proj.label("ana")
    proj.add(1, "bug", annotator="ana")
    proj.add(1, "billing", annotator="lead", source="adjudicated")
    [entry] = widget.feedback["items"]
    assert entry["snippet"] == "odd ? text"
    proj.close()


def test_spans_feedback_quotes_each_span_with_its_label(tmp_path):
    df = pd.DataFrame({"text": ["Ana works at Acme in Oslo", "Bo 👍🏽 Oslo"]})
    proj = nl.Project(df, nl.Spans(["PER", "ORG", "LOC"], text="text"), store=tmp_path / "s.db")
    ana = Browser(proj.label("ana"))
    ana.hello()
    ana.answer(0, [{"start": 0, "end": 3, "label": "PER"}, {"start": 13, "end": 17, "label": "LOC"}])
    ana.answer(1, [{"start": 6, "end": 10, "label": "ORG"}], req="r1")
    proj.add(0, [{"start": 0, "end": 3, "label": "PER"}, {"start": 13, "end": 17, "label": "ORG"}],
             annotator="ben")
    proj.add(1, [{"start": 6, "end": 10, "label": "LOC"}], annotator="ben")
    lead = Browser(proj.review("lead"))
    assert [i["pos"] for i in lead.hello()["upcoming"]] == [0, 1]
    lead.answer(0, [{"start": 0, "end": 3, "label": "PER"}, {"start": 13, "end": 17, "label": "ORG"}],
                req="d0", comment="companies are ORG")
    lead.answer(1, [], req="d1")
    assert shown(ana.widget) == [
        ("overruled", "1", "“Oslo” ORG", "no spans", "lead", None),
        ("overruled", "0", "“Ana” PER, “Acme” LOC", "“Ana” PER, “Acme” ORG", "lead",
         "companies are ORG"),
    ]
    proj.close()


def test_ranking_feedback_says_the_order_best_first(tmp_path):
    df = pd.DataFrame({"q": ["which is better?"], "a": ["yes"], "b": ["no"], "c": ["maybe"]})
    proj = nl.Project(df, nl.Rank(["a", "b", "c"], prompt="q"), store=tmp_path / "r.db")
    widget = proj.label("ana")
    proj.add(0, [["a"], ["b"], ["c"]], annotator="ana")
    proj.add(0, [["b", "c"], ["a"]], annotator="lead", source="adjudicated", comment="a is wrong")
    assert shown(widget) == [("overruled", "0", "a > b > c", "b = c > a", "lead", "a is wrong")]
    assert widget.feedback["items"][0]["snippet"] == "which is better?"
    proj.close()


def test_the_feedback_key_is_reserved():
    with pytest.raises(ValueError, match="reserved for 'feedback'"):
        nl.Classify(["a", "b"], keys=["1", "!"])
