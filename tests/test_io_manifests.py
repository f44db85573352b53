"""Every export carries the manifest of the snapshot it was made from, written the same way."""

from __future__ import annotations

import json

import datasets  # noqa: F401  (the Hugging Face export is one of the exports checked)
import pandas as pd
import pytest

import nblabel as nl

TEXTS = ["Ana 👩‍👩‍👧 met Bob", "🇫🇷 Paris et Lyon", "東京 と 大阪", "nobody"]


def span(item, word, label):
    start = TEXTS[item].index(word)
    return start, start + len(word), label


ANA, BOB = span(0, "Ana", "PER"), span(0, "Bob", "PER")
PARIS, LYON = span(1, "Paris", "LOC"), span(1, "Lyon", "LOC")


@pytest.fixture
def spans(tmp_path):
    df = pd.DataFrame({"text": TEXTS})
    proj = nl.Project(df, nl.Spans(["PER", "LOC"], text="text", tokens="words"),
                      store=tmp_path / "spans.db", name="ner")
    proj.add_many(pd.DataFrame({
        "item": [0, 0, 0, 1, 1, 1, 2, 2],
        "annotator": ["ana", "bob", "cy", "ana", "bob", "cy", "ana", "bob"],
        "value": [[ANA, BOB], [ANA], [ANA, BOB], [PARIS, LYON], [PARIS], [LYON],
                  [(0, 2, "LOC")], []],
        "guideline": ["v1"] * 6 + ["v2"] * 2,
    }))
    yield proj
    proj.close()


def export(kind, data, path=None, **options):
    """Run one exporter; return what it returned (the dataset for Hugging Face)."""
    if kind == "label_studio":
        return nl.io.to_label_studio(data, path, **options)
    if kind == "prodigy":
        return nl.io.to_prodigy(data, path, **options)
    if kind == "conll":
        return nl.io.to_conll(data, path, **options)
    return nl.io.to_hf_dataset(data, how="majority", **options)


KINDS = ["label_studio", "prodigy", "conll", "huggingface"]
FORMAT = {"label_studio": "label_studio", "prodigy": "prodigy", "conll": "conll",
          "huggingface": "huggingface"}


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_carries_its_snapshot_manifest(spans, kind, tmp_path):
    path = None if kind == "huggingface" else tmp_path / f"ner.{kind}"
    exported = export(kind, spans, path)
    manifest = nl.io.manifest_of(exported)
    snap = spans.snapshot().manifest
    for key in ("project", "store", "task", "guidelines", "annotators", "events", "as_of"):
        assert manifest[key] == snap[key], key
    assert manifest["nblabel_version"] == snap["nblabel_version"] not in ("", None)
    assert manifest["events"]["first_id"] == 1 and manifest["events"]["last_id"] == 8
    assert manifest["task"]["kind"] == "spans"
    assert [g["version"] for g in manifest["guidelines"]] == ["v1", "v2"]
    assert set(manifest["annotators"]) == {"ana", "bob", "cy"}
    out = manifest["export"]
    assert out["format"] == FORMAT[kind]
    assert out["labels"]["how"] in ("current", "majority") and out["labels"]["rule"]
    assert out["lost"] and all(isinstance(what, str) for what in out["lost"])
    assert out["content_hash"].startswith("sha256:")
    if path is not None:
        assert nl.io.manifest_of(path) == manifest
        assert json.loads((tmp_path / f"ner.{kind}.manifest.json").read_text("utf-8")) == manifest


