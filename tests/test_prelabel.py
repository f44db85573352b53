"""Pre-labelers: suggestions stored with provenance, checked, resumable, shown; and their influence."""

import pandas as pd
import pytest
from test_widget_protocol import Browser

import nblabel as nl

INTENTS = ["bug", "billing", "praise"]


def tickets(n=12):
    words = {"bug": "crash", "billing": "charged", "praise": "love"}
    truth = [INTENTS[i % 3] for i in range(n)]
    return pd.DataFrame({"text": [f"{words[t]} #{i}" for i, t in enumerate(truth)], "truth": truth})


def rules(batch):
    """A rule-based pre-labeler that reports a confidence and a cost."""
    out = []
    for text in batch["text"]:
        if "crash" in text:
            out.append({"value": "bug", "confidence": 0.9, "cost": 0.001, "tokens": 12})
        elif "charged" in text:
            out.append("billing")
        else:
            out.append(None)
    return out


def test_suggestions_are_stored_with_provenance_and_offered_by_whom(tmp_path):
    proj = nl.Project(tickets(), nl.Classify(INTENTS, text="text"), store=tmp_path / "p.db")
    report = proj.prelabel(rules, name="rules", version="v1", batch_size=5, progress=False)
    assert report["status"].value_counts().to_dict() == {"suggested": 8, "none": 4}
    events = proj.annotations
    suggested = events[events["event"] == "suggest"]
    assert len(suggested) == 8 and set(suggested["annotator"]) == {"rules"}
    first = suggested.iloc[0]
    assert first["value"] == "bug" and first["source"] == "model"
    assert first["meta"]["version"] == "v1" and first["meta"]["confidence"] == 0.9
    assert first["meta"]["cost"] == 0.001 and first["meta"]["tokens"] == 12 and "seconds" in first["meta"]
    # Suggestions are not answers: no labels, no progress, no annotator.
    assert proj.labels().isna().all() and proj.progress().empty
    items = Browser(proj.label("ana", window=12)).hello()["upcoming"]
    assert items[0]["suggestion"] == {"value": "bug", "confidence": 0.9, "source": "prelabel",
                                      "by": "rules", "version": "v1"}
    assert items[1]["suggestion"]["by"] == "rules" and "suggestion" not in items[2]
    proj.close()


