"""Every export at 100,000 answers, each beside what a user would write by hand.

Two projects of 100,000 answers (25,000 items x 4 annotators): support tickets to classify and
sentences with names and places to mark. Each nblabel export is called as a user calls it, on the
project, with a file to write: it takes a snapshot, settles labels where the format needs one
per item, checks what the format can hold, writes the file and its manifest (hashing the events
and the exported data). Beside each, in the same run, the obvious hand-written alternative that
writes a file of the same kind from ``proj.annotations`` with no snapshot, no checks and no
manifest:

- Label Studio JSON: a ``groupby`` over the current answers building tasks, ``json.dump``;
- Prodigy JSONL: ``proj.annotations.to_json(path, orient="records", lines=True)``;
- CoNLL: each item's latest spans, whitespace tokens, tags written in a loop;
- Hugging Face: ``datasets.Dataset.from_pandas`` of the items with ``proj.labels(how="majority")``;
- snapshot: ``proj.annotations.copy()``.

The share of each export spent on its manifest (hashing the exported data) is printed too.
Times are wall-clock and CPU seconds of this process (the machine is shared: the CPU time is
the steadier figure when the load average is high).

Run: .venv/bin/python benchmarks/exports.py [--answers 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import datasets
import pandas as pd

import nblabel as nl

LABELS = ["bug", "billing", "praise", "other"]
ANNOTATORS = ["ana", "ben", "chloe", "dev"]
K = len(ANNOTATORS)


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def tickets(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items and ``n`` classification answers (the last annotator often disagrees)."""
    start = pd.Timestamp("2024-01-01", tz="UTC")
    items = pd.DataFrame({"text": [f"ticket {i}: the sync stopped again" for i in range(n // K)]})
    answers = pd.DataFrame({
        "item": [i // K for i in range(n)],
        "annotator": [ANNOTATORS[i % K] for i in range(n)],
        "value": [LABELS[(i // K + (i % K == K - 1)) % len(LABELS)] for i in range(n)],
        "created_at": start + pd.to_timedelta(range(n), unit="s"),
        "duration_ms": [1500 + i % 3000 for i in range(n)],
    })
    return items, answers


def sentences(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items and ``n`` span answers: everyone marks the name, most the city, one the date."""
    texts = [f"Ana Lima met Bo {i} in Oslo on day {i % 28 + 1}" for i in range(n // K)]
    rows = []
    for i in range(n):
        item, who = i // K, i % K
        text = texts[item]
        spans = [(0, 8, "PER")]
        if who != K - 1 or item % 3:
            at = text.index("Oslo")
            spans.append((at, at + 4, "LOC"))
        if who == 0:
            at = text.index("day")
            spans.append((at, len(text), "DATE"))
        rows.append({"item": item, "annotator": ANNOTATORS[who], "value": spans})
    return pd.DataFrame({"text": texts}), pd.DataFrame(rows)


# -- by hand ---------------------------------------------------------------------------------
def label_studio_by_hand(proj: nl.Project, path: Path) -> None:
    events = proj.annotations
    current = events.drop_duplicates(["item", "annotator"], keep="last")
    current = current[current["event"] == "label"]
    tasks = []
    for item, group in current.groupby("item", sort=False):
        tasks.append({
            "data": {"text": proj.df.at[item, "text"]},
            "annotations": [
                {"result": [{"from_name": "label", "to_name": "text", "type": "choices",
                             "value": {"choices": [value]}}],
                 "completed_by": {"email": who}, "created_at": str(created)}
                for value, who, created in zip(
                    group["value"], group["annotator"], group["created_at"], strict=True)
            ],
        })
    with path.open("w", encoding="utf-8") as file:
        json.dump(tasks, file, ensure_ascii=False)


def prodigy_by_hand(proj: nl.Project, path: Path) -> None:
    columns = ["item", "annotator", "value", "event", "created_at"]
    proj.annotations[columns].to_json(
        path, orient="records", lines=True, force_ascii=False, date_format="iso"
    )


def conll_by_hand(proj: nl.Project, path: Path) -> None:
    latest = proj.annotations.drop_duplicates("item", keep="last").set_index("item")["value"]
    blocks = []
    for item, spans in latest.items():
        text = proj.df.at[item, "text"]
        lines, offset = [], 0
        for word in text.split():
            start = text.index(word, offset)
            offset = start + len(word)
            tag = "O"
            for span in spans:
                if span["start"] == start:
                    tag = "B-" + span["label"]
                elif span["start"] < start < span["end"]:
                    tag = "I-" + span["label"]
            lines.append(f"{word} {tag}")
        blocks.append("\n".join(lines) + "\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


def hf_by_hand(proj: nl.Project) -> datasets.Dataset:
    frame = proj.df.assign(label=proj.labels(how="majority")).dropna(subset=["label"])
    return datasets.Dataset.from_pandas(frame.rename_axis("item").reset_index())


# -- the run ---------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    n = args.answers
    rows = []

    def row(name: str, ours, theirs, note: str, data=None) -> None:
        hashed = timed(lambda: nl.io.content_hash(data))[1] if data is not None else None
        rows.append((name, ours, theirs, note, hashed))

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        items, answers = tickets(n)
        proj = nl.Project(items, nl.Classify(LABELS, text="text"), store=out / "tickets.db",
                          name="tickets")
        proj.add_many(answers)
        ours = timed(lambda: nl.io.to_label_studio(proj, out / "tasks.json"))
        theirs = timed(lambda: label_studio_by_hand(proj, out / "hand.json"))
        row("Label Studio JSON", ours, theirs, f"{len(ours[2]):,} tasks", list(ours[2]))
        ours = timed(lambda: nl.io.to_prodigy(proj, out / "examples.jsonl"))
        theirs = timed(lambda: prodigy_by_hand(proj, out / "hand.jsonl"))
        row("Prodigy JSONL", ours, theirs, f"{len(ours[2]):,} examples", list(ours[2]))
        ours = timed(lambda: nl.io.to_hf_dataset(proj, how="majority"))
        theirs = timed(lambda: hf_by_hand(proj))
        row("Hugging Face (majority)", ours, theirs, f"{len(ours[2]):,} rows")
        ours = timed(lambda: proj.snapshot().manifest)
        theirs = timed(lambda: proj.annotations.copy())
        row("snapshot + manifest", ours, theirs, f"{ours[2]['events']['count']:,} events",
            proj.annotations)
        proj.close()

        items, answers = sentences(n)
        spans = nl.Project(items, nl.Spans(["PER", "LOC", "DATE"], text="text"),
                           store=out / "ner.db", name="ner")
        spans.add_many(answers)
        ours = timed(lambda: nl.io.to_conll(spans, out / "ner.conll"))
        theirs = timed(lambda: conll_by_hand(spans, out / "hand.conll"))
        row("CoNLL (majority spans)", ours, theirs, f"{ours[2].manifest['export']['items']:,} "
            "items; by hand: latest answer", str(ours[2]))
        ours = timed(lambda: nl.io.to_hf_dataset(spans, how="majority"))
        theirs = timed(lambda: hf_by_hand(spans))
        row("Hugging Face spans", ours, theirs, f"{len(ours[2]):,} rows")
        spans.close()

    print(f"exports of {n:,} answers ({n // K:,} items x {K} annotators); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; seconds wall / CPU")
    print(f"  {'export':26s} {'nblabel':>15s} {'by hand':>15s}  {'hash':>5s}  what")
    for name, ours, theirs, note, hashed in rows:
        share = f"{hashed:5.2f}" if hashed is not None else "    -"
        print(f"  {name:26s} {ours[0]:6.2f} / {ours[1]:5.2f}  {theirs[0]:6.2f} / {theirs[1]:5.2f}"
              f"  {share}  {note}")
    print("  (hash: CPU seconds nl.io.content_hash takes over the exported data, for scale: the "
          "manifest hashes it; Label Studio and Prodigy hash the text they write instead)")


if __name__ == "__main__":
    main()
