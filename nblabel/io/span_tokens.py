"""Spans on tokens, for the formats that count tokens (Prodigy's ``token_start``, CoNLL's rows).

:func:`tokenizer` picks how an export splits an item's text: the ``tokens=`` it is given, else
the task's own (the tokens its widget snaps to), else ``"words"`` (letters and digits in runs,
every other character alone, never splitting a user-perceived character). :func:`token_span`
finds the tokens a span covers exactly, and :func:`misaligned` names the spans that start or end
inside a token, so an export can say which items do not fit its tokens instead of moving them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Any

from ..tasks import Spans
from ..tasks.tokens import check_tokens, whitespace_tokens, word_tokens

Token = tuple[int, int]
Tokenizer = Callable[[str], list[Token]]
#: Tokenizers an export takes by name.
NAMED = {"whitespace": whitespace_tokens, "words": word_tokens}


def tokenizer(task: Spans, tokens: Any) -> Tokenizer:
    """Return the tokenizer of an export: ``tokens`` (a name or a callable), else the task's.

    Raises
    ------
    ValueError
        If ``tokens`` is neither ``"whitespace"``, ``"words"``, a callable nor None.
    """
    if tokens is None:
        if task.tokens is None:
            return word_tokens
        return task.tokenize
    if isinstance(tokens, str) and tokens in NAMED:
        return NAMED[tokens]
    if callable(tokens):
        return lambda text: check_tokens(tokens(text), len(text))
    raise ValueError(
        f"tokens must be {sorted(NAMED)}, a callable text -> [(start, end), ...] or None (the "
        f"task's tokens, else 'words'), got {tokens!r}."
    )


def token_span(span: dict[str, Any], tokens: list[Token]) -> tuple[int, int] | None:
    """Return the first and last token of ``span`` (inclusive), or None if it splits a token."""
    starts = [start for start, _ in tokens]
    first = bisect.bisect_left(starts, span["start"])
    if first == len(tokens) or tokens[first][0] != span["start"]:
        return None
    ends = [end for _, end in tokens]
    last = bisect.bisect_left(ends, span["end"])
    if last == len(tokens) or tokens[last][1] != span["end"]:
        return None
    return first, last


def misaligned(
    items: Iterable[tuple[Any, str, list[dict[str, Any]]]], tokenize: Tokenizer
) -> list[str]:
    """Return, for each ``(item, text, spans)`` whose spans split a token, what does not fit."""
    found = []
    for item, text, spans in items:
        tokens = tokenize(text)
        loose = [s for s in spans if token_span(s, tokens) is None]
        if loose:
            span = loose[0]
            found.append(
                f"item {item!r}: span ({span['start']}, {span['end']}, {span['label']!r}) "
                f"{text[span['start']:span['end']]!r}"
            )
    return found
