"""Hugging Face datasets: typed exports of every task, items loaded back, manifests kept."""

from __future__ import annotations

import datasets
import pandas as pd
import pytest

import nblabel as nl

HARD = {
    "family": "Ana 👩‍👩‍👧 met Bob",
    "flag": "🇫🇷 Paris 🇯🇵 Tokyo",
    "combining": "Cafe\u0301 Rene\u0301 opened",
    "cjk": "東京 と 大阪 に 行く",
    "rtl": "שלום Dana from תל אביב",
    "crlf": "line one\r\nJoe\r\nend",
}


def spans_for(text, *words):
    """Spans over the first occurrence of each (word, label)."""
    return [(text.index(word), text.index(word) + len(word), label) for word, label in words]


@pytest.fixture
def span_project(tmp_path):
    df = pd.DataFrame({"text": list(HARD.values())}, index=list(HARD))
    proj = nl.Project(df, nl.Spans(["PER", "LOC"], text="text", tokens="words"),
                      store=tmp_path / "spans.db")
    answers = {
        "family": [("Ana", "PER"), ("Bob", "PER")],
        "flag": [("Paris", "LOC"), ("Tokyo", "LOC")],
        "combining": [("Rene\u0301", "PER")],
        "cjk": [("東京", "LOC"), ("大阪", "LOC")],
        "rtl": [("Dana", "PER"), ("תל אביב", "LOC")],
        "crlf": [("Joe", "PER")],
    }
    for item, words in answers.items():
        proj.add(item, spans_for(HARD[item], *words), annotator="ana")
    yield proj
    proj.close()


def test_single_label_is_a_class_label_in_task_order(project):
    project.add("t0", "neutral", annotator="ana")
    project.add("t1", "pos", annotator="ana")
    project.add("t1", "neg", annotator="bob")
    project.add("t1", "neg", annotator="cy")
    ds = nl.io.to_hf_dataset(project, how="majority")
    assert isinstance(ds, datasets.Dataset)
    assert ds.features["label"] == datasets.ClassLabel(names=["pos", "neg", "neutral"])
    assert ds.features["item"] == datasets.Value("string")
    assert ds["item"] == ["t0", "t1"] and ds["label"] == [2, 1]
    assert ds["text"] == [project.df.loc["t0", "text"], project.df.loc["t1", "text"]]
    manifest = nl.io.hf_manifest(ds)
    assert manifest["export"]["format"] == "huggingface"
    assert manifest["export"]["labels"]["how"] == "majority"
    assert manifest["export"]["rows"] == 2 and "items without a label" in manifest["export"]["lost"]
    assert manifest["events"]["last_id"] == 4
    assert nl.io.to_hf_dataset(project, annotator="ana")["label"] == [2, 0]


def test_multi_label_is_a_sequence_of_class_labels(texts, tmp_path):
    proj = nl.Project(texts, nl.Classify(["bug", "ui", "sync"], text="text", multi=True),
                      store=tmp_path / "m.db")
    proj.add("t0", ["sync", "bug"], annotator="ana")
    proj.add("t1", [], annotator="ana")
    ds = nl.io.to_hf_dataset(proj)
    assert ds.features["labels"].feature == datasets.ClassLabel(names=["bug", "ui", "sync"])
    assert ds["labels"] == [[0, 2], []]
    back = nl.io.from_hf_dataset(ds, index="item")
    assert back["labels"].tolist() == [["bug", "sync"], []]
    proj.close()


def test_spans_keep_code_point_offsets_on_hard_texts(span_project):
    ds = nl.io.to_hf_dataset(span_project)
    span = ds.features["spans"].feature
    assert span["label"] == datasets.ClassLabel(names=["PER", "LOC"])
    labels = span_project.labels()
    for row in ds:
        expected = labels[row["item"]]
        assert [dict(s, label=span["label"].int2str(s["label"])) for s in row["spans"]] == expected
    back = nl.io.from_hf_dataset(ds, index="item")
    assert back["spans"].to_dict() == labels.to_dict()
    shown = {item: [row["text"][s["start"]:s["end"]] for s in row["spans"]]
             for item, row in back.iterrows()}
    assert shown == {"family": ["Ana", "Bob"], "flag": ["Paris", "Tokyo"],
                     "combining": ["Rene\u0301"], "cjk": ["東京", "大阪"],
                     "rtl": ["Dana", "תל אביב"], "crlf": ["Joe"]}


