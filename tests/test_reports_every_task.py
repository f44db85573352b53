"""Agreement, guideline pilots and label issues for label sets and spans, not only single labels."""

import warnings

import numpy as np
import pandas as pd
import pytest
from span_corpus import LABELS as SPAN_LABELS
from span_corpus import make_corpus

import nblabel as nl
from nblabel.agreement import span_summary
from nblabel.confusions import set_confusions, span_confusions
from nblabel.learn import CRFSpanModel

TAGS = ["bug", "urgent", "billing"]


def span(start, end, label):
    return {"start": start, "end": end, "label": label}


def test_span_summary_per_label_with_intervals():
    df = pd.DataFrame({
        "item": [1, 1, 2, 2, 3, 3],
        "annotator": ["ana", "ben"] * 3,
        "value": [[span(0, 3, "PER"), span(8, 12, "LOC")], [span(0, 3, "PER"), span(8, 11, "LOC")],
                  [span(0, 4, "PER")], [span(0, 4, "PER")],
                  [], [span(5, 9, "ORG")]],
    })
    with pytest.warns(nl.agreement.AgreementWarning, match="undefined"):
        table = span_summary(df, ["PER", "LOC", "ORG", "DATE"], n=200, seed=0)
    rows = {(r.label, r.metric): r for r in table.itertuples()}
    exact, overlap = rows[(None, "span_f1")], rows[(None, "span_f1_overlap")]
    assert exact.estimate == pytest.approx(4 / 7) and overlap.estimate == pytest.approx(6 / 7)
    assert exact.low <= exact.estimate <= exact.high and exact.items == 3
    assert rows[("PER", "span_f1")].estimate == 1.0 and rows[("LOC", "span_f1")].estimate == 0.0
    assert rows[("ORG", "span_f1")].estimate == 0.0 and rows[("ORG", "span_f1")].answers == 1
    assert np.isnan(rows[("DATE", "span_f1")].estimate), "a label no one used"
    assert list(table.columns) == ["scope", "label", "metric", "estimate", "low", "high", "items", "answers"]


def test_confusions_of_label_sets_and_spans():
    sets = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["ana", "ben"] * 3,
                         "value": [["bug"], ["billing"], ["bug", "urgent"], ["bug"], ["bug"], ["bug"]]})
    table = set_confusions(sets)
    assert table[["label_a", "label_b", "pairs"]].values.tolist() == [["billing", "bug", 1], ["urgent", "(none)", 1]]
    assert table["share"].sum() == 1
    spans = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
                          "value": [[span(0, 3, "PER"), span(5, 9, "LOC")], [span(0, 3, "ORG"), span(5, 8, "LOC")],
                                    [span(0, 2, "PER")], []]})
    table = span_confusions(spans)
    assert table[["label_a", "label_b", "pairs"]].values.tolist() == [
        ["LOC", "LOC", 1], ["ORG", "PER", 1], ["PER", "(none)", 1]]


def multi_project(guidelines):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"text": [f"ticket {i}" for i in range(60)]})
    truth = [sorted(set(rng.choice(TAGS, rng.integers(1, 3), replace=False))) for _ in range(60)]
    proj = None
    for name, noise in guidelines:
        proj = nl.Project(df, nl.Classify(TAGS, text="text", multi=True,
                                          guidelines=nl.Guideline(f"Tag it ({name}).", name=name)),
                          store=":memory:" if proj is None else proj.store)
        for annotator in ("ana", "ben", "cy"):
            for item, answer in enumerate(truth):
                answer = set(answer)
                if annotator != "ana" and rng.random() < noise:
                    answer ^= {"urgent"}
                proj.add(item, sorted(answer), annotator=annotator)
    return proj


