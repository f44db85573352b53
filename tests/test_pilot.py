import numpy as np
import pandas as pd
import pytest

import nblabel as nl

LABELS = ["bug", "feature_request", "billing", "praise"]
GUIDE_V1 = "Pick the customer's intent."
GUIDE_V2 = "Pick the customer's intent. Something that stopped working is a **bug**, even phrased as a wish."


def simulate(proj, truth, confusion, seed):
    """Three annotators answer every item; ``confusion``: chance to file a bug as a feature."""
    rng = np.random.default_rng(seed)
    for annotator, skill in (("ana", 0.95), ("ben", 0.9), ("cy", 0.9)):
        for item, answer in truth.items():
            if answer == "bug" and annotator != "ana" and rng.random() < confusion:
                answer = "feature_request"
            elif rng.random() > skill:
                answer = LABELS[rng.integers(len(LABELS))]
            proj.add(item, answer, annotator=annotator)


@pytest.fixture
def pilot(tmp_path):
    rng = np.random.default_rng(0)
    truth = pd.Series(rng.choice(LABELS, 120, p=[0.4, 0.2, 0.2, 0.2]), index=[f"t{i}" for i in range(120)])
    df = pd.DataFrame({"text": [f"ticket {i} <b>" for i in range(120)]}, index=truth.index)
    store = tmp_path / "pilot.db"
    v1 = nl.Project(df, nl.Classify(LABELS, text="text", guidelines=nl.Guideline(GUIDE_V1, name="v1")), store=store)
    simulate(v1, truth, confusion=0.6, seed=1)
    v2 = nl.Project(df, nl.Classify(LABELS, text="text", guidelines=nl.Guideline(GUIDE_V2, name="v2 after the pilot")), store=store)
    simulate(v2, truth, confusion=0.05, seed=2)
    return v2


def test_guideline_history(pilot):
    history = pilot.guideline_history()
    assert history["name"].tolist() == ["v1", "v2 after the pilot"]
    assert history["version"].tolist() == [nl.Classify(["x"], text="t", guidelines=g).guideline_version for g in (GUIDE_V1, GUIDE_V2)]
    assert history["answers"].tolist() == [360, 360] and history["annotators"].tolist() == [3, 3]
    assert history["text"].tolist() == [GUIDE_V1, GUIDE_V2]
    assert history["first_seen"].is_monotonic_increasing


def test_pilot_report_shows_the_improvement(pilot):
    report = pilot.pilot_report(n=300)
    overall = report.agreement.query("scope == 'overall' and metric == 'krippendorff_alpha'")
    assert overall["name"].tolist() == ["v1", "v2 after the pilot"]
    v1, v2 = overall["estimate"].tolist()
    assert v2 > v1 + 0.15
    assert overall["high"].iloc[0] < overall["low"].iloc[1], "the intervals separate the rounds"
    bug = report.agreement.query("label == 'bug' and metric == 'kappa'")["estimate"].tolist()
    assert bug[1] > bug[0]

    first = report.confusions[report.confusions["name"] == "v1"].iloc[0]
    assert {first["label_a"], first["label_b"]} == {"bug", "feature_request"}
    assert report.confusions.groupby("guideline")["share"].sum().round(6).le(1).all()

    disputed = report.disagreements
    assert set(disputed.columns) >= {"guideline", "item", "agreement", "answers", "ana", "ben", "cy", "text"}
    assert (disputed["agreement"] < 1).all()
    assert disputed.groupby("guideline").size().max() <= 10
    html = report._repr_html_()
    assert "&lt;b&gt;" in html and "<b>" not in html, "item text is escaped, never markup"
    spec = report.chart().to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar"


def test_pilot_report_needs_guidelines_and_two_annotators(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"]})
    plain = nl.Project(df, nl.Classify(["x", "y"], text="text"), store=tmp_path / "a.db")
    with pytest.raises(ValueError, match="no answer was given under a guideline"):
        plain.pilot_report()
    guided = nl.Project(df, nl.Classify(["x", "y"], text="text", guidelines="g"), store=tmp_path / "b.db")
    guided.add(0, "x", annotator="ana")
    with pytest.raises(ValueError, match="two or more annotators"):
        guided.pilot_report()
    with pytest.raises(TypeError, match="compares classification and span rounds"):
        nl.Project(df.assign(b=df["text"]), nl.Rank(["text", "b"], guidelines="g"), store=":memory:").pilot_report()
    with pytest.raises(ValueError, match="top must be"):
        guided.pilot_report(top=0)


def test_guideline_objects():
    task = nl.Classify(["x"], text="t", guidelines=nl.Guideline("# Rules", name="v1"))
    again = nl.tasks.task_from_json(task.to_json())
    assert again.guideline_name == "v1" and again.guidelines == "# Rules" and again == task
    with pytest.raises(ValueError, match="name must be"):
        nl.Guideline("x", name=" ")
    with pytest.raises(TypeError, match="text must be"):
        nl.Guideline(3)
