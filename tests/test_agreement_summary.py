import warnings

import numpy as np
import pandas as pd
import pytest

import nblabel as nl
from nblabel import agreement


def pilot(seed=0, items=80, annotators=("ana", "ben", "cy"), accuracy=0.8):
    rng = np.random.default_rng(seed)
    labels = ["bug", "billing", "praise"]
    truth = rng.choice(labels, items)
    rows = []
    for a in annotators:
        for i in range(items):
            value = truth[i] if rng.random() < accuracy else rng.choice(labels)
            rows.append((i, a, value))
    return pd.DataFrame(rows, columns=["item", "annotator", "value"]), labels


def test_summary_matches_the_single_metrics():
    df, labels = pilot()
    table = agreement.summary(df, labels, n=300, seed=1)
    overall = table[table["scope"] == "overall"].set_index("metric")
    assert overall.loc["krippendorff_alpha", "estimate"] == agreement.krippendorff_alpha(df)
    assert overall.loc["percent_agreement", "estimate"] == agreement.percent_agreement(df)
    per = agreement.per_label(df, labels)
    for label in labels:
        rows = table[table["label"] == label].set_index("metric")
        assert rows.loc["kappa", "estimate"] == pytest.approx(per.loc[label, "kappa"], abs=1e-12)
        assert rows.loc["specific_agreement", "estimate"] == pytest.approx(per.loc[label, "specific_agreement"], abs=1e-12)
        assert rows.loc["kappa", "items"] == per.loc[label, "items"]
    assert (table["low"] <= table["estimate"]).all() and (table["estimate"] <= table["high"]).all()
    assert table["label"].tolist()[:2] == [None, None]


def test_summary_intervals_match_a_plain_bootstrap_of_per_label_kappa():
    df, labels = pilot(items=60)
    table = agreement.summary(df, labels, n=2000, seed=3)
    row = table[(table["label"] == "bug") & (table["metric"] == "kappa")].iloc[0]
    reference = agreement.bootstrap(lambda d: agreement.per_label(d, labels).loc["bug", "kappa"], df, n=400, seed=4)
    assert abs(row["low"] - reference.low) < 0.06 and abs(row["high"] - reference.high) < 0.06


def test_summary_narrows_with_more_items():
    small = agreement.summary(pilot(items=30)[0], n=500, seed=0)
    large = agreement.summary(pilot(items=600)[0], n=500, seed=0)
    width = lambda t: (t["high"] - t["low"]).iloc[0]  # noqa: E731
    assert width(large) < width(small) / 2


def test_summary_lists_unused_labels_with_a_warning():
    df, labels = pilot()
    with pytest.warns(agreement.AgreementWarning, match="undefined"):
        table = agreement.summary(df, [*labels, "other"], n=100, seed=0)
    rows = table[table["label"] == "other"]
    assert rows["estimate"].isna().all() and (rows["items"] == 0).all()


def test_summary_arguments_are_checked():
    df, _ = pilot()
    with pytest.raises(ValueError, match="n must be"):
        agreement.summary(df, n=0)
    with pytest.raises(ValueError, match="ci must be"):
        agreement.summary(df, ci=95)
    with pytest.raises(TypeError, match="valid ones are"):
        agreement.summary(df, level="ordinal")
    with pytest.raises(ValueError, match="two"):
        agreement.summary(df[df["annotator"] == "ana"])


def test_project_agreement_and_consensus_labels(tmp_path):
    df, labels = pilot(items=40)
    frame = pd.DataFrame({"text": [f"ticket {i}" for i in range(40)]})
    proj = nl.Project(frame, nl.Classify([*labels, "other"], text="text"), store=tmp_path / "p.db")
    for item, annotator, value in df.itertuples(index=False):
        proj.add(item, value, annotator=annotator)
    proj.add(0, "other", annotator="ana")
    proj.retract(0, annotator="ana")  # ana's answer for item 0 is undone: it no longer counts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", agreement.AgreementWarning)
        table = proj.agreement(n=200)
    current = df[~((df["item"] == 0) & (df["annotator"] == "ana"))]
    overall = table.set_index("metric").loc["krippendorff_alpha"]
    assert overall["estimate"] == agreement.krippendorff_alpha(current)
    assert overall["answers"] == len(current)
    assert table[table["scope"] == "label"]["label"].unique().tolist() == [*labels, "other"]

    majority = proj.labels(how="majority")
    expected = nl.consensus.majority_vote(current)["value"]
    assert majority.index.equals(frame.index)
    assert majority.dropna().to_dict() == expected.dropna().to_dict()
    skene = proj.labels(how="dawid_skene")
    assert skene.notna().all()
    expected = nl.consensus.dawid_skene(current, seed=0).labels["value"].reindex(frame.index)
    assert skene.tolist() == expected.tolist()
    with pytest.raises(ValueError, match="combines annotators"):
        proj.labels(annotator="ana", how="majority")


