"""CoNLL with IOB2 tags: span answers as one token a line, and such a file back as spans.

A file holds one block per item, blocks separated by a blank line; each line is a token and its
tag, separated by a space: ``B-<label>`` starts a span, ``I-<label>`` continues it, ``O`` is
outside any span. Files with more columns (CoNLL-2003's ``token POS chunk NER``) are read by
their first and last columns.

IOB cannot hold everything nblabel's spans can, and an export says so rather than move or
drop spans: spans that overlap (``Spans(overlap=True)``) cannot be tagged, and a span must start
and end on the tokens (by default the task's own ``tokens=``, else ``"words"``). The error names
every item that does not fit, and nothing is written. CoNLL also has no item ids and no
whitespace: items come back numbered in file order, with their tokens joined by single spaces
as the text (the spans are the same tokens), and every other detail (annotators, times) is lost.
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from .._checks import OneOf, check, check_kwargs
from .._payload import display_text
from ..tasks import Spans
from .answers import Imported, answers_frame, suggestions_frame
from .export import ExportedText, exporting, manifest_for
from .iob import iob_tags
from .span_tokens import tokenizer

#: How :func:`to_conll` settles each item's spans (see :meth:`nblabel.Project.labels`).
HOW = ("majority", "latest")
#: What CoNLL does not hold (recorded in the export's manifest).
LOST = (
    "item ids (blocks are read back numbered in file order)",
    "whitespace (tokens are read back joined by single spaces)",
    "individual annotators' answers (one settled answer per item)",
    "annotators, times, flags, comments and guideline versions", "items without an answer",
)

_TAG = re.compile(r"([BI])-(.+)")


@check_kwargs
def to_conll(
    project: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    how: str = "majority",
    tokens: str | Callable[[str], Any] | None = None,
    annotator: str | None = None,
    as_of: Any = None,
) -> ExportedText:
    """Return a span project's answers as CoNLL / IOB2 text (and write it with ``path``).

    Parameters
    ----------
    project : nblabel.Project or nblabel.io.Snapshot
        What to export; its task is :class:`nblabel.Spans`.
    path : str or os.PathLike, optional
        A file to write (UTF-8); its manifest is written beside it (``<path>.manifest.json``).
    how : {"majority", "latest"}
        Which spans each item gets, as :meth:`nblabel.Project.labels` settles them (the same
        rule): ``"majority"``: the spans more than half of the item's annotators marked (same
        start, end and label; :func:`nblabel.consensus.span_vote`), and an adjudicated answer
        settles its item; ``"latest"``: the most recent answer (of ``annotator`` if given).
        Items nobody answered are not written; an answer with no spans is all ``O``.
    tokens : {"whitespace", "words"} or callable, optional
        How texts are split into lines: default the task's ``tokens=``, else ``"words"``.
    annotator : str, optional
        With ``how="latest"``, only this annotator's answers.
    as_of : int, datetime or str, optional
        The event id or time to export as of (a project only; see :func:`~nblabel.io.snapshot`).

    Returns
    -------
    str
        One block per item, in the order of the project's DataFrame; its ``manifest`` says
        which events it holds and how they were settled (see :mod:`nblabel.io.export`).

    Raises
    ------
    ValueError
        Naming the items whose spans overlap, or do not start and end on the tokens.

    Examples
    --------
    >>> print(nl.io.to_conll(proj))  # doctest: +SKIP
    Ana B-PER
    visits O
    Paris B-LOC
    """
    how = OneOf(HOW)("how", how)
    if annotator is not None and how != "latest":
        raise ValueError(f"annotator= picks one annotator's spans with how='latest', not {how!r}.")
    snap = exporting(project, as_of)
    task = snap.task
    if not isinstance(task, Spans):
        raise TypeError(f"to_conll needs a project whose task is nl.Spans, got {task!r}.")
    split = tokenizer(task, tokens)
    settled = snap.labels(annotator, how).dropna()
    blocks, problems = [], []
    for item, spans in settled.items():
        text = display_text(snap.df.at[item, task.text]) or ""
        try:
            blocks.append(_block(text, spans, split(text)))
        except ValueError as error:
            problems.append(f"item {item!r}: {error}")
    if problems:
        shown = "\n  ".join(problems[:5])
        more = f"\n  … and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ValueError(
            f"{len(problems)} items cannot be written as IOB tags, so nothing was:\n  "
            f"{shown}{more}\nPass tokens= that splits where the spans do, settle overlapping "
            "spans first, or export the spans as they are (nl.io.to_label_studio, "
            "nl.io.to_prodigy, proj.annotations)."
        )
    conll = "\n".join(blocks)
    manifest = manifest_for(
        snap, conll, path, format="conll", how=how, annotator=annotator, lost=LOST,
        items=len(blocks),
    )
    if path is not None:
        pathlib.Path(path).write_text(conll, encoding="utf-8", newline="\n")
    return ExportedText(conll, manifest)


@check_kwargs
def read_conll(
    source: str | os.PathLike[str] | Any,
    *,
    text: str = "text",
    labels: Sequence[str] | None = None,
    annotator: str = "conll",
) -> Imported:
    """Return the items, task and answers of a CoNLL / IOB2 file.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path to the file, or an open text file (e.g. ``io.StringIO(text)``).
    text : str, default "text"
        The column of the items that gets each block's text (its tokens joined by spaces).
    labels : sequence of str, optional
        The span labels, in order; default the labels the tags use, sorted. A tag with
        another label is an error.
    annotator : str, default "conll"
        Who the answers are recorded as.

    Returns
    -------
    Imported
        ``df`` (one row per block, numbered from 0, with ``text`` and ``tokens`` (the list of
        tokens)), ``task`` (``nl.Spans(labels, text=text, tokens="whitespace")``: the spans
        are on the tokens) and ``answers`` (one per block, no time).

    Raises
    ------
    ValueError
        Naming the line whose tag is not ``O``, ``B-<label>`` or ``I-<label>``.
    """
    annotator = check("annotator", annotator)
    lines = _lines(source)
    blocks = _blocks(lines)
    seen = sorted({span["label"] for _, spans in blocks for span in spans})
    if labels is None:
        if not seen:
            raise ValueError("no tag names a label; pass labels= to say which labels exist.")
        labels = seen
    task = Spans(list(labels), text=text, tokens="whitespace")
    unknown = [label for label in seen if label not in task.labels]
    if unknown:
        raise ValueError(f"tags use labels {unknown} that are not in labels={list(labels)}.")
    df = pd.DataFrame({text: [" ".join(words) for words, _ in blocks],
                       "tokens": [list(words) for words, _ in blocks]})
    rows = [
        {"item": number, "annotator": annotator,
         "value": task.validate_for(spans, df.iloc[number])}
        for number, (_, spans) in enumerate(blocks)
    ]
    return Imported(df, task, answers_frame(rows), suggestions_frame([]))


# -- writing ------------------------------------------------------------------------------------
def _block(text: str, spans: list[dict[str, Any]], tokens: list[tuple[int, int]]) -> str:
    """Return one item's lines (see :func:`~nblabel.io.iob.iob_tags` for what cannot be tagged)."""
    lines = []
    for (start, end), tag in zip(tokens, iob_tags(spans, tokens), strict=True):
        word = text[start:end]
        if any(ch.isspace() for ch in word):
            raise ValueError(
                f"token {word!r} holds whitespace, which a CoNLL line cannot; use a tokenizer "
                "whose tokens have none."
            )
        lines.append(f"{word} {tag}")
    return "\n".join(lines) + "\n"


