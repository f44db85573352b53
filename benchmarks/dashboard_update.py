"""Dashboard redraws: their cost at 100,000 answers, and how many a burst of answers causes.

Part 1 builds a project with 100,000 answers from 5 annotators on 50,000 items (written to the
store in one transaction, then read back by a fresh project, as when a notebook is reopened),
puts a model in the loop, and times the dashboard's redraws: the first draw (everything), the
throttled redraw after one more answer (the label, progress and throughput charts are recomputed
and sent; the model's are left alone, its state did not change; the agreement bootstrap, which
takes seconds at this size, is not redone: its panels say how far behind they are), the same
redraw with the agreement recomputed as well (what the "Update" button does, and what every
redraw did before the bootstrap went on demand: the alternative), and a redraw with nothing new.
For each: seconds, charts sent and the bytes of the messages sent to the browser.

Part 2 replays a burst of 1,000 answers arriving every 2 ms (as fast as keys can be pressed) on
a kernel-like event loop and counts redraws: the throttled dashboard (``min_interval=1``) next to
the obvious alternative, a listener that redraws on every answer. For each it prints the redraws,
the time the loop was busy redrawing (answers wait meanwhile) and whether the last state shows.

Run: .venv/bin/python benchmarks/dashboard_update.py [--answers 100000] [--burst 1000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from tornado.ioloop import IOLoop

import nblabel as nl
from nblabel._items import encode_item
from nblabel._kernel import LoopScheduler
from nblabel.dashboard import Dashboard
from nblabel.store import NewEvent

LABELS = ["bug", "feature_request", "billing", "account", "praise", "other"]
WORDS = np.array("app crash slow pay card login password love great feature add please".split())


def frame(n_items: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(len(LABELS), size=n_items)
    noise = rng.integers(len(WORDS), size=(n_items, 4))
    text = [" ".join([WORDS[2 * t], WORDS[2 * t + 1], *WORDS[row]]) for t, row in zip(truth, noise, strict=True)]
    index = pd.Index([f"I{i:06d}" for i in range(n_items)], name="item")
    return pd.DataFrame({"text": text, "truth": np.array(LABELS)[truth]}, index=index)


def seeded_project(path: Path, n_answers: int) -> nl.Project:
    df = frame(n_answers // 2)
    task = nl.Classify(LABELS, text="text")
    writer = nl.Project(df, task, store=path, name="bench")
    rng = np.random.default_rng(1)
    start = pd.Timestamp("2024-05-01 08:00", tz="UTC").value // 1000
    items = rng.integers(len(df), size=n_answers)
    right = rng.random(n_answers) < 0.85
    rows = [
        NewEvent(
            item=encode_item(df.index[pos]), annotator=f"a{i % 5}", event="label",
            value=df["truth"].iat[pos] if ok else LABELS[i % 6], flag=None,
            comment=None, source="human", guideline=task.guideline_version,
            duration_ms=1500, meta=None, created_us=start + i * 2_000_000,
        )
        for i, (pos, ok) in enumerate(zip(items, right, strict=True))
    ]
    writer.store.append(writer._project_id, rows)
    writer.close()
    return nl.Project(df, task, store=path, name="bench")


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def part_one(path: Path, n_answers: int) -> None:
    t = time.perf_counter()
    proj = seeded_project(path, n_answers)
    print(f"{n_answers:,} answers on {proj.n_items:,} items written and read back "
          f"in {time.perf_counter() - t:.1f} s")
    learner = proj.learn(LogisticRegression(max_iter=200), retrain_every=10**9, seed=0, cv=3)
    learner.request()
    learner.wait(600)
    print(f"model: {learner.state.message}\n")
    sent: list = []
    start = time.perf_counter()
    dash = Dashboard(proj, min_interval=1.0, agreement_resamples=200)
    first = time.perf_counter() - start
    proj.remove_listener(dash.throttle.poke)  # each redraw below is run, and timed, by hand
    dash.send = lambda content, buffers=None: sent.append(content)
    print(f"{'redraw':<58}{'seconds':>9}{'charts sent':>13}{'bytes sent':>12}")

    def row(name: str, seconds: float) -> None:
        panels = [p for message in sent for p in message["panels"]]
        charts = sum(p.get("spec") is not None for p in panels)
        print(f"{name:<58}{seconds:>9.2f}{charts:>13}{len(json.dumps(sent, default=str)):>12,}")
        sent.clear()

    dash._handle_custom_msg({"kind": "hello"}, [])  # what a new view receives
    row("first draw (every chart, agreement included)", first)
    proj.add(proj.df.index[0], "bug", "a0")
    row("after one more answer (throttled redraw)", timed(dash.throttle.draw))
    print(f"  agreement panel: {dash.slots['agreement'].stale}")
    proj.add(proj.df.index[1], "bug", "a0")
    row("after one more answer, agreement recomputed too", timed(dash.refresh))
    row("nothing changed", timed(dash.throttle.draw))
    drawing = dash._drawing
    events = proj.annotations
    parts = {
        "proj.annotations (copy of the log)": lambda: proj.annotations,
        "label, progress, throughput charts": lambda: drawing._draw_labeling(events),
        "agreement (200 resamples) and pairs": lambda: drawing._draw_agreement(events, (0, 0)),
        "model charts (pool, confusion, calibration, curve)":
            lambda: drawing._draw_model(learner, learner.state),
    }
    print("\nwhere a full redraw goes (each part timed alone):")
    for name, part in parts.items():
        print(f"  {name:<56}{timed(part):>9.2f}")
    dash.close()
    proj.close()


def burst(path: Path, n_seed: int, n_burst: int, how: str) -> tuple[int, float, bool]:
    """Replay ``n_burst`` answers on an event loop; return redraws, seconds busy, last shown."""
    proj = seeded_project(path, n_seed)
    loop = IOLoop()
    dash = Dashboard(proj, min_interval=1.0 if how == "throttled" else 0.0,
                     agreement_resamples=50, scheduler=LoopScheduler(loop))
    stats = {"redraws": 0, "busy": 0.0}
    redraw = dash._redraw

    def measured() -> None:
        stats["redraws"] += 1
        stats["busy"] += timed(redraw)

    if how == "every answer":  # the obvious alternative: redraw in the listener, each time
        proj.remove_listener(dash.throttle.poke)
        proj.add_listener(measured)
    else:
        dash.throttle.redraw = measured
    items = proj.df.index
    quiet = 1.5  # the burst starts after a quiet spell

    def answer(i: int) -> None:
        proj.add(items[i], LABELS[i % 6], "ana")
        if i == n_burst - 1:  # after the last answer, give a trailing redraw time to run
            loop.call_later(3.0, loop.stop)

    for i in range(n_burst):
        loop.call_later(quiet + 0.002 * i, lambda i=i: answer(i))
    loop.start()
    rows = next(iter(dash.slots["progress"].spec["datasets"].values()))
    last = max(row["answers"] for row in rows if row["annotator"] == "ana")
    dash.close()
    loop.close()
    proj.close()
    return stats["redraws"], stats["busy"], last == n_burst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--burst-base", type=int, default=2000,
                        help="answers already stored before the burst")
    parser.add_argument("--naive", type=int, default=100,
                        help="answers replayed for the redraw-on-every-answer alternative")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        part_one(Path(tmp) / "big.db", args.answers)
        print(f"\nburst of {args.burst:,} answers, one every 2 ms, on top of {args.burst_base:,}:")
        print(f"{'':<42}{'answers':>8}{'redraws':>9}{'busy s':>9}{'last state shown':>18}")
        cases = (
            ("throttled (min_interval=1 s)", "throttled", args.burst),
            ("coalesced only (min_interval=0)", "coalesced", args.burst),
            ("redraw in the listener, every answer", "every answer", args.naive),
        )
        for name, how, n in cases:
            redraws, busy, last = burst(Path(tmp) / f"{how}.db", args.burst_base, n, how)
            print(f"{name:<42}{n:>8,}{redraws:>9}{busy:>9.1f}{'yes' if last else 'NO':>18}")
        print(f"(the last one replays only {args.naive} answers: at that cost per redraw, "
              f"{args.burst:,} answers would keep the kernel busy for "
              f"~{busy / max(redraws, 1) * args.burst:.0f} s)")


if __name__ == "__main__":
    main()