def test_multi_label_agreement_and_pilot_report():
    proj = multi_project([("v1", 0.5), ("v2", 0.05)])
    table = proj.agreement(n=100)
    alpha = table.query("metric == 'krippendorff_alpha'")["estimate"].iloc[0]
    assert 0 < alpha < 1, "MASI alpha over label sets"
    assert table.query("scope == 'label'")["label"].unique().tolist() == TAGS
    report = proj.pilot_report(n=100)
    overall = report.agreement.query("metric == 'krippendorff_alpha'")
    assert overall["name"].tolist() == ["v1", "v2"]
    assert overall["estimate"].iloc[1] > overall["estimate"].iloc[0] + 0.2
    top = report.confusions[report.confusions["name"] == "v1"].iloc[0]
    assert (top["label_a"], top["label_b"]) == ("urgent", "(none)")
    disputed = report.disagreements
    assert len(disputed) and isinstance(disputed["ana"].iloc[0], list)
    assert (disputed["agreement"] < 1).all()
    report.chart().to_dict()
    assert "Labels confused most" in report._repr_html_()


def span_project(corpus, noise):
    rng = np.random.default_rng(1)
    proj = nl.Project(corpus.drop(columns="gold"),
                      nl.Spans(SPAN_LABELS, text="text", tokens="words", guidelines="Mark names."),
                      store=":memory:")
    for annotator in ("ana", "ben"):
        for item, gold in corpus["gold"].items():
            spans = [dict(s) for s in gold]
            if annotator == "ben" and spans and rng.random() < noise:
                spans[0]["label"] = "ORG" if spans[0]["label"] != "ORG" else "LOC"
            proj.add(item, spans, annotator=annotator)
    return proj


def test_span_agreement_and_pilot_report():
    corpus = make_corpus(40, seed=5)
    proj = span_project(corpus, noise=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nl.agreement.AgreementWarning)
        table = proj.agreement(n=100)
    overall = table.query("metric == 'span_f1' and scope == 'overall'")["estimate"].iloc[0]
    assert 0.6 < overall < 1
    assert table.query("scope == 'label'")["label"].tolist() == SPAN_LABELS
    report = proj.pilot_report(n=100)
    assert set(report.agreement["metric"]) == {"span_f1", "span_f1_overlap"}
    assert report.confusions["label_a"].notna().all() and report.confusions["pairs"].sum() > 0
    assert {"ana", "ben", "text"} <= set(report.disagreements.columns)
    report.chart().to_dict()
    with pytest.raises(TypeError, match="kendall_w"):
        nl.Project(pd.DataFrame({"a": ["x"], "b": ["y"]}), nl.Rank(["a", "b"]), store=":memory:").agreement()


def test_label_issues_of_label_sets_find_flipped_labels():
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=300, n_features=10, n_classes=3, n_labels=1,
                                          random_state=2)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)]).assign(text="-")
    proj = nl.Project(df, nl.Classify(TAGS, text="text", multi=True), store=":memory:")
    rng = np.random.default_rng(0)
    flipped = set(rng.choice(len(df), 30, replace=False).tolist())
    for item, row in enumerate(Y):
        given = {TAGS[k] for k in np.flatnonzero(row)}
        if item in flipped:
            given ^= {TAGS[rng.integers(3)]}
        proj.add(item, sorted(given), annotator="ana")
    issues = nl.analysis.label_issues(proj, features=[f"f{i}" for i in range(10)])
    assert list(issues.columns) == ["item", "label", "suggested", "quality", "confidence", "is_issue", "issue_labels"]
    flagged = issues[issues["is_issue"]]
    precision = flagged["item"].isin(flipped).mean()
    recall = flagged["item"].isin(flipped).sum() / len(flipped)
    assert precision > 2 * len(flipped) / len(df) and recall > 0.5, (precision, recall)
    assert all(flagged["issue_labels"].map(len) > 0)


def test_label_issues_of_spans_find_missing_spans():
    corpus = make_corpus(120, seed=7)
    proj = nl.Project(corpus.drop(columns="gold"), nl.Spans(SPAN_LABELS, text="text", tokens="words"),
                      store=":memory:")
    dropped = set()
    for item, gold in corpus["gold"].items():
        spans = list(gold)
        if spans and item % 8 == 0:
            spans, _ = spans[1:], dropped.add(item)
        proj.add(item, spans, annotator="ana")
    issues = nl.analysis.label_issues(proj, CRFSpanModel(max_iterations=50), cv=3)
    flagged = set(issues.loc[issues["is_issue"], "item"])
    assert flagged and len(flagged & dropped) / len(flagged) > 0.7
    assert len(flagged & dropped) / len(dropped) > 0.4
    assert issues["quality"].between(0, 1).all()
