"""Chart update cost at 100,000 answers: build, serialise and render each dashboard chart.

A live dashboard rebuilds its charts as answers arrive, so what one update costs matters. For
each chart the kernel side (the nblabel builder, which aggregates with pandas, plus
``to_dict`` and JSON serialisation) is timed, the bytes that would cross the wire are counted,
and the chart is rendered to SVG with vl-convert (the same Vega runtime a browser uses) to time
the drawing. Next to each aggregated chart: the obvious alternative, an altair chart of the raw
answers that lets Vega-Lite aggregate in the browser.

Run: .venv/bin/python benchmarks/chart_update.py [--answers 100000]
"""

from __future__ import annotations

import argparse
import json
import time

import altair as alt
import numpy as np
import pandas as pd
import vl_convert

from nblabel import charts

LABELS = ["bug", "feature_request", "billing", "account", "praise", "other"]


def answers(n: int, seed: int = 0) -> pd.DataFrame:
    """An event log like proj.annotations: 5 annotators, 6 labels, one answer every ~2 s
    (some items answered again by the same annotator: only the latest answer counts)."""
    rng = np.random.default_rng(seed)
    annotators = np.array(["ana", "ben", "cy", "dan", "eve"], dtype=object)
    who = annotators[rng.integers(5, size=n)]
    item = rng.integers(n // 2, size=n)
    start = pd.Timestamp("2024-05-01 08:00", tz="UTC")
    created = start + pd.to_timedelta(np.cumsum(rng.exponential(2.0, n)), unit="s")
    frame = pd.DataFrame({
        "event_id": np.arange(1, n + 1), "item": item, "annotator": who,
        "value": np.array(LABELS, dtype=object)[rng.integers(6, size=n)],
        "event": np.where(rng.random(n) < 0.95, "label", "skip"), "created_at": created,
    })
    return frame


def predictions(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = np.array(LABELS, dtype=object)[rng.integers(6, size=n)]
    heldout = np.where(rng.random(n) < 0.8, label, np.array(LABELS, dtype=object)[
        rng.integers(6, size=n)])
    return pd.DataFrame({"label": label, "heldout": heldout,
                         "heldout_confidence": rng.uniform(0.2, 1.0, n),
                         "uncertainty": rng.uniform(0, 0.8, n)})


def timed(function, repeat=3):
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(build):
    seconds, text = timed(lambda: json.dumps(build().to_dict()))
    render, _ = timed(lambda: vl_convert.vegalite_to_svg(text), repeat=1)
    return seconds, len(text.encode()), render


def raw_label_bars(log):
    current = log[log["event"] == "label"][["value", "annotator"]]
    return alt.Chart(current).mark_bar().encode(y="value:N", x="count():Q", color="annotator:N")


def raw_histogram(frame):
    return alt.Chart(frame[["uncertainty"]]).mark_bar().encode(
        x=alt.X("uncertainty:Q", bin=alt.Bin(maxbins=20)), y="count():Q")


def raw_confusion(frame):
    return alt.Chart(frame[["label", "heldout"]]).mark_rect().encode(
        x="heldout:N", y="label:N", color="count():Q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    alt.data_transformers.disable_max_rows()
    log = answers(args.answers)
    scored = predictions(args.answers)
    summary_rows = [("overall", None, "krippendorff_alpha"), ("overall", None, "percent_agreement")]
    summary_rows += [("label", label, metric) for label in LABELS
                     for metric in ("specific_agreement", "kappa")]
    summary = pd.DataFrame(summary_rows, columns=["scope", "label", "metric"]).assign(
        estimate=0.7, low=0.6, high=0.8, items=1000, answers=2000)
    matrix = pd.DataFrame(np.full((5, 5), 0.7), index=list("abcde"), columns=list("abcde"))
    history = pd.DataFrame({"n_labels": np.arange(10, 2010, 10), "accuracy": 0.8, "f1": 0.7})
    cases = [
        ("label distribution", lambda: charts.label_distribution(log, LABELS),
         lambda: raw_label_bars(log)),
        ("progress", lambda: charts.progress(log), None),
        ("throughput (5 min)", lambda: charts.throughput(log), None),
        ("agreement", lambda: charts.agreement(summary), None),
        ("annotator pairs", lambda: charts.pairwise_heatmap(matrix), None),
        ("pool uncertainty", lambda: charts.uncertainty_histogram(scored),
         lambda: raw_histogram(scored)),
        ("learning curve (200 retrains)", lambda: charts.learning_curve(history), None),
        ("calibration", lambda: charts.calibration(scored), None),
        ("confusion", lambda: charts.confusion(scored, LABELS), lambda: raw_confusion(scored)),
    ]
    vl_convert.vegalite_to_svg(json.dumps(charts.agreement(summary).to_dict()))  # warm up
    print(f"{len(log):,} answers from 5 annotators; {len(scored):,} scored items\n")
    print(f"{'chart':<32}{'kernel s':>9}{'bytes':>12}{'render s':>10}")
    total = 0.0
    for name, build, raw in cases:
        seconds, size, render = measure(build)
        total += seconds
        print(f"{name:<32}{seconds:>9.3f}{size:>12,}{render:>10.3f}")
        if raw is not None:
            seconds, size, render = measure(raw)
            print(f"{'  raw rows, Vega aggregates':<32}{seconds:>9.3f}{size:>12,}{render:>10.3f}")
    print(f"\nall nine charts, kernel side: {total:.2f} s per full update")


if __name__ == "__main__":
    main()