def test_consensus_labels_of_an_empty_project(tmp_path):
    proj = nl.Project(pd.DataFrame({"text": ["a", "b"]}), nl.Classify(["x", "y"], text="text"), store=tmp_path / "e.db")
    assert proj.labels(how="majority").isna().all()


def test_project_annotations_carry_the_task_label_order(tmp_path):
    from sklearn.metrics import cohen_kappa_score

    order = ["low", "mid", "high"]
    ana = ["low", "mid", "mid", "high", "high", "low", "mid", "high", "low", "mid"]
    ben = ["low", "high", "mid", "mid", "high", "low", "high", "high", "mid", "mid"]
    frame = pd.DataFrame({"text": [f"ticket {i}" for i in range(len(ana))]})
    proj = nl.Project(frame, nl.Classify(order, text="text"), store=tmp_path / "p.db")
    for item, (a, b) in enumerate(zip(ana, ben, strict=True)):
        proj.add(item, a, annotator="ana")
        proj.add(item, b, annotator="ben")
    proj.add(0, "high", annotator="cy")
    proj.retract(0, annotator="cy")  # an undone answer, and a skip: neither counts
    proj.skip(1, annotator="cy")
    events = proj.annotations
    assert events.attrs["labels"] == order
    plain = pd.DataFrame({"item": list(range(len(ana))) * 2,
                          "annotator": ["ana"] * len(ana) + ["ben"] * len(ben), "value": ana + ben})

    for weights in ("linear", "quadratic"):
        expected = cohen_kappa_score(ana, ben, labels=order, weights=weights)
        alphabetical = cohen_kappa_score(ana, ben, labels=sorted(order), weights=weights)
        assert abs(expected - alphabetical) > 0.05
        kappa = agreement.cohen_kappa(events, weights=weights)
        assert kappa == pytest.approx(expected, abs=1e-12)
        assert agreement.cohen_kappa(plain, weights=weights) == pytest.approx(alphabetical)
        assert agreement.cohen_kappa(events, weights=weights, labels=sorted(order)) == (
            pytest.approx(alphabetical)
        )  # labels= still decides
        human = events[events["source"] == "human"]  # filtering keeps the order
        assert agreement.cohen_kappa(human, weights=weights) == kappa
        pairs = agreement.pairwise(events[events["annotator"] != "cy"], "cohen_kappa",
                                   weights=weights)
        assert pairs.loc["ana", "ben"] == pytest.approx(expected, abs=1e-12)
        boot = agreement.bootstrap(lambda d, w=weights: agreement.cohen_kappa(d, weights=w),
                                   events, n=20, seed=0)
        assert boot.estimate == pytest.approx(expected, abs=1e-12)

    rank = {label: i for i, label in enumerate(order)}
    ordinal = agreement.krippendorff_alpha(events, level="ordinal")
    assert ordinal == pytest.approx(
        agreement.krippendorff_alpha(plain.assign(value=plain["value"].map(rank)), level="ordinal")
    )
    assert abs(ordinal - agreement.krippendorff_alpha(plain, level="ordinal")) > 0.05
    assert agreement.per_label(events).index.tolist() == order
    assert list(nl.consensus.dawid_skene(events).posteriors.columns) == order


def test_multilabel_project_annotations_carry_no_label_order(tmp_path):
    frame = pd.DataFrame({"text": ["a", "b"]})
    proj = nl.Project(frame, nl.Classify(["x", "y"], text="text", multi=True),
                      store=tmp_path / "p.db")
    proj.add(0, ["y"], annotator="ana")
    assert "labels" not in proj.annotations.attrs