def test_a_stopped_run_resumes_and_a_new_version_is_kept_beside_the_old(tmp_path):
    proj = nl.Project(tickets(), nl.Classify(INTENTS, text="text"), store=tmp_path / "r.db")
    calls = []

    def flaky(batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise ConnectionError("rate limited")
        return ["praise"] * len(batch)

    with pytest.raises(RuntimeError, match=r"failed on the batch starting at item 4 \(ConnectionError: "
                                           r"rate limited\); 4 suggestions were stored"):
        proj.prelabel(flaky, name="llm", version="p1", batch_size=4, progress=False)
    report = proj.prelabel(flaky, name="llm", version="p1", batch_size=4, progress=False)
    assert len(report) == 8 and calls == [4, 4, 4, 4], "the 4 items done are not asked again"
    proj.prelabel(lambda b: ["bug"] * len(b), name="llm", version="p2", progress=False)
    versions = proj.annotations.query("event == 'suggest'")["meta"].map(lambda m: m["version"])
    assert versions.value_counts().to_dict() == {"p1": 12, "p2": 12}
    proj.close()


def test_a_suggestion_the_task_would_refuse_is_reported_not_stored(tmp_path):
    proj = nl.Project(tickets(4), nl.Classify(INTENTS, text="text"), store=tmp_path / "x.db")
    report = proj.prelabel(
        lambda b: ["spam", {"value": "bug", "confidence": 3}, {"value": "bug", "why": "x"}, "bug"],
        name="bad", version="1", progress=False,
    )
    assert report["status"].tolist() == ["refused", "refused", "refused", "suggested"]
    assert "'spam' is not a label" in report["detail"][0]
    assert "confidence must be a number between 0 and 1 or None, got 3" in report["detail"][1]
    assert "unknown keys ['why']" in report["detail"][2]
    with pytest.raises(RuntimeError, match="one result per row: 1 for 4"):
        proj.prelabel(lambda b: ["bug"], name="short", version="1", progress=False)
    with pytest.raises(ValueError, match="prelabeler must be a non-empty name"):
        proj.prelabel(rules, name=" ", progress=False)
    proj.close()


def test_a_view_can_show_one_pre_labelers_suggestions(tmp_path):
    proj = nl.Project(tickets(3), nl.Classify(INTENTS, text="text"), store=tmp_path / "w.db")
    proj.prelabel(lambda b: ["bug"] * len(b), name="a", version="1", progress=False)
    proj.prelabel(lambda b: ["praise"] * len(b), name="b", version="1", progress=False)
    latest = Browser(proj.label("ana")).hello()["upcoming"][0]["suggestion"]
    chosen = Browser(proj.label("ben", show_suggestions="a")).hello()["upcoming"][0]["suggestion"]
    assert (latest["by"], latest["value"]) == ("b", "praise") and (chosen["by"], chosen["value"]) == ("a", "bug")
    proj.close()


def test_the_report_measures_acceptance_accuracy_and_anchoring(tmp_path):
    df = tickets(60)
    proj = nl.Project(df, nl.Classify(INTENTS, text="text"), store=tmp_path / "a.db")
    # A pre-labeler that is right two times in three, and less sure when wrong.
    proj.prelabel(lambda b: [{"value": t, "confidence": 0.8} if i % 3 else {"value": "praise", "confidence": 0.3}
                             for i, t in zip(b.index, b["truth"], strict=True)], name="llm", version="1", progress=False)
    for annotator in ("ana", "ben"):
        view = Browser(proj.label(annotator, window=60, hide_suggestions=0.5))
        for item in view.hello()["upcoming"]:
            pos, truth = item["pos"], df["truth"].iloc[item["pos"]]
            if "suggestion" in item:  # shown: this annotator always accepts (anchored)
                value = item["suggestion"]["value"]
                meta = {"suggestion": value, "accepted": True}
                view.answer(pos, value, req=f"{annotator}{pos}", meta=meta, based_on=0)
            else:
                view.answer(pos, truth, req=f"{annotator}{pos}", based_on=0)
    report = proj.suggestion_report()
    overall = report.acceptance.set_index(["scope", "key"]).loc[("overall", "all")]
    assert overall["rate"] == 1.0 and 20 < overall["answers"] < 100
    assert set(report.acceptance["scope"]) >= {"annotator", "label", "suggested_by", "confidence"}
    llm = report.prelabelers.set_index("prelabeler").loc["llm"]
    assert llm["items"] == 60 and 0.3 < llm["rate"] < 1
    anchoring = report.anchoring.set_index("condition")
    assert anchoring.loc["shown", "suggestion_rate"] == 1.0
    assert anchoring.loc["hidden", "suggestion_rate"] < 0.9, "hidden: they answer the truth"
    difference = anchoring.loc["shown - hidden"]
    assert difference["suggestion_low"] > 0, "showing the suggestion measurably anchors"
    hidden = proj.annotations["meta"].map(lambda m: isinstance(m, dict) and "hidden_suggestion" in m)
    assert hidden.sum() == anchoring.loc["hidden", "answers"]
    assert "<h4>Anchoring: suggestion shown or hidden</h4>" in report._repr_html_()
    proj.close()


def test_the_report_of_a_project_with_suggestions_and_no_answers_yet(tmp_path):
    proj = nl.Project(tickets(), nl.Classify(INTENTS, text="text"), store=tmp_path / "p.db")
    proj.prelabel(rules, name="rules", version="v1", progress=False)
    report = proj.suggestion_report()
    assert report.acceptance.empty
    assert report.prelabelers[["prelabeler", "versions", "items"]].values.tolist() == [["rules", "v1", 8]]
    assert report.anchoring.set_index("condition")["answers"].to_dict() == {"shown": 0, "hidden": 0, "shown - hidden": 0}
    proj.close()


def test_the_report_of_label_set_suggestions_settles_on_the_latest_answers(tmp_path):
    df = tickets(6)
    proj = nl.Project(df, nl.Classify(INTENTS, text="text", multi=True), store=tmp_path / "p.db")
    proj.prelabel(lambda rows: [{"value": ["bug", "praise"], "confidence": 0.7}] * len(rows),
                  name="sets", version="s1", progress=False)
    proj.add(0, ["bug", "praise"], "ana", meta={"suggestion": ["bug", "praise"], "accepted": True})
    proj.add(1, ["billing"], "ana", meta={"suggestion": ["bug", "praise"], "accepted": False})
    report = proj.suggestion_report()
    by = report.acceptance.query("scope == 'suggested_by'")
    assert by[["key", "answers", "agree"]].values.tolist() == [["sets", 2, 1]]
    assert report.prelabelers[["prelabeler", "answers", "agree"]].values.tolist() == [["sets", 2, 1]]
    proj.close()


def test_the_report_counts_suggested_spans_per_annotator_label_and_source(tmp_path):
    df = pd.DataFrame({"text": ["Ana met Ben in Lima.", "Ben flew to Oslo.", "Nothing here."]})
    proj = nl.Project(df, nl.Spans(["PER", "LOC"], text="text"), store=tmp_path / "s.db")

    def decided(source, spans, accepted):
        rejected = [i for i in range(len(spans)) if i not in accepted]
        return {"suggestions": {"source": source, "spans": spans, "accepted": accepted, "edited": [],
                                "rejected": rejected, "ignored": []}}

    proj.add(0, [(0, 3, "PER"), (15, 19, "LOC")], "ana",
             meta=decided("prelabel:gazetteer", [[0, 3, "PER"], [8, 11, "LOC"], [15, 19, "LOC"]], [0, 2]))
    proj.add(1, [(0, 3, "PER")], "ben", meta=decided("model", [[0, 3, "PER"], [12, 16, "PER"]], [0]))
    proj.add(2, [], "ben")
    table = proj.suggestion_report().acceptance.set_index(["scope", "key"])[["answers", "agree"]]
    assert table.to_dict("index") == {
        ("overall", "suggested spans"): {"answers": 5, "agree": 3},
        ("annotator", "ana"): {"answers": 3, "agree": 2},
        ("annotator", "ben"): {"answers": 2, "agree": 1},
        ("label", "LOC"): {"answers": 2, "agree": 1},
        ("label", "PER"): {"answers": 3, "agree": 2},
        ("suggested_by", "gazetteer"): {"answers": 3, "agree": 2},
        ("suggested_by", "model"): {"answers": 2, "agree": 1},
    }
    proj.close()