def test_spans_as_iob_tags(span_project):
    ds = nl.io.to_hf_dataset(span_project, iob=True)
    names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    assert ds.features["ner_tags"].feature == datasets.ClassLabel(names=names)
    rows = {row["item"]: row for row in ds}
    family = rows["family"]
    assert family["tokens"] == ["Ana", "👩‍👩‍👧", "met", "Bob"]
    assert [names[tag] for tag in family["ner_tags"]] == ["B-PER", "O", "O", "B-PER"]
    rtl = rows["rtl"]
    assert [names[t] for t in rtl["ner_tags"]] == ["O", "B-PER", "O", "B-LOC", "I-LOC"]
    assert rows["combining"]["tokens"][1] == "Rene\u0301"
    assert rows["crlf"]["tokens"][2] == "Joe"
    whitespace = nl.io.to_hf_dataset(span_project, iob=True, tokens="whitespace")
    assert [r["tokens"] for r in whitespace if r["item"] == "flag"] == [["🇫🇷", "Paris", "🇯🇵", "Tokyo"]]


def test_iob_refuses_what_it_cannot_hold(tmp_path):
    df = pd.DataFrame({"text": ["New York City", "Parisian"]}, index=["nyc", "paris"])
    proj = nl.Project(df, nl.Spans(["LOC", "CITY"], text="text", overlap=True),
                      store=tmp_path / "o.db")
    proj.add("nyc", [(0, 8, "LOC"), (0, 13, "CITY")], annotator="ana")
    with pytest.raises(ValueError, match="item 'nyc': span .* overlaps another span"):
        nl.io.to_hf_dataset(proj, iob=True)
    assert len(nl.io.to_hf_dataset(proj)) == 1, "the spans themselves export as they are"
    proj.retract("nyc", annotator="ana")
    proj.add("paris", [(0, 5, "LOC")], annotator="ana")
    with pytest.raises(ValueError, match="item 'paris': span \\(0, 5, 'LOC'\\) does not start and end on token"):
        nl.io.to_hf_dataset(proj, iob=True)
    proj.close()


def test_preferences_in_trl_layout():
    pairs = nl.datasets.load_answer_pairs()
    proj = nl.Project(pairs, nl.Rank(["brief", "thorough"], prompt="prompt"), store=":memory:")
    judgments = nl.datasets.load_answer_judgments()
    proj.add_many(judgments)
    ds = nl.io.to_hf_dataset(proj)
    assert ds.column_names[:3] == ["prompt", "chosen", "rejected"]
    assert all(ds.features[c] == datasets.Value("string") for c in ("prompt", "chosen", "rejected"))
    expected = nl.rank.training_pairs(proj.annotations, pairs, "prompt")
    assert ds.to_pandas()[["prompt", "chosen", "rejected"]].equals(expected)
    row = ds[0]
    assert row["chosen"] == pairs.loc[row["item"], row["chosen_option"]]
    assert row["rejected"] == pairs.loc[row["item"], row["rejected_option"]]
    talk = nl.io.to_hf_dataset(proj, conversational=True, how="majority")
    assert talk[0]["prompt"] == [{"role": "user", "content": pairs.loc[talk[0]["item"], "prompt"]}]
    assert talk[0]["chosen"][0]["role"] == "assistant"
    assert nl.io.hf_manifest(talk)["export"]["labels"]["how"] == "majority"
    assert "ties and 'all bad' answers (no preference to learn)" in nl.io.hf_manifest(talk)["export"]["lost"]


def test_splits_make_a_dataset_dict_and_come_back_as_a_column(project):
    project.df["part"] = ["train", "train", "test", "train", "test", "train", "train", "test"]
    for item in ["t0", "t1", "t2"]:
        project.add(item, "pos", annotator="ana")
    dd = nl.io.to_hf_dataset(project, split="part")
    assert isinstance(dd, datasets.DatasetDict) and set(dd) == {"train", "test"}
    assert dd["train"]["item"] == ["t0", "t1"] and dd["test"]["item"] == ["t2"]
    assert nl.io.hf_manifest(dd)["export"]["splits"] == {"train": 2, "test": 1}
    back = nl.io.from_hf_dataset(dd, index="item")
    assert back["split"].to_dict() == {"t0": "train", "t1": "train", "t2": "test"}
    assert back["label"].tolist() == ["pos", "pos", "pos"]
    project.df.loc["t2", "part"] = None
    with pytest.raises(ValueError, match=r"items \['t2'\] have no 'part'"):
        nl.io.to_hf_dataset(project, split="part")