# -- reading ------------------------------------------------------------------------------------
def _lines(source: Any) -> list[str]:
    if isinstance(source, str | os.PathLike):
        path = pathlib.Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no CoNLL file at {str(path)!r}.")
        return path.read_text(encoding="utf-8").splitlines()
    if callable(getattr(source, "read", None)):
        return str(source.read()).splitlines()
    raise TypeError(f"source must be a path or an open text file, got {type(source).__name__}.")


def _blocks(lines: list[str]) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Return each block's tokens and spans (offsets in the tokens joined by single spaces)."""
    blocks: list[tuple[list[str], list[dict[str, Any]]]] = []
    words: list[str] = []
    spans: list[dict[str, Any]] = []
    offset = 0
    for number, line in enumerate([*lines, ""], start=1):
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            if words:
                blocks.append((words, spans))
            words, spans, offset = [], [], 0
            continue
        if len(fields) < 2:
            raise ValueError(f"line {number} {line!r} has no tag: write 'token tag'.")
        word, tag = fields[0], fields[-1]
        start = offset + (1 if words else 0)
        end = start + len(word)
        if tag != "O":
            match = _TAG.fullmatch(tag)
            if match is None:
                raise ValueError(
                    f"line {number}: {tag!r} is not an IOB2 tag (O, B-<label>, I-<label>)."
                )
            begins, label = match.group(1) == "B", match.group(2)
            if begins or not spans or spans[-1]["label"] != label or spans[-1]["end"] != start - 1:
                spans.append({"start": start, "end": end, "label": label})
            else:
                spans[-1]["end"] = end
        words.append(word)
        offset = end
    return blocks
