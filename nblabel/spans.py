"""Span answers out to other tools: spaCy-style tuples and ``spacy.tokens.Doc`` objects.

Span answers are lists of ``{"start", "end", "label"}`` in Python code points, which is also how
spaCy counts character offsets, so they carry over unchanged. spaCy itself is an optional extra
(``pip install "nblabel[spacy]"``); only :func:`to_doc` and :func:`to_docs` need it.

Examples
--------
>>> from nblabel.spans import to_tuples
>>> to_tuples([{"start": 6, "end": 11, "label": "LOC"}, {"start": 0, "end": 3, "label": "PER"}])
[(0, 3, 'PER'), (6, 11, 'LOC')]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from ._checks import check_kwargs
from ._payload import display_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["ALIGNMENT_MODES", "to_doc", "to_docs", "to_tuples"]

class SpanProject(Protocol):
    """What :func:`to_docs` reads of a project."""

    df: pd.DataFrame
    task: Any

    def labels(self, annotator: str | None = None) -> pd.Series:
        """Return one answer per item."""


#: How :func:`to_doc` fits spans to spaCy's tokens (``Doc.char_span``'s ``alignment_mode``).
ALIGNMENT_MODES = ("strict", "contract", "expand")


def to_tuples(spans: Iterable[Any]) -> list[tuple[int, int, str]]:
    """Return a span answer as spaCy-style ``(start, end, label)`` tuples, sorted and unique.

    Parameters
    ----------
    spans : list of dict or tuple
        One answer: ``{"start", "end", "label"}`` dicts (as stored) or ``(start, end, label)``
        tuples, in code points.

    Returns
    -------
    list of tuple
        ``(start, end, label)``, sorted by start, end and label, duplicates removed; the form
        of spaCy's training data (``{"entities": [...]}``).

    Raises
    ------
    TypeError
        If ``spans`` is not a list of spans (e.g. NaN for an item without an answer).
    ValueError
        Naming a span whose offsets or label are not valid.

    Examples
    --------
    >>> to_tuples([(4, 9, "LOC"), (4, 9, "LOC")])
    [(4, 9, 'LOC')]
    """
    if spans is None or (isinstance(spans, float) and math.isnan(spans)):
        raise TypeError(
            "no answer to convert (None or NaN): drop unlabelled items first, "
            "e.g. proj.labels().dropna()."
        )
    if isinstance(spans, (str, bytes, Mapping)) or not isinstance(spans, Iterable):
        raise TypeError(f"spans must be a list of spans, got {spans!r}.")
    found = set()
    for number, span in enumerate(spans):
        if isinstance(span, Mapping) and {"start", "end", "label"} <= set(span):
            start, end, label = span["start"], span["end"], span["label"]
        elif isinstance(span, (tuple, list)) and len(span) == 3:
            start, end, label = span
        else:
            raise ValueError(
                f"span {number} {span!r} is not a span: give {{'start', 'end', 'label'}} or "
                "(start, end, label)."
            )
        try:
            if isinstance(start, bool) or isinstance(end, bool):
                raise TypeError
            start, end = operator.index(start), operator.index(end)
        except TypeError:
            start = end = -1
        if not 0 <= start < end or not isinstance(label, str):
            raise ValueError(
                f"span {number} {span!r} needs integer offsets 0 <= start < end and a str label."
            )
        found.add((start, end, label))
    return sorted(found)


@check_kwargs
def to_doc(
    text: str,
    spans: Iterable[Any],
    nlp: Language | None = None,
    *,
    spans_key: str = "sc",
    alignment_mode: str = "strict",
) -> Doc:
    """Return a spaCy ``Doc`` of ``text`` holding the spans in ``doc.spans`` and ``doc.ents``.

    Parameters
    ----------
    text : str
        The item's text (the offsets count its code points).
    spans : list of dict or tuple
        One span answer (see :func:`to_tuples`).
    nlp : spacy.language.Language, optional
        Whose tokenizer splits the text; default ``spacy.blank("xx")`` (no model download).
    spans_key : str, default "sc"
        Key of ``doc.spans`` that gets every span (the default key of spaCy's span categorizer).
    alignment_mode : {"strict", "contract", "expand"}, default "strict"
        How a span that does not start and end on spaCy's token boundaries is fitted (spaCy's
        ``Doc.char_span``): ``"strict"`` refuses it, ``"contract"`` keeps the tokens entirely
        inside it, ``"expand"`` takes every token it touches.

    Returns
    -------
    spacy.tokens.Doc
        ``doc.spans[spans_key]`` holds every span; ``doc.ents`` holds them too when none
        overlap (entities cannot overlap in spaCy), and is empty otherwise.

    Raises
    ------
    ImportError
        If spaCy is not installed (it is the optional extra ``nblabel[spacy]``).
    ValueError
        Naming a span that does not fit spaCy's tokens with ``alignment_mode``, or that goes
        past the end of the text.

    Examples
    --------
    >>> doc = to_doc("Ana lives in Paris", [(0, 3, "PER"), (13, 18, "LOC")])  # doctest: +SKIP
    >>> [(e.text, e.label_) for e in doc.ents]  # doctest: +SKIP
    [('Ana', 'PER'), ('Paris', 'LOC')]
    """
    spacy = _import_spacy("to_doc")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    if alignment_mode not in ALIGNMENT_MODES:
        raise ValueError(
            f"alignment_mode={alignment_mode!r} is not one of {list(ALIGNMENT_MODES)}."
        )
    if not isinstance(spans_key, str) or not spans_key:
        raise ValueError(f"spans_key must be a non-empty str, got {spans_key!r}.")
    if nlp is None:
        nlp = spacy.blank("xx")
    elif not callable(getattr(nlp, "make_doc", None)):
        raise TypeError(f"nlp must be a spaCy Language such as spacy.blank('en'), got {nlp!r}.")
    doc = nlp.make_doc(text)
    found = []
    for start, end, label in to_tuples(spans):
        if end > len(text):
            raise ValueError(
                f"span ({start}, {end}, {label!r}) ends past the text ({len(text)} characters)."
            )
        span = doc.char_span(start, end, label=label, alignment_mode=alignment_mode)
        if span is None:
            raise ValueError(
                f"span ({start}, {end}, {label!r}) {text[start:end]!r} does not line up with "
                f"spaCy's tokens (alignment_mode={alignment_mode!r}); pass "
                "alignment_mode='expand' or 'contract', or label with Spans(..., tokens=...) "
                "set to the same tokenizer."
            )
        found.append(span)
    doc.spans[spans_key] = found
    ordered = sorted(found, key=lambda s: (s.start, s.end))
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False)):
        doc.ents = ordered
    return doc


@check_kwargs
def to_docs(
    project: SpanProject,
    nlp: Language | None = None,
    *,
    annotator: str | None = None,
    spans_key: str = "sc",
    alignment_mode: str = "strict",
) -> list[Doc]:
    """Return one spaCy ``Doc`` per labelled item of a span project (see :func:`to_doc`).

    Uses each item's latest answer (of ``annotator`` if given); ``doc.user_data["item"]`` is
    the item's id. ``spacy.tokens.DocBin(docs=...)`` then writes spaCy's training format.

    Parameters
    ----------
    project : nblabel.Project
        A project whose task is :class:`nblabel.Spans`.
    nlp, spans_key, alignment_mode
        As in :func:`to_doc`.
    annotator : str, optional
        Only this annotator's answers (default: the latest of anyone's).

    Returns
    -------
    list of spacy.tokens.Doc
        In the order of the project's DataFrame.

    Raises
    ------
    ImportError
        If spaCy is not installed (it is the optional extra ``nblabel[spacy]``).

    Examples
    --------
    >>> docs = to_docs(proj)  # doctest: +SKIP
    >>> from spacy.tokens import DocBin  # doctest: +SKIP
    >>> DocBin(docs=docs).to_disk("train.spacy")  # doctest: +SKIP
    """
    spacy = _import_spacy("to_docs")
    from .tasks.spans import Spans

    task = getattr(project, "task", None)
    if not isinstance(task, Spans):
        raise TypeError(f"to_docs needs a project whose task is nl.Spans, got {project!r}.")
    nlp = spacy.blank("xx") if nlp is None else nlp
    docs = []
    for item, value in project.labels(annotator=annotator).dropna().items():
        text = display_text(project.df.at[item, task.text]) or ""
        doc = to_doc(text, value, nlp, spans_key=spans_key, alignment_mode=alignment_mode)
        doc.user_data["item"] = item
        docs.append(doc)
    return docs


def _import_spacy(what: str) -> Any:
    try:
        import spacy
    except ImportError:
        raise ImportError(
            f"nblabel.spans.{what} needs spaCy, which is an optional extra: "
            "pip install 'nblabel[spacy]' (or pip install spacy)."
        ) from None
    return spacy
