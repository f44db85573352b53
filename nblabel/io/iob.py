"""Token-level IOB2 tags from span answers, for formats that tag tokens instead of characters.

IOB2 gives each token one tag: ``B-<label>`` where a span starts, ``I-<label>`` inside it, ``O``
outside every span. It cannot hold spans that overlap, nor spans whose ends fall inside a token;
:func:`iob_tags` refuses those with the span named, rather than dropping or shifting them.

Examples
--------
>>> iob_tags([{"start": 0, "end": 3, "label": "PER"}], [(0, 3), (4, 9), (10, 15)])
['B-PER', 'O', 'O']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def iob_tags(spans: Iterable[Any], tokens: Sequence[tuple[int, int]]) -> list[str]:
    """Return the IOB2 tag of each token for a span answer.

    Parameters
    ----------
    spans : list of dict
        One answer: ``{"start", "end", "label"}`` in code points.
    tokens : list of (int, int)
        The tokens as ``(start, end)`` code-point pairs, in order, not overlapping.

    Raises
    ------
    ValueError
        If a span does not start and end on token boundaries, or overlaps another.
    """
    starts = {start: at for at, (start, _) in enumerate(tokens)}
    ends = {end: at for at, (_, end) in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: (s["start"], s["end"], s["label"])):
        first, last = starts.get(span["start"]), ends.get(span["end"])
        shown = f"({span['start']}, {span['end']}, {span['label']!r})"
        if first is None or last is None or first > last:
            raise ValueError(
                f"span {shown} does not start and end on token boundaries, so IOB tags cannot "
                "hold it; label with Spans(..., tokens=...) set to the same tokenizer, or pass "
                "the tokenizer the spans follow."
            )
        if any(tag != "O" for tag in tags[first : last + 1]):
            raise ValueError(
                f"span {shown} overlaps another span; IOB tags give each token one label, so "
                "overlapping spans cannot be tagged (export the spans as they are instead)."
            )
        tags[first] = f"B-{span['label']}"
        tags[first + 1 : last + 1] = [f"I-{span['label']}"] * (last - first)
    return tags


def iob_names(labels: Sequence[str]) -> list[str]:
    """Return every IOB2 tag of ``labels`` in a fixed order: ``O``, then ``B-``/``I-`` per label."""
    return ["O", *[f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]]
