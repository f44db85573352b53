"""Tokens of a span task: where a selection snaps, as ``(start, end)`` code-point pairs.

``"whitespace"`` splits on whitespace; ``"words"`` keeps runs of letters, digits and ``_``
together and every other character alone, never splitting a user-perceived character (a
combining mark, a ZWJ sequence, a flag). A user's tokenizer is checked by :func:`check_tokens`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_WHITESPACE_TOKEN = re.compile(r"\S+")


def whitespace_tokens(text: str) -> list[tuple[int, int]]:
    """Return the runs of non-space characters of ``text``."""
    return [m.span() for m in _WHITESPACE_TOKEN.finditer(text)]


def check_offset(value: Any, shown: str) -> int:
    """Return an offset as an int; ``shown`` names it in the error (bools are not offsets)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"{shown} needs integer offsets, got {value!r}.")
    return int(value.__index__())


def check_tokens(tokens: Any, length: int) -> list[tuple[int, int]]:
    """Return a tokenizer's ``(start, end)`` pairs checked: sorted, non-empty, in the text."""
    checked: list[tuple[int, int]] = []
    for number, token in enumerate(tokens):
        try:
            start, end = token
        except (TypeError, ValueError):
            raise ValueError(
                f"the tokenizer gave {token!r} as token {number}; give (start, end) pairs."
            ) from None
        shown = f"token {number} ({start!r}, {end!r})"
        start, end = check_offset(start, shown), check_offset(end, shown)
        if not 0 <= start < end <= length:
            raise ValueError(f"{shown} is not a non-empty range inside the text (0–{length}).")
        if checked and start < checked[-1][1]:
            raise ValueError(
                f"{shown} starts before the previous token ends; tokens must be sorted and "
                "must not overlap."
            )
        checked.append((start, end))
    return checked


def attaches(ch: str) -> bool:
    """Whether ``ch`` belongs with the character before it (a combining mark, joiner, …)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or code in (0x200C, 0x200D)
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def word_tokens(text: str) -> list[tuple[int, int]]:
    """Return runs of letters, digits and ``_``, and every other non-space character alone.

    A character keeps what attaches to it (combining marks, variation selectors, skin tones,
    what follows a zero-width joiner), and regional indicators pair up into flags, so no token
    splits a user-perceived character.
    """
    tokens: list[tuple[int, int]] = []
    start = -1
    word = False
    flags = 0
    previous = ""
    for i, ch in enumerate(text):
        code = ord(ch)
        regional = 0x1F1E6 <= code <= 0x1F1FF
        if start >= 0 and (attaches(ch) or previous == "\u200d" or (regional and flags % 2)):
            flags += regional
        elif ch.isspace():
            if start >= 0:
                tokens.append((start, i))
            start = -1
        elif ch.isalnum() or ch == "_":
            if start < 0 or not word:
                if start >= 0:
                    tokens.append((start, i))
                start, word, flags = i, True, 0
        else:
            if start >= 0:
                tokens.append((start, i))
            start, word, flags = i, False, int(regional)
        previous = ch
    if start >= 0:
        tokens.append((start, len(text)))
    return tokens
