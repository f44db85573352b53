"""CoNLL / IOB2: writing span answers token by token, reading such files, and what cannot fit."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import nblabel as nl
from nblabel.tasks.tokens import word_tokens

HARD = [
    "👨‍👩‍👧 Ana visits Paris",
    "🇫🇷 France et 🇩🇪 Allemagne",
    "café vs cafe\u0301 in Zürich",
    "東京 で 山田 さん",
    "שלום Dana, מה נשמע",
    "Line one\r\nAna in  Oslo\r\n",
    "👍🏽 Bob",
]
WORDS = [("👨‍👩‍👧 Ana", "PER"), ("Paris", "LOC"), ("🇩🇪 Allemagne", "LOC"), ("cafe\u0301", "PER"),
         ("Zürich", "LOC"), ("東京", "LOC"), ("山田", "PER"), ("Dana", "PER"), ("Ana in  Oslo", "LOC"),
         ("👍🏽 Bob", "PER")]


def spans_of(text):
    found = []
    for word, label in WORDS:
        if word in text and not (word == "👨‍👩‍👧 Ana" and "Oslo" in text):
            start = text.index(word)
            found.append((start, start + len(word), label))
    return found


def project(texts, rows, task=None):
    df = pd.DataFrame({"text": texts})
    proj = nl.Project(df, task or nl.Spans(["PER", "LOC"], text="text"), store=":memory:")
    if rows:
        proj.add_many(pd.DataFrame(rows))
    return proj


def test_hard_texts_are_tagged_token_by_token(tmp_path):
    proj = project(HARD, [{"item": i, "annotator": "ana", "value": spans_of(t)}
                          for i, t in enumerate(HARD)])
    path = tmp_path / "out.conll"
    text = nl.io.to_conll(proj, path)
    assert path.read_text(encoding="utf-8") == text
    blocks = text.split("\n\n")
    assert blocks[0].splitlines() == ["👨‍👩‍👧 B-PER", "Ana I-PER", "visits O", "Paris B-LOC"]
    assert blocks[1].splitlines() == ["🇫🇷 O", "France O", "et O", "🇩🇪 B-LOC", "Allemagne I-LOC"]
    assert blocks[2].splitlines()[2] == "cafe\u0301 B-PER"  # the combining mark stays with its e
    assert blocks[4].splitlines()[:3] == ["שלום O", "Dana B-PER", ", O"]
    assert blocks[5].splitlines() == ["Line O", "one O", "Ana B-LOC", "in I-LOC", "Oslo I-LOC"]
    assert text.endswith("👍🏽 B-PER\nBob I-PER\n")


def test_round_trip_keeps_tokens_and_spans_but_not_whitespace():
    proj = project(HARD, [{"item": i, "annotator": "ana", "value": spans_of(t)}
                          for i, t in enumerate(HARD)])
    imported = nl.io.read_conll(io.StringIO(nl.io.to_conll(proj)), labels=["PER", "LOC"])
    assert imported.task == nl.Spans(["PER", "LOC"], text="text", tokens="whitespace")
    for number, original in enumerate(HARD):
        words = [original[start:end] for start, end in word_tokens(original)]
        text = imported.df.at[number, "text"]
        assert text == " ".join(words)  # CoNLL keeps the tokens, not the whitespace between
        got = [(text[s["start"]:s["end"]], s["label"]) for s in imported.answers.at[number, "value"]]
        want = [(" ".join(original[start:end][a:b] for a, b in word_tokens(original[start:end])),
                 label) for start, end, label in spans_of(original)]
        assert got == want


def test_overlapping_spans_are_refused_naming_every_item():
    task = nl.Spans(["LOC", "ORG"], text="text", overlap=True)
    proj = project(["New York City", "Paris", "Bank of Oslo"], [
        {"item": 0, "annotator": "ana", "value": [(0, 8, "LOC"), (0, 13, "ORG")]},
        {"item": 1, "annotator": "ana", "value": [(0, 5, "LOC")]},
        {"item": 2, "annotator": "ana", "value": [(0, 12, "ORG"), (8, 12, "LOC")]},
    ], task)
    with pytest.raises(ValueError, match=r"2 items cannot be written as IOB tags, so nothing was:"
                                         r"\n  item 0: span \(0, 13, 'ORG'\) overlaps another"
                                         r"(.|\n)*item 2: span \(8, 12, 'LOC'\) overlaps"):
        nl.io.to_conll(proj)


def test_spans_inside_tokens_are_named_and_a_tokenizer_fixes_them():
    proj = project(["東京で山田さんに会った", "Ana"], [
        {"item": 0, "annotator": "ana", "value": [(3, 5, "PER")]},
        {"item": 1, "annotator": "ana", "value": [(0, 3, "PER")]},
    ])
    with pytest.raises(ValueError, match=r"1 items cannot be written(.|\n)*item 0: span "
                                         r"\(3, 5, 'PER'\) does not start and end on token"):
        nl.io.to_conll(proj)
    characters = nl.io.to_conll(proj, tokens=lambda text: [(i, i + 1) for i in range(len(text))])
    assert characters.splitlines()[2:6] == ["で O", "山 B-PER", "田 I-PER", "さ O"]


def test_the_task_tokens_are_the_default():
    task = nl.Spans(["X"], text="text", tokens="words")
    proj = project(["a-b c"], [{"item": 0, "annotator": "ana", "value": [(2, 3, "X")]}], task)
    assert nl.io.to_conll(proj) == "a O\n- O\nb B-X\nc O\n"
    with pytest.raises(ValueError, match="does not start and end on token"):
        nl.io.to_conll(proj, tokens="whitespace")


def test_consensus_latest_and_one_annotator():
    text = "Ana met Bo in Oslo"
    ana, bo, oslo = (0, 3, "PER"), (8, 10, "PER"), (14, 18, "LOC")
    proj = project([text, "nobody here", "Ana again"], [
        {"item": 0, "annotator": "a", "value": [ana, bo, oslo]},
        {"item": 0, "annotator": "b", "value": [ana, oslo]},
        {"item": 0, "annotator": "c", "value": [ana]},
        {"item": 2, "annotator": "a", "value": [(0, 3, "PER")]},
        {"item": 2, "annotator": "b", "value": []},
    ])
    def tags(conll):
        return [line.split()[1] for line in conll.split("\n\n")[0].splitlines()]
    assert tags(nl.io.to_conll(proj)) == ["B-PER", "O", "O", "O", "B-LOC"]  # 3/3, 1/3, 2/3
    assert tags(nl.io.to_conll(proj, how="latest")) == ["B-PER", "O", "O", "O", "O"]
    assert tags(nl.io.to_conll(proj, how="latest", annotator="a")) == [
        "B-PER", "O", "B-PER", "O", "B-LOC"]
    with pytest.raises(ValueError, match="annotator= picks one annotator's spans with how='latest'"):
        nl.io.to_conll(proj, annotator="a")
    assert nl.io.to_conll(proj).count("\n\n") == 1  # item 1 has no answer: not written
    assert nl.io.to_conll(proj).endswith("Ana O\nagain O\n")  # 1 of 2: no majority
    proj.add(0, [bo], annotator="lead", source="adjudicated")
    assert tags(nl.io.to_conll(proj)) == ["O", "O", "B-PER", "O", "O"]
    with pytest.raises(ValueError, match=r"how='vote' is not one of \['majority', 'latest'\]"):
        nl.io.to_conll(proj, how="vote")
    with pytest.raises(TypeError, match="needs a project whose task is nl.Spans"):
        nl.io.to_conll(project(["x"], [], nl.Classify(["a"], text="text")))


def test_reading_conll_2003_columns_docstart_and_iob1_starts(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\n"
        "EU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n\n"
        "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\nB-PER x x B-PER\n\n\n",
        encoding="utf-8",
    )
    imported = nl.io.read_conll(path)
    assert imported.task.labels == ("MISC", "ORG", "PER")
    assert imported.df["text"].tolist() == ["EU rejects German call", "Peter Blackburn B-PER"]
    assert imported.df["tokens"].tolist()[1] == ["Peter", "Blackburn", "B-PER"]
    assert imported.answers["value"].tolist() == [
        [{"start": 0, "end": 2, "label": "ORG"}, {"start": 11, "end": 17, "label": "MISC"}],
        [{"start": 0, "end": 15, "label": "PER"}, {"start": 16, "end": 21, "label": "PER"}],
    ]
    assert imported.answers["annotator"].unique().tolist() == ["conll"]


def test_reading_refuses_what_is_not_iob2():
    with pytest.raises(ValueError, match=r"line 2: 'X-PER' is not an IOB2 tag"):
        nl.io.read_conll(io.StringIO("Ana B-PER\nBo X-PER\n"))
    with pytest.raises(ValueError, match="line 1 'Ana' has no tag"):
        nl.io.read_conll(io.StringIO("Ana\n"))
    with pytest.raises(ValueError, match=r"tags use labels \['PER'\] that are not in"):
        nl.io.read_conll(io.StringIO("Ana B-PER\n"), labels=["LOC"])
    with pytest.raises(ValueError, match="no tag names a label"):
        nl.io.read_conll(io.StringIO("Ana O\n"))
    with pytest.raises(FileNotFoundError, match="no CoNLL file"):
        nl.io.read_conll("missing.conll")


def test_from_conll_builds_a_span_project(tmp_path):
    proj = nl.Project.from_conll(io.StringIO("👨‍👩‍👧 B-PER\nAna I-PER\nsmiles O\n"),
                                 annotator="gold", store=tmp_path / "c.db")
    assert proj.labels().tolist() == [[{"start": 0, "end": 9, "label": "PER"}]]
    assert proj.df.at[0, "text"][0:9] == "👨‍👩‍👧 Ana"
    proj.close()


def test_exports_can_be_made_from_a_snapshot():
    proj = project(["Ana in Paris"], [{"item": 0, "annotator": "ana", "value": [(0, 3, "PER")]}])
    snap = proj.snapshot()
    proj.add(0, [(0, 3, "PER"), (7, 12, "LOC")], annotator="ana")
    assert nl.io.to_conll(snap) == "Ana B-PER\nin O\nParis O\n"
    assert nl.io.to_conll(proj) == "Ana B-PER\nin O\nParis B-LOC\n"
    assert nl.io.to_prodigy(snap)[0]["spans"] == [
        {"start": 0, "end": 3, "label": "PER", "token_start": 0, "token_end": 0}]
