"""Answer handling in the kernel while a span model (a CRF) retrains in the learner's worker.

Kernel side only: the browser paints the next item from its window without waiting for the
kernel (benchmarks/keypress_latency.py and retrain_latency.py measure that in Chromium); what a
retrain can slow down is the kernel's handling of each answer (validate, store, acknowledge,
refill the window), which decides how soon an answer shows as saved and the window is topped
up. Each run feeds answers through the labeling widget's message handler, paced like a fast
annotator, and times each call from the answer message to its acknowledgement:

- spans, no model: the baseline;
- single-label classification with ``proj.learn(LogisticRegression())`` retraining every 5
  answers in the background (what the issue asks spans to match);
- spans with ``proj.learn()`` (a CRF over the task's tokens, ``sklearn-crfsuite``) retraining
  every 5 answers in the background;
- the usual notebook loop: the handler refits the same CRF itself every 5 answers.

The corpus is tests/span_corpus.py's synthetic sentences (made-up and real names, emoji, CJK).

Run: .venv/bin/python benchmarks/span_retrain_latency.py [--docs 3000] [--answers 60] [--pace 0.1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from span_corpus import LABELS, make_corpus  # noqa: E402

import nblabel as nl  # noqa: E402
from nblabel.learn import CRFSpanModel  # noqa: E402


def feed(proj, answers, pace, refit=None):
    """Send ``answers`` ({pos: value}) through a labeling widget; return per-answer seconds."""
    widget = proj.label("bench", window=30)
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    widget._on_message(widget, {"kind": "hello", "to": "bench"}, [])
    times = []
    for n, (pos, value) in enumerate(answers.items(), start=1):
        began = time.perf_counter()
        widget._on_message(widget, {"kind": "answer", "req": n, "pos": pos, "event": "label",
                                    "value": value}, [])
        if refit is not None and n % 5 == 0:
            refit(list(answers)[:n])
        times.append(time.perf_counter() - began)
        assert sent[-1]["kind"] in ("ack", "append"), sent[-1]
        time.sleep(max(0.0, pace - times[-1]))
    return times


def report(name, times, learner=None):
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    extra = ""
    if learner is not None:
        learner.wait(300)
        history = learner.history
        extra = (f"  retrains {len(history)}, mean fit {history['fit_seconds'].mean():.2f} s"
                 if len(history) else "  no retrain finished")
    print(f"{name:<46} p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ms[-1]:8.1f} ms{extra}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--answers", type=int, default=60)
    parser.add_argument("--pace", type=float, default=0.1)
    args = parser.parse_args()
    corpus = make_corpus(args.docs, seed=0)
    df = corpus[["text"]]
    spans_task = nl.Spans(LABELS, text="text", tokens="words")
    gold = {pos: corpus["gold"].iloc[pos] for pos in range(args.answers)}
    print(f"{args.docs} documents, {args.answers} answers paced every {args.pace:.2f} s\n")

    with nl.Project(df, spans_task, store=":memory:") as proj:
        report("spans, no model", feed(proj, gold, args.pace))

    has_org = {pos: "org" if any(s["label"] == "ORG" for s in spans) else "none"
               for pos, spans in gold.items()}
    with nl.Project(df, nl.Classify(["org", "none"], text="text"), store=":memory:") as proj:
        learner = proj.learn(LogisticRegression(max_iter=1000), retrain_every=5, cv=5, seed=0)
        report("classification, LogisticRegression retraining", feed(proj, has_org, args.pace),
               learner)

    with nl.Project(df, spans_task, store=":memory:") as proj:
        learner = proj.learn(retrain_every=5, cv=5, seed=0)
        report("spans, CRF retraining in the worker", feed(proj, gold, args.pace), learner)

    texts = list(df["text"])

    def refit(positions):
        CRFSpanModel(tokens="words").fit([texts[p] for p in positions],
                                         [gold[p] for p in positions]).predict(texts)

    with nl.Project(df, spans_task, store=":memory:") as proj:
        report("spans, CRF refitted in the handler (naive)", feed(proj, gold, args.pace, refit))


if __name__ == "__main__":
    main()
