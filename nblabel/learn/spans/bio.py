"""Tokens and BIO tags: how spans become one tag per token and come back with confidences.

Offsets are Python code points, as in every span answer. A span covers the tokens it overlaps:
the first is tagged ``B-<label>``, the others ``I-<label>``, tokens outside every span ``O``.
A tagger's output comes back as spans from the start of a ``B`` token (or of an ``I`` token that
does not continue a span of its label) to the end of the last ``I`` token that continues it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ...tasks.tokens import attaches, check_tokens, whitespace_tokens, word_tokens

Token = tuple[int, int]
Tokenizer = Callable[[str], Sequence[Token]]

OUTSIDE = "O"

#: Scripts written without spaces between words (Han, kana): one token per character.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)


def model_tokens(text: str) -> list[Token]:
    """Return the default tokens of a span model: words, with Han and kana split per character.

    The ``"words"`` tokens of :class:`~nblabel.Spans` (letters and digits together, every other
    character alone, never splitting a user-perceived character), except that runs of Chinese
    or Japanese characters, which a word tokenizer keeps whole for want of spaces, are split
    into single characters, so an entity inside such a run can be tagged.

    Examples
    --------
    >>> model_tokens("Ana 在东京")
    [(0, 3), (4, 5), (5, 6), (6, 7)]
    """
    tokens: list[Token] = []
    for start, end in word_tokens(text):
        piece = i = start
        while i < end:
            if not _UNSPACED.match(text, i):
                i += 1
                continue
            if piece < i:
                tokens.append((piece, i))
            first, i = i, i + 1
            while i < end and attaches(text[i]):  # a variation selector stays with its character
                i += 1
            tokens.append((first, i))
            piece = i
        if piece < end:
            tokens.append((piece, end))
    return tokens


def tokenizer(tokens: str | Tokenizer | None) -> Tokenizer:
    """Return the tokenizer ``tokens`` names: ``"words"``, ``"whitespace"``, a callable or None.

    None is :func:`model_tokens`; a callable's tokens are checked (sorted, non-empty, inside
    the text).
    """
    if tokens is None:
        return model_tokens
    if tokens == "words":
        return word_tokens
    if tokens == "whitespace":
        return whitespace_tokens
    if callable(tokens):
        return lambda text: check_tokens(tokens(text), len(text))
    raise ValueError(
        f"tokens must be None (words, Chinese and Japanese per character), 'words', "
        f"'whitespace' or a callable text -> [(start, end), ...]; got {tokens!r}."
    )


def to_tags(tokens: Sequence[Token], spans: Sequence[Any]) -> list[str]:
    """Return one BIO tag per token for ``spans`` (dicts or ``(start, end, label)`` tuples).

    Spans that overlap a span already tagged (earlier, or as early and longer) are left out:
    BIO tags hold one layer of spans.

    Examples
    --------
    >>> to_tags([(0, 3), (4, 9), (10, 15)], [(4, 15, "LOC")])
    ['O', 'B-LOC', 'I-LOC']
    """
    tags = [OUTSIDE] * len(tokens)
    plain = sorted((_triple(span) for span in spans), key=lambda s: (s[0], -s[1], s[2]))
    for start, end, label in plain:
        covered = [i for i, (a, b) in enumerate(tokens) if a < end and b > start]
        if not covered or any(tags[i] != OUTSIDE for i in covered):
            continue
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags


def to_spans(
    tokens: Sequence[Token], tags: Sequence[str], confidence: Sequence[float]
) -> list[dict[str, Any]]:
    """Return the spans that BIO ``tags`` mark, each with the least confidence of its tokens.

    ``confidence[i]`` is the probability of ``tags[i]`` (e.g. a CRF's marginal). A span's
    confidence is the smallest of its tokens', an upper bound on the chance the whole span is
    right.

    Examples
    --------
    >>> to_spans([(0, 3), (4, 9)], ["B-PER", "I-PER"], [0.9, 0.8])
    [{'start': 0, 'end': 9, 'label': 'PER', 'confidence': 0.8}]
    """
    spans: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for (start, end), tag, sure in zip(tokens, tags, confidence, strict=True):
        kind, _, label = tag.partition("-")
        if kind == "I" and current is not None and current["label"] == label:
            current["end"] = end
            current["confidence"] = min(current["confidence"], float(sure))
            continue
        current = None
        if kind in ("B", "I") and label:
            current = {"start": start, "end": end, "label": label, "confidence": float(sure)}
            spans.append(current)
    return spans


def _triple(span: Any) -> tuple[int, int, str]:
    if isinstance(span, dict):
        return int(span["start"]), int(span["end"]), str(span["label"])
    start, end, label = span
    return int(start), int(end), str(label)
