"""Re-qualification: a new guideline or falling gold accuracy sends an annotator back to a round."""

import pandas as pd
from test_widget_protocol import Browser

import nblabel as nl

LABELS = ["bug", "billing"]


def frame(n=40, gold=12):
    truth = [LABELS[i % 2] for i in range(n)]
    return pd.DataFrame({"text": [f"t{i}" for i in range(n)], "truth": truth,
                         "known": [t if i < gold else None for i, t in enumerate(truth)]}), truth


def test_a_new_guideline_version_sends_an_annotator_back_and_the_record_says_why(tmp_path):
    df, truth = frame()
    gold = nl.Gold("known", qualify=2, threshold=1.0, rate=0, requalify_on_guideline=True)
    v1 = nl.Classify(LABELS, text="text", guidelines=nl.Guideline("Be careful.", name="v1"))
    proj = nl.Project(df, v1, store=tmp_path / "g.db", gold=gold)
    for item in (0, 1):
        proj.add(item, truth[item], annotator="ana")  # the first round, passed
    proj.add(20, "bug", annotator="ana")
    assert proj.qualified("ana") is True and proj.labels()[20] == "bug"
    proj.close()

    v2 = nl.Classify(LABELS, text="text", guidelines=nl.Guideline("Be careful; new rule.", name="v2"))
    proj = nl.Project(df, v2, store=tmp_path / "g.db", gold=gold)
    proj.add(21, "billing", annotator="ana")  # first answer under v2: a new round opens
    assert proj.qualified("ana") is None
    assert pd.isna(proj.labels()[21]) and pd.isna(proj.labels()[20]), "their answers stop counting"
    view = Browser(proj.label("ana", window=3))
    upcoming = view.hello()["upcoming"]
    assert all(item["pos"] < 12 for item in upcoming[:2]), "gold items come first again"
    assert view.widget.progress["qualification"]["reason"] == f"new guideline {v2.guideline_version}"
    for item in (2, 3):
        proj.add(item, truth[item], annotator="ana")
    assert proj.qualified("ana") is True and proj.labels()[21] == "billing"
    history = proj.qualification_history("ana")
    assert history["reason"].tolist() == ["first round", f"new guideline {v2.guideline_version}"]
    assert history["passed"].tolist() == [True, True] and history["started_at"].is_monotonic_increasing
    proj.close()


def test_gold_accuracy_falling_over_a_window_opens_a_round(tmp_path):
    df, truth = frame()
    gold = nl.Gold("known", qualify=2, threshold=0.75, rate=0, window=4)
    proj = nl.Project(df, nl.Classify(LABELS, text="text"), store=tmp_path / "w.db", gold=gold)
    for item in (0, 1):
        proj.add(item, truth[item], annotator="ana")
    assert proj.qualified("ana") is True
    wrong = {"bug": "billing", "billing": "bug"}
    for item, right in zip(range(2, 6), [True, False, True, True], strict=True):  # 3 of 4: fine
        proj.add(item, truth[item] if right else wrong[truth[item]], annotator="ana")
    assert proj.qualified("ana") is True
    for item in range(6, 8):  # now 2 of the last 4 right: below 0.75
        proj.add(item, wrong[truth[item]], annotator="ana")
    assert proj.qualified("ana") is None
    history = proj.qualification_history("ana")
    assert history["reason"].iloc[-1] == "gold accuracy 50% over the last 4 gold items"
    assert proj.qualification_history("nobody").empty
    proj.close()


def test_a_round_opening_mid_session_brings_its_gold_items_next(tmp_path):
    df, truth = frame()
    gold = nl.Gold("known", qualify=2, threshold=1.0, rate=0, requalify_on_guideline=True)
    v1 = nl.Classify(LABELS, text="text", guidelines=nl.Guideline("Be careful.", name="v1"))
    proj = nl.Project(df, v1, store=tmp_path / "m.db", gold=gold)
    for item in (0, 1):
        proj.add(item, truth[item], annotator="ana")
    proj.close()
    v2 = nl.Classify(LABELS, text="text", guidelines=nl.Guideline("New rule.", name="v2"))
    proj = nl.Project(df, v2, store=tmp_path / "m.db", gold=gold)
    view = Browser(proj.label("ana", window=4))
    upcoming = [item["pos"] for item in view.hello()["upcoming"]]
    assert upcoming == [12, 13, 14, 15], "qualified: regular items"
    assert "qualification" in view.widget.progress and "round" not in view.widget.progress["qualification"]
    [ack] = [m for m in view.answer(12, "bug") if m["kind"] == "ack"]  # the first answer under v2
    assert ack["drop"] == [14, 15], "the regular items after the one on screen make way"
    assert [item["pos"] for item in ack["append"]] == [2, 3, 16], "the round's gold items come next"
    round_ = view.widget.progress["qualification"]
    assert (round_["round"], round_["passed"]) == (2, None)
    assert round_["reason"] == f"new guideline {v2.guideline_version}"
    assert pd.isna(proj.labels()[12]), "their answers stop counting meanwhile"
    view.answer(13, "billing", req="r13")
    view.answer(2, truth[2], req="r2")
    [ack] = [m for m in view.answer(3, truth[3], req="r3") if m["kind"] == "ack"]
    assert "drop" not in ack, "passing a round drops nothing"
    assert view.widget.progress["qualification"]["passed"] is True
    assert proj.labels()[12] == "bug", "once passed, their answers count again"
    proj.close()
