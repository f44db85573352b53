"""The team's quality loop on span and ranking projects: slices, planning, routing, re-qualification."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl

N = 24
PER, ORG, LOC = ({"start": 0, "end": 3, "label": "PER"}, {"start": 0, "end": 4, "label": "ORG"},
                 {"start": 14, "end": 18, "label": "LOC"})


def spans_project(tmp_path, gold=None, **frame):
    """'chat' sentences are easy (all agree); in 'mail' ones cy marks the place as an ORG."""
    texts = [f"Ana met Bo in Oslo {i}" if i % 2 else f"Acme hired Cy {i}" for i in range(N)]
    df = pd.DataFrame({"text": texts, "channel": ["mail" if i % 2 else "chat" for i in range(N)],
                       **frame})
    task = nl.Spans(["PER", "ORG", "LOC"], text="text")
    return nl.Project(df, task, store=tmp_path / "s.db", gold=gold), df


def right_spans(i):
    return [PER, LOC] if i % 2 else [ORG]


def ranking_project(tmp_path, gold=None, **frame):
    df = pd.DataFrame({"q": [f"question {i}" for i in range(N)], "a": ["yes"] * N, "b": ["no"] * N,
                       "c": ["maybe"] * N, "channel": ["mail" if i % 2 else "chat" for i in range(N)],
                       **frame})
    return nl.Project(df, nl.Rank(["a", "b", "c"], prompt="q"), store=tmp_path / "r.db", gold=gold)


def test_a_span_slice_audit_measures_span_agreement_and_label_shares_per_slice(tmp_path):
    proj, _ = spans_project(tmp_path)
    for who in ("ana", "ben", "cy"):
        for i in range(N):
            spans = right_spans(i)
            if who == "cy" and i % 2:
                spans = [PER, {**LOC, "label": "ORG"}]
            proj.add(i, spans, annotator=who)
    audit = proj.slice_audit(by="channel", n=50).set_index(["slice", "metric", "label"], drop=False)
    f1 = audit.xs("span_f1", level="metric")
    assert f1.loc[("chat", None), "estimate"].item() == 1.0
    assert f1.loc[("mail", None), "estimate"].item() == pytest.approx(2 / 3)
    assert set(audit["metric"]) == {"span_f1", "span_f1_overlap", "label_share", "answers_per_hour"}
    shares = audit.xs("label_share", level="metric").set_index(["slice", "label"])["estimate"]
    assert shares[("chat", "ORG")] == 1.0, "one span per chat sentence, all ORG"
    assert shares[("mail", "LOC")] == pytest.approx(2 / 6), "of mail's 36 spans, ana's and ben's places"
    chart = nl.charts.slices(audit.reset_index(drop=True)).to_dict()
    drawn = {row["metric"] for name, rows in chart["datasets"].items() for row in rows}
    assert drawn == {"span_f1", "span_f1_overlap"}, "the chart draws the span agreement"
    proj.close()


def test_a_ranking_slice_audit_measures_kendalls_w_and_first_choices(tmp_path):
    proj = ranking_project(tmp_path)
    for who in ("ana", "ben", "cy"):
        for i in range(N):
            order = [["c"], ["a", "b"]] if who == "cy" and not i % 2 else [["a"], ["b"], ["c"]]
            proj.add(i, order, annotator=who)
    audit = proj.slice_audit(by="channel", n=50)
    w = audit[audit["metric"] == "kendall_w"].set_index("slice")
    assert w.loc["mail", "estimate"] == 1.0 and w.loc["chat", "estimate"] < 0.5
    assert (w["n"] == 12).all()
    firsts = audit[audit["metric"] == "label_share"].set_index(["slice", "label"])["estimate"]
    assert firsts[("chat", "c")] == pytest.approx(1 / 3) and firsts[("mail", "(tie)")] == 0.0
    proj.close()


def test_planning_a_span_or_ranking_pilot_uses_the_tasks_own_agreement(tmp_path):
    spans, _ = spans_project(tmp_path)
    ranks = ranking_project(tmp_path)
    for who in ("ana", "ben", "cy"):
        for i in range(N):
            spans.add(i, right_spans(i) if who != "cy" or i % 3 else [PER], annotator=who)
            ranks.add(i, [["a"], ["b"], ["c"]] if who != "cy" or i % 3 else [["c"], ["b"], ["a"]],
                      annotator=who)
    for proj, metric in ((spans, "span_agreement"), (ranks, "kendall_w")):
        plan = proj.plan_pilot(items=(12, 48), annotators=(2, 3), n=60)
        assert plan.shape == (4, 7) and plan["estimate"].between(0, 1).all()
        named = proj.plan_pilot(items=(12, 48), annotators=(2, 3), n=60, metric=metric)
        pd.testing.assert_frame_equal(plan, named)
        by_items = plan.set_index(["annotators", "items"])["width"]
        assert by_items[(3, 48)] < by_items[(3, 12)], "more items, a narrower interval"
    with pytest.raises(ValueError, match="summary works on labels|answers are spans"):
        spans.plan_pilot(metric="krippendorff_alpha", n=5)
    spans.close(), ranks.close()


def test_routed_span_and_ranking_items_reach_the_experts_first(tmp_path):
    spans, df = spans_project(tmp_path)
    ranks = ranking_project(tmp_path)
    for proj in (spans, ranks):
        assert proj.route([9, 4], to=["expert"], reason="hard") == 2
        expert = Browser(proj.label("expert", window=3))
        assert [item["pos"] for item in expert.hello()["upcoming"]] == [9, 4, 0]
        novice = Browser(proj.label("novice", window=3))
        assert [item["pos"] for item in novice.hello()["upcoming"]] == [0, 1, 2]
        assert proj.routes()["pending"].tolist() == [["expert"], ["expert"]]
    spans.add(9, right_spans(9), annotator="expert")
    ranks.add(9, [["a"], ["b", "c"]], annotator="expert")
    for proj in (spans, ranks):
        assert proj.routes().set_index("item")["pending"].to_dict() == {9: [], 4: ["expert"]}
        proj.close()


def test_span_and_ranking_annotators_are_sent_back_when_gold_accuracy_falls(tmp_path):
    known = [right_spans(i) if i < 8 else None for i in range(N)]
    gold = nl.Gold("known", qualify=2, threshold=0.75, rate=0, window=2)
    spans, _ = spans_project(tmp_path, gold=gold, known=known)
    ranking = [[["a"], ["b"], ["c"]] if i < 8 else None for i in range(N)]
    ranks = ranking_project(tmp_path, gold=gold, known=ranking)
    answers = {spans: (right_spans, lambda i: [PER] if i % 2 else [{**ORG, "label": "LOC"}]),
               ranks: (lambda i: [["a"], ["b"], ["c"]], lambda i: [["c"], ["b"], ["a"]])}
    for proj, (right, wrong) in answers.items():
        for i in (0, 1):
            proj.add(i, right(i), annotator="ana")
        assert proj.qualified("ana") is True
        proj.add(20, right(20), annotator="ana")
        assert proj.labels().notna().sum() == 3
        for i in (2, 3):
            proj.add(i, wrong(i), annotator="ana")
        assert proj.qualified("ana") is None, "a new round is open"
        assert proj.labels().notna().sum() == 0, "their answers stop counting"
        view = Browser(proj.label("ana", window=3))
        assert [item["pos"] for item in view.hello()["upcoming"][:2]] == [4, 5], "gold first"
        round_ = view.widget.progress["qualification"]
        assert round_["reason"] == "gold accuracy 0% over the last 2 gold items"
        assert proj.feedback("ana")["kind"].tolist() == ["missed gold", "missed gold"]
        proj.close()


def test_a_multi_label_slice_audit_shares_each_label_among_those_given(tmp_path):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(8)], "channel": ["chat", "mail"] * 4})
    proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text", multi=True),
                      store=tmp_path / "m.db")
    for who in ("ana", "ben"):
        for i in range(8):
            proj.add(i, ["bug", "billing"] if i % 2 else ["praise"], annotator=who)
    shares = proj.slice_audit(by="channel", n=20)
    shares = shares[shares["metric"] == "label_share"].set_index(["slice", "label"])
    assert shares.loc[("mail", "bug"), "estimate"] == 0.5 and shares.loc[("mail", "bug"), "n"] == 16
    assert shares.loc[("chat", "praise"), "estimate"] == 1.0
    proj.close()