def test_round_trip_through_a_dataset_and_back_into_a_project(project, task, tmp_path):
    for item, value in [("t0", "pos"), ("t4", "neg"), ("t5", "neutral")]:
        project.add(item, value, annotator="ana")
    ds = nl.io.to_hf_dataset(project)
    ds.save_to_disk(tmp_path / "ds")
    loaded = datasets.load_from_disk(str(tmp_path / "ds"))
    assert nl.io.hf_manifest(loaded) == nl.io.hf_manifest(ds)
    items = nl.io.from_hf_dataset(loaded, index="item")
    copy = nl.Project(items.drop(columns=["label", "split"]), task, store=tmp_path / "c.db")
    copy.add_many(items.reset_index()[["item", "label"]].rename(columns={"label": "value"}),
                  annotator="ana")
    assert copy.labels().to_dict() == project.labels().dropna().to_dict()
    copy.close()


def test_exports_as_of_a_snapshot(project):
    project.add("t0", "pos", annotator="ana")
    project.add("t1", "neg", annotator="ana")
    assert nl.io.to_hf_dataset(project, as_of=1)["item"] == ["t0"]
    snap = project.snapshot()
    project.add("t2", "neg", annotator="ana")
    ds = nl.io.to_hf_dataset(snap)
    assert ds["item"] == ["t0", "t1"]
    assert nl.io.hf_manifest(ds)["events"] == snap.manifest["events"]


def test_from_hf_dataset_reads_any_dataset():
    ds = datasets.Dataset.from_dict(
        {"text": ["a", "b"], "label": [1, 0], "tags": [[0], [1, 0]]},
        features=datasets.Features({
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["neg", "pos"]),
            "tags": datasets.Sequence(datasets.ClassLabel(names=["x", "y"])),
        }),
    )
    items = nl.io.from_hf_dataset(ds)
    assert items.to_dict("list") == {"text": ["a", "b"], "label": ["pos", "neg"],
                                     "tags": [["x"], ["y", "x"]], "split": [None, None]}
    with pytest.raises(ValueError, match="already has a column 'text'"):
        nl.io.from_hf_dataset(ds, split_column="text")
    with pytest.raises(ValueError, match="repeated values"):
        nl.io.from_hf_dataset(datasets.DatasetDict({"a": ds, "b": ds}), index="text")
    with pytest.raises(TypeError, match="datasets.Dataset or DatasetDict"):
        nl.io.from_hf_dataset(items)
    with pytest.raises(ValueError, match="carries no nblabel manifest"):
        nl.io.hf_manifest(ds)


def test_options_that_do_not_fit_the_task_are_refused(project, span_project):
    project.add("t0", "pos", annotator="ana")
    with pytest.raises(ValueError, match="iob= and tokens= apply to span tasks"):
        nl.io.to_hf_dataset(project, iob=True)
    with pytest.raises(ValueError, match="conversational= applies to rankings"):
        nl.io.to_hf_dataset(project, conversational=True)
    with pytest.raises(ValueError, match="how='each' is not supported for this task"):
        nl.io.to_hf_dataset(project, how="each")
    with pytest.raises(ValueError, match="annotator= picks one annotator"):
        nl.io.to_hf_dataset(project, how="majority", annotator="ana")
    with pytest.raises(ValueError, match=r"how='dawid_skene' is not supported for this task; use one of \['latest', 'majority'\]"):
        nl.io.to_hf_dataset(span_project, how="dawid_skene")
    with pytest.raises(ValueError, match="split='fold' is not a column"):
        nl.io.to_hf_dataset(project, split="fold")
    with pytest.raises(TypeError, match="valid ones are"):
        nl.io.to_hf_dataset(project, format="arrow")
