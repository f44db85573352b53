"""Span answers out: spaCy-style tuples, spaCy Docs, and the message when spaCy is missing."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import spacy

import nblabel as nl
from nblabel.spans import to_doc, to_docs, to_tuples
from nblabel.tasks import Spans

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Ana Lima 👩\u200d👩\u200d👧 moved to São Paulo in 2021."


def test_to_tuples_sorts_deduplicates_and_checks():
    value = [{"start": 9, "end": 14, "label": "X"}, (0, 3, "PER"), [0, 3, "PER"], (np.int64(4), 8, "PER")]
    assert to_tuples(value) == [(0, 3, "PER"), (4, 8, "PER"), (9, 14, "X")]
    assert to_tuples([]) == []
    with pytest.raises(TypeError, match=r"drop unlabelled items first, e.g. proj.labels\(\).dropna\(\)"):
        to_tuples(float("nan"))
    with pytest.raises(TypeError, match="must be a list of spans"):
        to_tuples("PER")
    with pytest.raises(ValueError, match="span 0 .* is not a span"):
        to_tuples([(0, 3)])
    with pytest.raises(ValueError, match="span 1 .* needs integer offsets 0 <= start < end"):
        to_tuples([(0, 3, "A"), (5, 5, "A")])
    with pytest.raises(ValueError, match="needs integer offsets"):
        to_tuples([(0.0, 3, "A")])


def test_to_doc_fills_spans_and_ents_in_code_points():
    at = TEXT.index("São Paulo")
    spans = [(0, 8, "PER"), (at, at + 9, "LOC"), (TEXT.index("2021"), TEXT.index("2021") + 4, "DATE")]
    doc = to_doc(TEXT, spans)
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [("Ana Lima", "PER"), ("São Paulo", "LOC"), ("2021", "DATE")]
    assert [(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] == [
        ("Ana Lima", "PER", 0, 8), ("São Paulo", "LOC", at, at + 9), ("2021", "DATE", TEXT.index("2021"), TEXT.index("2021") + 4),
    ]


def test_overlapping_spans_stay_in_doc_spans_only():
    doc = to_doc("Bank of New York", [(0, 16, "ORG"), (8, 16, "LOC")], spacy.blank("en"), spans_key="ner")
    assert [(s.text, s.label_) for s in doc.spans["ner"]] == [("Bank of New York", "ORG"), ("New York", "LOC")]
    assert doc.ents == ()


def test_misaligned_spans_are_refused_or_fitted():
    with pytest.raises(ValueError, match=r"span \(0, 2, 'PER'\) 'An' does not line up with spaCy's tokens \(alignment_mode='strict'\)"):
        to_doc("Ana Lima", [(0, 2, "PER")])
    assert to_doc("Ana Lima", [(0, 2, "PER")], alignment_mode="expand").ents[0].text == "Ana"
    with pytest.raises(ValueError, match="does not line up"):
        to_doc("Ana Lima", [(0, 2, "PER")], alignment_mode="contract")
    with pytest.raises(ValueError, match="ends past the text"):
        to_doc("Ana", [(0, 9, "PER")])
    with pytest.raises(ValueError, match=r"alignment_mode='loose' is not one of \['strict', 'contract', 'expand'\]"):
        to_doc("Ana", [], alignment_mode="loose")
    with pytest.raises(TypeError, match="nlp must be a spaCy Language"):
        to_doc("Ana", [], nlp="en")
    with pytest.raises(TypeError, match=r"valid ones are \['text', 'spans', 'nlp', 'spans_key', 'alignment_mode'\]"):
        to_doc("Ana", [], key="sc")


def test_to_docs_from_a_project(tmp_path):
    df = pd.DataFrame({"text": ["Ana in Rio", "nothing", "Bob"]}, index=["a", "b", "c"])
    proj = nl.Project(df, Spans(["PER", "LOC"], text="text"), store=tmp_path / "x.db")
    proj.add("a", [(0, 3, "PER"), (7, 10, "LOC")], annotator="ana")
    proj.add("b", [], annotator="ana")
    docs = to_docs(proj)
    assert [d.user_data["item"] for d in docs] == ["a", "b"]
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Ana", "PER"), ("Rio", "LOC")]
    assert len(docs[1].ents) == 0
    with pytest.raises(ValueError, match="no answers by 'nobody' in this project"):
        to_docs(proj, annotator="nobody")  # a misspelt name is an error, not an empty list
    other = nl.Project(df, nl.Classify(["x"], text="text"), store=tmp_path / "y.db")
    with pytest.raises(TypeError, match="needs a project whose task is nl.Spans"):
        to_docs(other)


def test_without_spacy_the_error_names_the_extra():
    script = textwrap.dedent(
        """
        import sys
        sys.modules["spacy"] = None  # as if spaCy were not installed
        from nblabel.spans import to_doc, to_tuples
        assert to_tuples([(0, 1, "A")]) == [(0, 1, "A")]  # needs no spaCy
        try:
            to_doc("Ana", [(0, 3, "PER")])
        except ImportError as error:
            print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "nblabel.spans.to_doc needs spaCy, which is an optional extra: "
        "pip install 'nblabel[spacy]' (or pip install spacy)."
    )
