"""The team's quality loop: feedback, blind adjudication, slice audits, pilot planning, time to settle."""

import numpy as np
import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl

LABELS = ["bug", "billing", "praise"]


def team(tmp_path, n=30, seed=0):
    """Three annotators; 'chat' items are easy (all agree), 'email' items are noisy."""
    rng = np.random.default_rng(seed)
    truth = [LABELS[i % 3] for i in range(n)]
    df = pd.DataFrame({
        "text": [f"ticket {i}" for i in range(n)],
        "channel": ["chat" if i % 2 else "email" for i in range(n)],
        "length": np.arange(n) * 3 + 5,
        "known": [t if i < 6 else None for i, t in enumerate(truth)],
    })
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "t.db", gold="known")
    for annotator in ("ana", "ben", "cy"):
        for i, value in enumerate(truth):
            noisy = df["channel"][i] == "email" and rng.random() < 0.5
            proj.add(i, LABELS[(LABELS.index(value) + 1) % 3] if noisy else value, annotator=annotator)
    return proj, truth


def test_feedback_lists_overruled_answers_and_missed_gold_with_the_why(tmp_path):
    df = pd.DataFrame({"text": ["a", "b", "c"], "known": [None, None, "bug"],
                       "why": [None, None, "crashes are bugs"]})
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "f.db",
                      gold=nl.Gold("known", explanation="why"))
    proj.add(0, "bug", annotator="ana"), proj.add(0, "praise", annotator="ben")
    proj.add(0, "praise", annotator="lead", source="adjudicated", comment="see §2: thanks are praise")
    proj.add(1, "bug", annotator="ana"), proj.add(1, "bug", annotator="lead", source="adjudicated")
    proj.add(2, "billing", annotator="ana")
    table = proj.feedback("ana")
    assert table[["item", "kind", "answer", "correct", "by", "comment"]].values.tolist() == [
        [0, "overruled", "bug", "praise", "lead", "see §2: thanks are praise"],
        [2, "missed gold", "billing", "bug", "gold", "crashes are bugs"],
    ]
    assert proj.feedback("ben").empty
    proj.close()


def test_a_blind_review_hides_who_answered_and_records_who_was_picked(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"]})
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "b.db")
    proj.add(0, "bug", annotator="ana"), proj.add(0, "praise", annotator="ben")
    view = Browser(proj.review("lead", blind=True))
    [item] = view.hello()["upcoming"]
    assert [(r["annotator"], r["value"]) for r in item["review"]] == [("answer 1", "bug"), ("answer 2", "praise")]
    reply = view.answer(0, "praise", req="r", meta=None, picked="ana")
    assert reply[0]["kind"] == "reject", "a real name is not an alias in a blind review"
    assert view.answer(0, "praise", req="r2", picked="answer 2")[0]["kind"] == "ack"
    assert proj.annotations.iloc[-1]["meta"] == {"picked": "ben"}
    with pytest.raises(TypeError, match="blind must be True or False"):
        proj.review("lead", blind="yes")
    proj.close()


def test_a_slice_audit_finds_the_slice_where_the_guideline_fails(tmp_path):
    proj, _ = team(tmp_path)
    table = proj.slice_audit(by="channel", n=100)
    alpha = table[table["metric"] == "alpha"].set_index("slice")
    assert alpha.loc["chat", "estimate"] > 0.9 > alpha.loc["email", "estimate"]
    assert alpha.loc["email", "high"] < alpha.loc["chat", "low"], "the intervals tell them apart"
    shares = table[(table["metric"] == "label_share") & (table["slice"] == "chat")]
    assert shares["estimate"].sum() == pytest.approx(1.0) and set(shares["label"]) == set(LABELS)
    gold = table[table["metric"] == "gold_accuracy"].set_index("slice")
    assert gold["n"].sum() == 18 and (gold["low"] <= gold["estimate"]).all()
    buckets = proj.slice_audit(by="length", bins=3, n=50)
    assert buckets["slice"].nunique() == 3
    chart = nl.charts.slices(table).to_dict()
    assert chart["facet"]["row"]["field"] == "metric"
    with pytest.raises(ValueError, match="by='nope' is not a column"):
        proj.slice_audit(by="nope")
    proj.close()


def test_planning_a_pilot_narrows_with_more_items_and_annotators(tmp_path):
    proj, _ = team(tmp_path, n=60)
    plan = proj.plan_pilot(items=(20, 80), n=100)
    width = plan.set_index(["annotators", "items"])["width"]
    assert width[(2, 80)] < width[(2, 20)] and width[(3, 80)] < width[(2, 20)]
    assert plan["meets"].dtype == bool and set(plan["annotators"]) == {2, 3}
    with pytest.raises(ValueError, match="annotators=5 is more than the 3 who answered"):
        proj.plan_pilot(annotators=[5])
    proj.close()


def test_time_to_settle_measures_the_wait_of_each_disputed_item(tmp_path):
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "s.db")
    proj.add(0, "bug", annotator="ana"), proj.add(0, "praise", annotator="ben")
    proj.add(1, "bug", annotator="ana"), proj.add(1, "bug", annotator="ben")  # agreed: never disputed
    proj.add(2, "bug", annotator="ana"), proj.add(2, "billing", annotator="ben")
    proj.add(0, "bug", annotator="lead", source="adjudicated")
    waits = proj.time_to_settle().set_index("item")
    assert list(waits.index) == [0, 2]
    assert waits.loc[0, "reviewer"] == "lead" and not waits.loc[0, "open"]
    assert waits.loc[0, "wait"] >= pd.Timedelta(0)
    assert waits.loc[2, "open"] and pd.isna(waits.loc[2, "settled_at"])
    proj.close()


def test_routed_items_go_to_the_experts_first_in_every_kernel(tmp_path):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(8)]})
    task = nl.Classify(LABELS, text="text")
    lead = nl.Project(df, task, store=tmp_path / "r.db")
    assert lead.route([5, 6], to=["expert"], reason="disputed") == 2
    other_kernel = nl.Project(df, task, store=tmp_path / "r.db")
    expert = Browser(other_kernel.label("expert", window=3)).hello()["upcoming"]
    assert [item["pos"] for item in expert] == [5, 6, 0], "routed items come first"
    novice = Browser(other_kernel.label("novice", window=8)).hello()["upcoming"]
    assert [item["pos"] for item in novice] == [0, 1, 2, 3, 4, 7], "kept off until the expert answered"
    other_kernel.add(5, "bug", annotator="expert")
    routes = lead.routes().set_index("item")
    assert routes.loc[5, "pending"] == [] and routes.loc[6, "pending"] == ["expert"]
    assert routes.loc[6, "reason"] == "disputed"
    assert 5 in [i["pos"] for i in Browser(lead.label("later", window=8)).hello()["upcoming"]]
    lead.route([6], to=[])
    assert list(lead.routes()["item"]) == [5]
    assert lead.progress().index.tolist() == ["expert", "later"], "routing is not answering"
    with pytest.raises(TypeError, match="to must be a list of annotator names"):
        lead.route([1], to="expert")
    lead.close(), other_kernel.close()