def test_the_manifest_hashes_what_was_exported(spans, tmp_path):
    tasks = nl.io.to_label_studio(spans, tmp_path / "ner.json")
    assert tasks.manifest["export"]["content_hash"] == nl.io.content_hash(list(tasks))
    assert json.loads((tmp_path / "ner.json").read_text("utf-8")) == list(tasks)
    assert tasks.manifest["export"]["rows"] == len(TEXTS)
    conll = nl.io.to_conll(spans)
    assert conll.manifest["export"]["content_hash"] == nl.io.content_hash(str(conll))
    examples = nl.io.to_prodigy(spans, tmp_path / "ner.jsonl")
    assert examples.manifest["export"]["rows"] == 8
    assert examples.manifest["export"]["content_hash"] == nl.io.content_hash(list(examples))
    lines = (tmp_path / "ner.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(examples)
    spans.add(3, [], annotator="ana")
    assert nl.io.to_conll(spans).manifest["export"]["content_hash"] != (
        conll.manifest["export"]["content_hash"])


def test_exports_say_how_labels_were_settled(spans):
    assert nl.io.to_label_studio(spans).manifest["export"]["labels"]["how"] == "current"
    assert "nothing is settled" in nl.io.to_prodigy(spans).manifest["export"]["labels"]["rule"]
    latest = nl.io.to_conll(spans, how="latest", annotator="bob").manifest["export"]["labels"]
    assert (latest["how"], latest["annotator"]) == ("latest", "bob")
    majority = nl.io.to_conll(spans).manifest["export"]["labels"]
    assert majority["how"] == "majority" and "more than half" in majority["rule"]


@pytest.mark.parametrize("kind", KINDS)
def test_exports_as_of_an_event_id_hold_only_those_events(spans, kind):
    spans.add(3, [(0, 6, "PER")], annotator="dan")
    now = export(kind, spans)
    then = export(kind, spans, as_of=8)
    assert nl.io.manifest_of(then)["events"]["last_id"] == 8
    assert nl.io.manifest_of(now)["events"]["last_id"] == 9
    assert "dan" not in nl.io.manifest_of(then)["annotators"]
    snap = spans.snapshot(as_of=8)
    from_snapshot = export(kind, snap)
    assert nl.io.manifest_of(from_snapshot)["events"] == nl.io.manifest_of(then)["events"]
    with pytest.raises(ValueError, match="already a snapshot"):
        export(kind, snap, as_of=3)


def test_manifest_of_says_what_it_cannot_read(tmp_path):
    (tmp_path / "plain.json").write_text("[]", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="no manifest beside"):
        nl.io.manifest_of(tmp_path / "plain.json")
    with pytest.raises(TypeError, match="manifest_of takes"):
        nl.io.manifest_of([{"data": {}}])
    with pytest.raises(TypeError, match="an nl.Project or an nl.io.Snapshot"):
        nl.io.to_label_studio(pd.DataFrame({"text": ["x"]}))


# -- one rule for span consensus -----------------------------------------------------------------
def test_exports_settle_spans_as_the_project_does(spans):
    majority = spans.labels(how="majority")
    as_dicts = [{"start": s, "end": e, "label": label} for s, e, label in (ANA, BOB)]
    assert majority[0] == as_dicts  # 3/3 and 2/3
    assert majority[1] == [{"start": s, "end": e, "label": label}
                           for s, e, label in (PARIS, LYON)]  # 2/3 each
    assert majority[2] == []  # one of two: no majority
    assert pd.isna(majority[3])  # no answer
    table = nl.consensus.span_vote(spans.annotations)
    assert table["value"].tolist() == majority.dropna().tolist()
    assert table["n"].tolist() == [3, 3, 2]
    ds = nl.io.to_hf_dataset(spans, how="majority")
    names = ds.features["spans"].feature["label"].names
    from_hf = {row["item"]: [{"start": s["start"], "end": s["end"], "label": names[s["label"]]}
                             for s in row["spans"]] for row in ds}
    assert from_hf == {item: value for item, value in majority.dropna().items()}
    tokens = spans.task.tokenize  # the task's own tokenizer ("words")
    expected = []
    for item, value in majority.dropna().items():
        found = tokens(TEXTS[item])
        tags = nl.io.iob_tags(value, found)
        expected.append("".join(f"{TEXTS[item][s:e]} {tag}\n"
                                for (s, e), tag in zip(found, tags, strict=True)))
    assert nl.io.to_conll(spans) == "\n".join(expected)
    assert "B-LOC" in expected[1] and "B-LOC" not in expected[2]


def test_a_decision_settles_its_item_in_every_export(spans):
    spans.add(2, [(0, 2, "PER")], annotator="lead", source="adjudicated")
    decided = [{"start": 0, "end": 2, "label": "PER"}]
    assert spans.labels(how="majority")[2] == decided
    assert nl.io.to_conll(spans).split("\n\n")[2].startswith("東京 B-PER\n")
    ds = nl.io.to_hf_dataset(spans, how="majority")
    assert ds.filter(lambda row: row["item"] == 2)[0]["spans"] == [
        {"start": 0, "end": 2, "label": 0}]


def test_span_consensus_is_one_rule_in_the_consensus_package():
    ana = {"start": 0, "end": 3, "label": "PER"}
    other = {"start": 0, "end": 3, "label": "LOC"}
    answers = pd.DataFrame({"item": ["x"] * 4, "annotator": list("abcd"),
                            "value": [[ana], [ana, other], [ana, ana], []]})
    table = nl.consensus.span_vote(answers)
    assert table.loc["x", "value"] == [ana]  # 3 of 4 (a repeated span counts once)
    assert table.loc["x", "support"] == [0.75] and table.loc["x", "n"] == 4
    assert nl.consensus.majority_vote(answers).loc["x", "value"] == [ana]
    half = answers.iloc[[0, 3]]
    assert nl.consensus.span_vote(half).loc["x", "value"] == []  # exactly half: not kept
    with pytest.raises(ValueError, match="is not a span"):
        nl.consensus.span_vote(pd.DataFrame({"item": [1], "annotator": ["a"], "value": [[(0, 1)]]}))


def test_spans_are_not_settled_by_dawid_skene(spans):
    with pytest.raises(ValueError, match="span answers are settled with how='majority'"):
        spans.labels(how="dawid_skene")
