"""Does uncertainty sampling beat random sampling for label sets and spans? ``simulate`` says.

For each data set, ``nl.simulate`` replays labeling with the known answers: every strategy of a
repeat starts from the same random items and the same held-out split (a paired comparison), and
the model is scored on the held-out rows after each batch. The figure per run is the area under
its learning curve (the mean score over the budget, ``nl.learn.curve_area``); each strategy is
printed next to random sampling, measured in the same run: the mean difference over repeats,
its standard deviation, and on how many repeats the strategy did better.

Data (all shipped or generated, nothing downloaded):

- label sets: the support tickets shipped with nblabel, each ticket's intent plus ``urgent``
  when it is urgent (a one-vs-rest logistic regression on TF-IDF); and scikit-learn's
  ``make_multilabel_classification`` (600 items, 6 labels, 20 features);
- spans: the synthetic entity corpus of tests/span_corpus.py (PER, LOC, ORG) and the support
  tickets tagged by the reference rules of notebooks/09 (PLATFORM, PLAN, FEATURE), with the CRF
  of ``nl.learn.CRFSpanModel``.

Run: .venv/bin/python benchmarks/learning_curves.py [--repeats 5] [--only spans|sets|make_multilabel]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from span_corpus import LABELS, make_corpus  # noqa: E402

import nblabel as nl  # noqa: E402
from nblabel.learn import CRFSpanModel, curve_area  # noqa: E402

#: The reference rules of notebooks/09_prelabel_and_ner_loop.ipynb (its careful annotator).
REFERENCE = {
    "PLATFORM": r"\b(?:iPhone|iPad|iOS|Android|Windows|macOS|Mac|Linux|Chromebook|ChromeOS|tablet"
                r"|phone|laptop|desktop|web app|browser|Chrome|Firefox|Safari)\b",
    "PLAN": r"\b(?:Plus|Pro|Free|Teams|team plan|family plan|student discount|annual plan"
            r"|monthly plan|free trial|trial)\b",
    "FEATURE": r"\b(?:sync|search|export|import|spell check|web clipper|dark mode|widgets?"
               r"|backups?|offline mode|editor|tags?|reminders?|templates?|Markdown|PDF export"
               r"|notifications?|attachments?|voice notes?|tables|calendar|sharing"
               r"|shared notebooks?|agenda)\b",
}


def tag(text, rules):
    """Spans where a rule matches, without overlaps (the first match wins)."""
    found = sorted((m.start(), m.end(), label) for label, rule in rules.items()
                   for m in re.finditer(rule, text, re.IGNORECASE))
    kept, end = [], -1
    for start, stop, label in found:
        if start >= end:
            kept.append({"start": start, "end": stop, "label": label})
            end = stop
    return kept


def ticket_sets():
    df = nl.datasets.load_support_tickets()
    labels = [*nl.datasets.SUPPORT_TICKET_INTENTS, "urgent"]
    df["sets"] = [[intent, *(["urgent"] if urgent else [])]
                  for intent, urgent in zip(df["intent"], df["urgent"], strict=True)]
    return df, nl.Classify(labels, text="text", multi=True), "sets"


def synthetic_sets():
    X, Y = make_multilabel_classification(n_samples=600, n_classes=6, n_features=20,
                                          random_state=0)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    labels = [f"L{k}" for k in range(Y.shape[1])]
    df["sets"] = [[labels[k] for k in range(Y.shape[1]) if row[k]] for row in Y]
    df["text"] = ""
    return df, nl.Classify(labels, text="text", multi=True), "sets"


def ticket_spans():
    df = nl.datasets.load_support_tickets()
    df["gold"] = [tag(text, REFERENCE) for text in df["text"]]
    return df, nl.Spans(list(REFERENCE), text="text"), "gold"


def corpus_spans():
    df = make_corpus(400, seed=0)
    return df, nl.Spans(LABELS, text="text"), "gold"


CASES = {
    "sets": [
        ("support tickets: intent + urgent (200)", ticket_sets,
         dict(estimator=LogisticRegression(max_iter=1000, C=20), budget=120),
         ["random", "cardinality", "mean_uncertainty", "max_uncertainty"]),
        ("make_multilabel_classification (600, 6 labels)", synthetic_sets,
         dict(estimator=LogisticRegression(max_iter=1000), features=[f"x{i}" for i in range(20)],
              budget=120),
         ["random", "cardinality", "mean_uncertainty", "max_uncertainty"]),
    ],
    "spans": [
        ("synthetic entities, tests/span_corpus.py (400)", corpus_spans,
         dict(estimator=CRFSpanModel(max_iterations=50), budget=120), ["random", "uncertainty"]),
        ("support tickets, notebook 09's reference rules (200)", ticket_spans,
         dict(estimator=CRFSpanModel(max_iterations=50), budget=120), ["random", "uncertainty"]),
    ],
}


def report(name, curves, metrics):
    print(f"\n{name}")
    for metric in metrics:
        areas = curve_area(curves, metric).pivot(index="repeat", columns="strategy",
                                                 values="area")
        for strategy in areas.columns:
            mean = areas[strategy].mean()
            line = f"  {metric:9s} {strategy:17s} area {mean:.3f}"
            if strategy != "random":
                diff = areas[strategy] - areas["random"]
                line += (f"   vs random {diff.mean():+.3f} ± {diff.std():.3f} "
                         f"(better on {(diff > 0).sum()}/{len(diff)} repeats)")
            print(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", help="'sets', 'spans' or a word of a data set's name")
    args = parser.parse_args()
    for kind, cases in CASES.items():
        for name, load, options, strategies in cases:
            if args.only and args.only != kind and args.only not in name:
                continue
            df, task, oracle = load()
            began = time.perf_counter()
            curves = nl.simulate(df, task, oracle=oracle, strategies=strategies,
                                 repeats=args.repeats, batch_size=10, initial=10, seed=0,
                                 progress=False, **options)
            report(f"{name}: {args.repeats} repeats, {time.perf_counter() - began:.0f} s",
                   curves, ["accuracy", "f1"])


if __name__ == "__main__":
    main()
