from __future__ import annotations

import csv
import doctest
import io
import unicodedata
from importlib.resources import files
from itertools import pairwise

import pandas as pd
import pytest

import nblabel.datasets
from nblabel.datasets import SUPPORT_TICKET_INTENTS, load_support_tickets

CHANNELS = {"email", "chat", "app-store-review", "forum"}


def _raw_bytes() -> bytes:
    return (files("nblabel") / "data" / "support_tickets.csv").read_bytes()


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, str]]:
    """The CSV parsed by the csv module alone, as the reference for the loader."""
    text = _raw_bytes().decode("utf-8", errors="strict")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return load_support_tickets()


def _ids(rows: list[dict[str, str]], predicate) -> list[str]:
    return [row["ticket_id"] for row in rows if predicate(row["text"])]


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def _is_decomposed(text: str) -> bool:
    return unicodedata.normalize("NFC", text) != text


def _has_flag(text: str) -> bool:
    indicators = [0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in text]
    return any(a and b for a, b in pairwise(indicators))


def test_raw_file_is_plain_utf8_without_bom():
    data = _raw_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8", errors="strict")
    assert data.startswith(b"ticket_id,text,channel,intent,urgent\n")


def test_shape_ids_and_columns(tickets):
    assert tickets.shape == (200, 4)
    assert list(tickets.columns) == ["text", "channel", "intent", "urgent"]
    assert tickets.index.name == "ticket_id"
    assert tickets.index.is_unique
    assert list(tickets.index) == [f"T{i:04d}" for i in range(1, 201)]


def test_dtypes(tickets):
    assert pd.api.types.is_string_dtype(tickets.index.dtype)
    assert all(isinstance(value, str) for value in tickets.index)
    for column in ("text", "channel", "intent"):
        assert pd.api.types.is_string_dtype(tickets[column].dtype), column
        assert all(isinstance(value, str) and value for value in tickets[column]), column
    assert tickets["urgent"].dtype == bool
    assert tickets["urgent"].any() and not tickets["urgent"].all()


def test_channels(tickets):
    assert set(tickets["channel"]) == CHANNELS


def test_intents_cover_the_label_set_with_at_least_15_each(tickets):
    assert len(SUPPORT_TICKET_INTENTS) == 6
    assert len(set(SUPPORT_TICKET_INTENTS)) == 6
    counts = tickets["intent"].value_counts()
    assert set(counts.index) == set(SUPPORT_TICKET_INTENTS)
    assert (counts >= 15).all(), counts.to_dict()
    assert counts.max() > 2 * counts.min()  # deliberately imbalanced


def test_loader_matches_raw_csv_exactly(tickets, raw_rows):
    assert [row["ticket_id"] for row in raw_rows] == list(tickets.index)
    for row in raw_rows:
        loaded = tickets.loc[row["ticket_id"]]
        assert loaded["text"].encode("utf-8") == row["text"].encode("utf-8"), row["ticket_id"]
        assert loaded["channel"] == row["channel"]
        assert loaded["intent"] == row["intent"]
        assert row["urgent"] in ("yes", "no")
        assert bool(loaded["urgent"]) is (row["urgent"] == "yes")


@pytest.mark.parametrize(
    ("kind", "predicate", "minimum"),
    [
        ("line breaks", lambda text: "\n" in text, 3),
        ("emoji ZWJ sequences", lambda text: "\u200d" in text, 3),
        ("flag emoji", _has_flag, 2),
        ("decomposed combining marks", _is_decomposed, 3),
        ("right-to-left text", _is_rtl, 3),
        ("HTML-like text", lambda text: "<script>" in text or "&amp;" in text or "</" in text, 2),
    ],
)
def test_special_text_is_present_and_survives_loading(tickets, raw_rows, kind, predicate, minimum):
    ids = _ids(raw_rows, predicate)
    assert len(ids) >= minimum, kind
    raw = {row["ticket_id"]: row["text"] for row in raw_rows}
    for ticket_id in ids:
        assert tickets.loc[ticket_id, "text"] == raw[ticket_id], (kind, ticket_id)
        assert predicate(tickets.loc[ticket_id, "text"]), (kind, ticket_id)


def test_specific_sequences_are_stored_unnormalized(tickets):
    texts = "\n".join(tickets["text"])
    assert "\U0001f469\u200d\U0001f4bb" in texts  # woman technologist, a ZWJ sequence
    assert "\U0001f1eb\U0001f1f7" in texts  # flag of France
    assert "Cafe\u0301" in texts  # e + COMBINING ACUTE ACCENT, not U+00E9
    assert "e\u0301".encode() in _raw_bytes()
    assert "<script>alert('hi')</script>" in texts
    assert "R&amp;D" in texts


def test_other_scripts_are_present(tickets):
    def rows_with(low: int, high: int) -> int:
        return sum(any(low <= ord(ch) <= high for ch in text) for text in tickets["text"])

    assert rows_with(0x0590, 0x05FF) >= 1  # Hebrew
    assert rows_with(0x0600, 0x06FF) >= 1  # Arabic
    assert rows_with(0x0900, 0x097F) >= 1  # Devanagari (Hindi)
    assert rows_with(0x3040, 0x30FF) >= 1  # Japanese kana
    assert rows_with(0x4E00, 0x9FFF) >= 3  # CJK ideographs (Chinese and Japanese)


def test_each_call_returns_an_independent_frame():
    first = load_support_tickets()
    first.loc["T0001", "text"] = "changed"
    assert load_support_tickets().loc["T0001", "text"] != "changed"


def test_docstring_examples():
    results = doctest.testmod(nblabel.datasets, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
