"""Chart builders: the specs they produce, offline export, and clicks mapped back to items."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.selection import PointSelection
from sklearn.linear_model import LogisticRegression

import nblabel as nl
from nblabel import charts
from nblabel.learn import ActiveLearner


def spec(chart) -> dict:
    return chart.to_dict()


def layers(chart) -> list[dict]:
    return spec(chart)["layer"]


def data_of(chart, layer: int | None = None) -> pd.DataFrame:
    """The rows a chart (or one of its layers) carries, as vega-lite receives them."""
    full = spec(chart)
    source = full if layer is None else full["layer"][layer]
    return pd.DataFrame(full["datasets"][source["data"]["name"]])


@pytest.fixture
def annotations() -> pd.DataFrame:
    start = pd.Timestamp("2024-05-01 09:00", tz="UTC")
    rows = []
    for n in range(12):
        rows.append({"event_id": len(rows) + 1, "item": n, "annotator": "ana",
                     "value": ["pos", "neg", "neutral"][n % 3], "event": "label",
                     "created_at": start + pd.Timedelta(seconds=20 * n)})
    for n in range(6):
        rows.append({"event_id": len(rows) + 1, "item": n, "annotator": "ben",
                     "value": ["pos", "pos", "neutral"][n % 3], "event": "label",
                     "created_at": start + pd.Timedelta(seconds=45 * n)})
    rows.append({"event_id": len(rows) + 1, "item": 5, "annotator": "ben", "value": None,
                 "event": "retract", "created_at": start + pd.Timedelta(minutes=6)})
    rows.append({"event_id": len(rows) + 1, "item": 7, "annotator": "ben", "value": None,
                 "event": "skip", "created_at": start + pd.Timedelta(minutes=7)})
    return pd.DataFrame(rows)


@pytest.fixture
def predictions() -> pd.DataFrame:
    """Shaped like LearnerState.predictions(): labeled rows with held-out predictions."""
    rng = np.random.default_rng(0)
    label = np.array(["a", "b", "c"] * 20 + [None] * 40, dtype=object)
    heldout = label.copy()
    heldout[[0, 4, 8]] = ["b", "c", "c"]
    confidence = np.where(label == None, np.nan, rng.uniform(0.4, 1.0, 100))  # noqa: E711
    return pd.DataFrame(
        {"label": label, "heldout": heldout, "heldout_confidence": confidence,
         "uncertainty": rng.uniform(0, 0.7, 100)},
        index=pd.Index([f"x{i}" for i in range(100)], name="item"),
    )


# -- labeling ----------------------------------------------------------------------------------
def test_label_distribution_counts_current_answers_per_annotator(annotations):
    chart = charts.label_distribution(annotations, labels=["pos", "neg", "neutral", "unused"])
    table = chart.data.set_index(["label", "annotator"])["count"]
    assert table[("pos", "ana")] == 4 and table[("neg", "ana")] == 4
    assert table[("pos", "ben")] == 4
    assert table[("neutral", "ben")] == 1, "ben's retracted answer and his skip do not count"
    encoding = spec(chart)["encoding"]
    assert spec(chart)["mark"]["type"] == "bar"
    assert encoding["y"]["field"] == "label" and encoding["y"]["scale"]["domain"] == [
        "pos", "neg", "neutral", "unused"]
    assert encoding["x"] == {"aggregate": "sum", "field": "count", "type": "quantitative",
                             "title": "answers"}
    assert encoding["color"]["field"] == "annotator"


def test_label_distribution_of_labels_and_multi_label_answers():
    series = pd.Series(["pos", None, "neg", "pos"], index=list("abcd"))
    assert charts.label_distribution(series).data.set_index("label")["count"].to_dict() == {
        "pos": 2, "neg": 1}
    multi = pd.DataFrame({"item": [1, 2], "annotator": ["ana", "ana"],
                          "value": [["x", "y"], ["y"]]})
    counts = charts.label_distribution(multi).data.set_index("label")["count"].to_dict()
    assert counts == {"x": 1, "y": 2}


def test_progress_is_cumulative_and_stays_small(annotations):
    chart = charts.progress(annotations)
    table = chart.data
    ben = table[table["annotator"] == "ben"]["answers"].tolist()
    assert ben == [1, 2, 3, 4, 5, 6, 5, 6], "a retract takes an answer back, a skip is one"
    assert table[table["annotator"] == "ana"]["answers"].tolist() == list(range(1, 13))
    encoding = spec(chart)["encoding"]
    assert encoding["x"]["field"] == "created_at" and encoding["x"]["type"] == "temporal"
    assert encoding["y"]["field"] == "answers"
    big = pd.DataFrame({"annotator": np.repeat(["ana", "ben"], 50_000), "event": "label",
                        "created_at": pd.date_range("2024-01-01", periods=100_000, freq="s",
                                                    tz="UTC")})
    small = charts.progress(big, max_points=100).data
    assert len(small) == 200
    assert small.groupby("annotator")["answers"].max().tolist() == [50_000, 50_000]


def test_throughput_counts_answers_per_window(annotations):
    chart = charts.throughput(annotations, every="2min")
    table = chart.data.set_index(["annotator", "window"])
    start = pd.Timestamp("2024-05-01 09:00", tz="UTC")
    assert table.loc[("ana", start), "answers"] == 6  # 0 … 100 s
    assert table.loc[("ana", start), "per_minute"] == 3.0
    assert table["answers"].sum() == 12 + 6 + 1, "labels and skips, not retracts"
    assert spec(chart)["encoding"]["y"]["field"] == "per_minute"
    with pytest.raises(ValueError, match="not a time window"):
        charts.throughput(annotations, every="soon")
    latest = charts.throughput(annotations, every="1min", max_windows=2).data
    assert sorted(latest["window"].unique()) == [start + pd.Timedelta(minutes=m) for m in (3, 7)]


# -- agreement ---------------------------------------------------------------------------------
def test_agreement_chart_from_the_summary_table(annotations):
    summary = nl.agreement.summary(annotations, ["pos", "neg", "neutral"], n=50, seed=0)
    chart = charts.agreement(summary)
    rule, point = layers(chart)
    assert rule["mark"]["type"] == "rule" and point["mark"]["type"] == "point"
    assert rule["encoding"]["x"]["field"] == "low" and rule["encoding"]["x2"]["field"] == "high"
    assert point["encoding"]["x"]["field"] == "estimate"
    rows = data_of(chart)
    assert rows["row"].iloc[0] == "overall"
    assert set(rows["row"]) == {"overall", "pos", "neg", "neutral"}
    order = point["encoding"]["y"]["sort"]
    assert order[0] == "overall" and sorted(order[1:]) == ["neg", "neutral", "pos"]
    with pytest.raises(ValueError, match="needs columns"):
        charts.agreement(summary.drop(columns="low"))


def test_pairwise_heatmap_melts_the_matrix():
    matrix = pd.DataFrame([[np.nan, 0.8, 0.2], [0.8, np.nan, np.nan], [0.2, np.nan, np.nan]],
                          index=["ana", "ben", "cy"], columns=["ana", "ben", "cy"])
    chart = charts.pairwise_heatmap(matrix, "cohen_kappa")
    rows = data_of(chart)
    assert len(rows) == 6, "off-diagonal pairs only"
    pair = rows[(rows["annotator_a"] == "ana") & (rows["annotator_b"] == "ben")]
    assert pair["value"].tolist() == [0.8]
    rect, text = layers(chart)
    assert rect["mark"]["type"] == "rect" and rect["encoding"]["color"]["field"] == "value"
    assert rect["encoding"]["color"]["title"] == "cohen_kappa"
    assert text["encoding"]["text"]["field"] == "value"
    with pytest.raises(ValueError, match="square annotator"):
        charts.pairwise_heatmap(matrix.iloc[:2])


# -- the model ---------------------------------------------------------------------------------
def test_uncertainty_histogram_carries_bin_edges_and_a_named_selection(predictions):
    chart = charts.uncertainty_histogram(predictions, bins=10)
    table = chart.data
    assert table["bin_start"].round(6).tolist() == [i / 10 for i in range(10)]
    assert table["count"].sum() == 100
    assert spec(chart)["params"] == [{"name": "select_bin", "select": {
        "type": "point", "fields": ["bin_start", "bin_end"]}}]
    encoding = spec(chart)["encoding"]
    assert encoding["x"]["field"] == "bin_start" and encoding["x"]["bin"] == "binned"
    assert encoding["x2"]["field"] == "bin_end" and encoding["y"]["field"] == "count"
    assert encoding["opacity"]["condition"]["param"] == "select_bin"
    assert alt.JupyterChart(chart)._selection_types == {"select_bin": "point"}


def test_clicked_bins_map_back_to_items(predictions):
    chart = charts.uncertainty_histogram(predictions, bins=10)
    bar = chart.data.iloc[3].to_dict()
    clicked = PointSelection(name="select_bin", value=[bar], store=[])
    items = charts.bin_items(predictions, clicked)
    values = predictions["uncertainty"]
    expected = values[(values >= bar["bin_start"]) & (values < bar["bin_end"])].index
    assert items.tolist() == expected.tolist() and len(items) == bar["count"]
    everything = charts.bin_items(predictions, chart.data.to_dict("records"))
    assert everything.tolist() == predictions.index.tolist()
    edge = pd.DataFrame({"uncertainty": [0.0, 0.5, 1.0]}, index=["a", "b", "c"])
    assert charts.bin_items(edge, {"bin_start": 0.9, "bin_end": 1.0}).tolist() == ["c"]
    assert charts.bin_items(edge, None).tolist() == []
    with pytest.raises(ValueError, match="bin_start"):
        charts.bin_items(edge, [{"start": 0}])


def test_confusion_matrix_has_every_cell_and_a_named_selection(predictions):
    chart = charts.confusion(predictions, labels=["a", "b", "c"])
    cells = data_of(chart).set_index(["label", "predicted"])
    assert len(cells) == 9
    assert cells.loc[("a", "a"), "count"] == 19 and cells.loc[("a", "b"), "count"] == 1
    assert cells.loc[("b", "c"), "count"] == 1 and cells.loc[("c", "a"), "count"] == 0
    assert cells.loc[("a", "a"), "share"] == pytest.approx(19 / 20)
    assert spec(chart)["params"] == [{"name": "select_cell", "select": {
        "type": "point", "fields": ["label", "predicted"]}, "views": [spec(chart)["layer"][0]["name"]]}]
    rect, text = layers(chart)
    assert rect["encoding"]["x"]["field"] == "predicted" and rect["encoding"]["y"]["field"] == "label"
    assert rect["encoding"]["x"]["sort"] == ["a", "b", "c"]
    assert text["encoding"]["text"]["field"] == "count"
    assert alt.JupyterChart(chart)._selection_types == {"select_cell": "point"}


def test_clicked_cells_map_back_to_items(predictions):
    chart = charts.confusion(predictions)
    clicked = PointSelection(name="select_cell", store=[], value=[
        {"label": "a", "predicted": "b"}, {"label": "b", "predicted": "c"}])
    assert charts.cell_items(predictions, clicked).tolist() == ["x0", "x4"]
    assert charts.cell_items(predictions, clicked.value[0]).tolist() == ["x0"]
    assert len(chart.layer) == 2


def test_calibration_bins_held_out_confidence(predictions):
    chart = charts.calibration(predictions, bins=5)
    diagonal, curve, dots = layers(chart)
    table = data_of(chart, layer=1)
    assert table["count"].sum() == 60, "unlabeled rows are left out"
    assert table["bin_start"].tolist() == pytest.approx([0.4, 0.6, 0.8])
    labeled = predictions.dropna(subset=["label"])
    right = labeled["heldout"] == labeled["label"]
    assert table["accuracy"].mul(table["count"]).sum() == pytest.approx(right.sum())
    assert curve["encoding"]["x"]["field"] == "confidence"
    assert curve["encoding"]["y"]["field"] == "accuracy"
    assert dots["encoding"]["size"]["field"] == "count"
    assert "expected error" in spec(chart)["title"] and "60 held-out" in spec(chart)["title"]


def test_learning_curve_from_history_and_from_simulation():
    history = pd.DataFrame({"version": [1, 2], "n_labels": [10, 20], "accuracy": [0.5, 0.7],
                            "f1": [0.4, np.nan]})
    chart = charts.learning_curve(history)
    [line] = layers(chart)
    assert line["encoding"]["color"]["field"] == "series"
    assert set(data_of(chart)["series"]) == {"accuracy", "f1"}
    curves = pd.DataFrame({"strategy": ["random"] * 4 + ["margin"] * 4,
                           "repeat": [0, 0, 1, 1] * 2, "n_labels": [10, 20] * 4,
                           "accuracy": [0.5, 0.6, 0.7, 0.8, 0.5, 0.7, 0.7, 0.9],
                           "f1": 0.5})
    chart = charts.learning_curve(curves, metrics="accuracy")
    band, line = layers(chart)
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high"
    table = data_of(chart).set_index(["series", "n_labels"])
    assert table.loc[("random", 20), "mean"] == pytest.approx(0.7)
    assert table.loc[("random", 20), "low"] == pytest.approx(0.7 - np.std([0.6, 0.8], ddof=1))
    assert table.loc[("margin", 20), "runs"] == 2
    both = charts.learning_curve(curves)
    assert layers(both)[1]["encoding"]["strokeDash"]["field"] == "metric"
    with pytest.raises(ValueError, match="none of the metric columns"):
        charts.learning_curve(history, metrics="auc")


def test_charts_accept_empty_inputs():
    empty_log = pd.DataFrame({"event_id": [], "item": [], "annotator": [], "value": [],
                              "event": [], "created_at": pd.to_datetime([], utc=True)})
    built = [
        charts.label_distribution(empty_log, ["pos", "neg"]),
        charts.progress(empty_log),
        charts.throughput(empty_log),
        charts.uncertainty_histogram(pd.DataFrame({"uncertainty": []})),
        charts.confusion(pd.DataFrame({"label": [], "heldout": []}), ["pos", "neg"]),
        charts.calibration(pd.DataFrame({"label": [], "heldout": [], "heldout_confidence": []})),
    ]
    for chart in built:
        assert spec(chart)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_charts_from_a_live_project_and_learner(tmp_path):
    tickets = nl.datasets.load_support_tickets()
    intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
    proj = nl.Project(tickets, nl.Classify(intents, text="text"), store=tmp_path / "p.db")
    for item in tickets.index[:60]:
        proj.add(item, tickets.at[item, "intent"], annotator="ana")
    learner = ActiveLearner(LogisticRegression(max_iter=300), tickets, "text",
                                     classes=intents, retrain_every=1000, cv=3, seed=0)
    learner.set_labels(proj.labels())
    assert learner.wait(60) and learner.state.status == "ready", learner.state.message
    frame = learner.state.predictions()
    pool = frame[frame["label"].isna()]
    assert charts.uncertainty_histogram(pool).data["count"].sum() == 140
    assert data_of(charts.confusion(frame, intents))["count"].sum() == 60
    assert data_of(charts.calibration(frame), layer=1)["count"].sum() == 60
    assert charts.label_distribution(proj.annotations, intents).data["count"].sum() == 60
    proj.close()


def test_charts_export_to_png_and_svg_offline(tmp_path, predictions):
    chart = charts.confusion(predictions) | charts.uncertainty_histogram(predictions)
    chart.save(tmp_path / "model.png")
    chart.save(tmp_path / "model.svg")
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "model.svg").read_text()
    assert svg.startswith("<svg") and "select" not in svg.split(">")[0]
    assert "Model vs given label" in svg


def test_chart_data_is_valid_json_with_gaps(annotations):
    """Gaps (the overall rows of an agreement summary have no label; a metric may be NaN)
    must reach Vega as null: NaN is not JSON, and a chart widget refuses the spec."""
    import json

    summary = nl.agreement.summary(annotations, ["pos", "neg", "neutral"], n=20, seed=0)
    history = pd.DataFrame({"n_labels": [10, 20], "accuracy": [0.5, np.nan], "f1": np.nan})
    for chart in (charts.agreement(summary), charts.learning_curve(history)):
        json.dumps(chart.to_dict(), allow_nan=False)
        json.dumps(alt.JupyterChart(chart).spec, allow_nan=False)


# -- label sets and spans: the model per label ---------------------------------------------------
def span(start, end, label, confidence=None):
    found = {"start": start, "end": end, "label": label}
    return found if confidence is None else {**found, "confidence": confidence}


def test_label_outcomes_of_label_sets_and_spans():
    sets = pd.DataFrame({"label": [["a", "b"], [], None], "heldout": [["b", "c"], ["a"], ["a"]]},
                        index=["x", "y", "z"])
    got = charts.label_outcomes(sets)
    assert got.values.tolist() == [["x", "a", "missed", 1], ["y", "a", "extra", 1], ["x", "b", "agreed", 1],
                                   ["x", "c", "extra", 1]], "unlabeled rows are left out"
    spans = pd.DataFrame({"label": [[span(0, 3, "PER"), span(4, 8, "LOC")]],
                          "heldout": [[span(0, 3, "PER", 0.9), span(4, 7, "LOC", 0.5), (10, 12, "LOC")]]})
    got = charts.label_outcomes(spans).set_index(["label", "outcome"])["count"].to_dict()
    assert got == {("LOC", "missed"): 1, ("LOC", "extra"): 2, ("PER", "agreed"): 1}, \
        "a span agrees only with the same start, end and label"
    with pytest.raises(ValueError, match="single-label model use nl.charts.confusion"):
        charts.label_outcomes(pd.DataFrame({"label": ["a"], "heldout": ["a"]}))


def test_label_scores_and_the_per_label_chart():
    frame = pd.DataFrame({"label": [["a"], ["a"], ["a", "b"], []], "heldout": [["a"], [], ["a"], ["b"]]})
    scores = charts.label_scores(charts.label_outcomes(frame), ["a", "b", "c"])
    assert scores.loc["a", ["agreed", "missed", "extra", "support"]].tolist() == [2, 1, 0, 3]
    assert scores.loc["a", "recall"] == pytest.approx(2 / 3) and scores.loc["a", "precision"] == 1.0
    assert scores.loc["b", "f1"] == 0.0 and np.isnan(scores.loc["c", "precision"])
    chart = charts.per_label(frame, ["a", "b", "c"])
    data = chart.data
    assert len(data) == 9 and set(data["outcome"]) == {"agreed", "missed", "extra"}
    assert data.loc[data["label"] == "a", "row"].iloc[0] == "a · F1 0.80"
    assert data.loc[data["label"] == "c", "row"].iloc[0] == "c · F1 –"
    assert chart.to_dict()["title"] == "Model vs given labels, per label (4 items, micro-F1 0.57)"
    whole = chart.to_dict()
    params = [p["name"] for part in [whole, *whole["layer"]] for p in part.get("params", [])]
    assert params == [charts.CELL_SELECTION]


def test_clicked_outcomes_map_back_to_items():
    frame = pd.DataFrame({"label": [["a"], ["a"], ["b"]], "heldout": [["a"], [], ["a"]]}, index=[10, 11, 12])
    assert charts.outcome_items(frame, [{"label": "a", "outcome": "missed"}]).tolist() == [11]
    assert charts.outcome_items(frame, [{"label": "a", "outcome": "extra"},
                                        {"label": "a", "outcome": "agreed"}]).tolist() == [10, 12]
    with pytest.raises(ValueError, match="outcome"):
        charts.outcome_items(frame, [{"label": "a", "predicted": "b"}])


def test_span_calibration_counts_each_predicted_span():
    frame = pd.DataFrame({
        "label": [[span(0, 3, "PER")], [span(0, 2, "LOC")], None],
        "heldout": [[span(0, 3, "PER", 0.95), span(5, 9, "LOC", 0.92)], [span(0, 2, "LOC", 0.15)],
                    [span(1, 2, "PER", 0.5)]],
    })
    chart = charts.span_calibration(frame, bins=10)
    data = chart.layer[1].data
    assert data[["bin_start", "count", "accuracy"]].values.tolist() == [[0.1, 1, 1.0], [0.9, 2, 0.5]]
    assert chart.title.startswith("Calibration: expected error") and chart.title.endswith("over 3 held-out spans")
