r"""Span labeling (named entities and the like): labelled stretches of an item's text.

Offsets are Python code points: a span ``{"start": 4, "end": 9, "label": "LOC"}`` stands for
``text[4:9]``, whatever the text holds (emoji, combining marks, ``\\r\\n``). The browser converts
to and from UTF-16 at its edge; everything in the kernel, the store and on the wire counts code
points.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from .._checks import Boolean, check_kwargs, is_int
from .._payload import display_text
from ._base import Task, TaskMismatchError, check_column_name
from .tokens import check_offset, check_tokens, whitespace_tokens, word_tokens

#: Built-in tokenizers for ``tokens=``: how a selection snaps to whole tokens.
TOKENIZERS = ("whitespace", "words")
#: Keys the span view uses besides the shared ones; labels cannot be bound to them.
VIEW_KEYS: Mapping[str, str] = {"[": "previous span", "]": "next span"}
#: Prefix naming a callable in the JSON form of a task.
CALLABLE = "callable:"

_SPAN_KEYS = {"start", "end", "label"}

Span = dict[str, Any]
Tokenizer = Callable[[str], Iterable[tuple[int, int]]]
Suggester = Callable[[str], Iterable[Any]]


class Spans(Task):
    """Ask for labelled spans of an item's text (named entities, phrases, evidence).

    An answer is a list of ``{"start", "end", "label"}`` dicts in Python code points
    (``text[start:end]`` is the span), sorted by start, end and label, without duplicates. An
    empty list is a valid answer ("nothing to label here").

    Parameters
    ----------
    labels : sequence of str
        The span labels, in display order. Non-empty, unique strings.
    text : str
        Column holding the text to label.
    overlap : bool, default False
        Whether spans may overlap or nest. Without overlap, a new span replaces the spans it
        overlaps in the widget, and answers with overlapping spans are refused.
    tokens : {None, "whitespace", "words"} or callable, optional
        Snap selections to whole tokens: ``"whitespace"`` (runs of non-space characters),
        ``"words"`` (runs of letters and digits, and each punctuation mark or symbol on its
        own; a character and the marks or joiners attached to it stay together), or a callable
        ``tokens(text) -> [(start, end), ...]`` in code points (e.g. from a spaCy tokenizer).
        None (the default) snaps to whole characters only.
    keys : sequence of str or dict, optional
        One single-character key per label (or ``{label: key}``). Defaults to 1–9, then
        letters; the shared navigation keys (u, s, c, g, ?, /, space) and ``[`` ``]`` cannot be
        bound.
    guidelines : str or pathlib.Path, optional
        Markdown guideline shown (collapsible) in the widget; its content hash versions every
        answer.
    suggest : str or callable, optional
        Pre-annotated spans shown as suggestions to accept or reject: a column holding a list
        of spans per row (dicts or ``(start, end, label)`` tuples; None or NaN for none), or a
        callable ``suggest(text) -> spans`` such as a rule-based tagger or a model. Each answer
        records which suggestions were accepted, edited, rejected or ignored.

    Notes
    -----
    A task is plain data: a callable given as ``tokens`` or ``suggest`` is kept by its name in
    the task's JSON form (``"callable:module.name"``). A task read back from JSON cannot call
    it; pass the function again to label.

    Examples
    --------
    >>> import nblabel as nl
    >>> task = nl.Spans(["PER", "LOC"], text="sentence")
    >>> task.validate([(4, 9, "LOC"), {"start": 0, "end": 3, "label": "PER"}])
    [{'start': 0, 'end': 3, 'label': 'PER'}, {'start': 4, 'end': 9, 'label': 'LOC'}]
    """

    kind = "spans"

    @check_kwargs
    def __init__(
        self,
        labels: Sequence[str],
        text: str,
        overlap: bool = False,
        tokens: str | Tokenizer | None = None,
        keys: Sequence[str] | Mapping[str, str] | None = None,
        guidelines: str | pathlib.Path | None = None,
        suggest: str | Suggester | None = None,
    ) -> None:
        self._set_labels(labels, keys)
        bound = [key for key in self.keys if key in VIEW_KEYS]
        if bound:
            raise ValueError(
                f"key {bound[0]!r} is used by the span view to {VIEW_KEYS[bound[0]]!r}; "
                "choose another key for that label."
            )
        if text is None:
            raise ValueError("Spans needs the column holding the text: pass text='column'.")
        self.text = check_column_name(text, "text")
        self.overlap = Boolean()("overlap", overlap)
        self.tokens = _check_tokens(tokens)
        self.suggest = _check_suggest(suggest, self.text)
        self._set_guidelines(guidelines)

    # -- what the task reads -------------------------------------------------------------------
    def columns(self) -> list[str]:
        """Return the DataFrame columns this task reads: the text, then the suggestion column."""
        shown = [self.text]
        if isinstance(self.suggest, str) and not self.suggest.startswith(CALLABLE):
            shown.append(self.suggest)
        return shown

    @property
    def suggest_source(self) -> str | None:
        """Where suggestions come from: ``"column:<name>"``, ``"callable:<name>"`` or None."""
        if self.suggest is None:
            return None
        if callable(self.suggest):
            return _callable_name(self.suggest)
        if self.suggest.startswith(CALLABLE):
            return self.suggest
        return f"column:{self.suggest}"

    # -- validation ----------------------------------------------------------------------------
    def validate(self, value: Any) -> list[Span]:
        """Return the spans as sorted, de-duplicated ``{"start", "end", "label"}`` dicts.

        Accepts dicts or ``(start, end, label)`` tuples. Offsets are not checked against a text
        here; :meth:`validate_for` does that for one item.

        Raises
        ------
        ValueError
            Naming the span and the reason: not a span, offsets that are not integers, an empty
            or reversed span, a negative offset, an unknown label, or spans that overlap when
            the task does not allow it.
        """
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise ValueError(
                f"a spans answer is a list of spans such as [{{'start': 0, 'end': 5, "
                f"'label': {self.labels[0]!r}}}] (an empty list means none), got {value!r}."
            )
        spans = [self._check_span(span, number) for number, span in enumerate(value)]
        spans = sorted({(s["start"], s["end"], s["label"]): s for s in spans}.values(), key=_order)
        if not self.overlap:
            _check_no_overlap(spans)
        return spans

    def validate_for(self, value: Any, row: pd.Series) -> list[Span]:
        """Return :meth:`validate`'s spans after checking them against the item's text.

        Every span lies inside the text and, when the task has ``tokens``, starts and ends on
        token boundaries, as a selection in the widget snaps to them; the item's own
        suggestions are exempt (a model's spans need not follow the tokenizer).

        Raises
        ------
        ValueError
            As :meth:`validate`, or naming the span that goes past the end of the text or
            does not line up with the tokens (with the token-aligned span that covers it).
        """
        spans = self.validate(value)
        text = display_text(row[self.text])
        length = 0 if text is None else len(text)
        for span in spans:
            if span["end"] > length:
                where = "the item has no text" if text is None else f"the text has {length}"
                raise ValueError(
                    f"span {_show(span)} is out of bounds: it ends at {span['end']} but {where} "
                    "characters (offsets count Python code points, as text[start:end])."
                )
        if self.tokens is not None and spans and text is not None:
            self._check_snapped(spans, text, row)
        return spans

    def _check_snapped(self, spans: list[Span], text: str, row: pd.Series) -> None:
        tokens = self.tokenize(text)
        starts, ends = {start for start, _ in tokens}, {end for _, end in tokens}
        loose = [s for s in spans if s["start"] not in starts or s["end"] not in ends]
        if not loose:
            return
        try:
            suggested = {(s["start"], s["end"], s["label"]) for s in self.suggestions(row)}
        except ValueError:
            suggested = set()
        for span in loose:
            if (span["start"], span["end"], span["label"]) in suggested:
                continue
            covering = [(a, b) for a, b in tokens if a < span["end"] and b > span["start"]]
            hint = (
                f"; the tokens it touches span ({covering[0][0]}, {covering[-1][1]})"
                if covering
                else ""
            )
            raise ValueError(
                f"span {_show(span)} {text[span['start']:span['end']]!r} does not line up with "
                f"the task's tokens{hint}; give spans on token boundaries, as the widget does."
            )

    def validate_meta(self, meta: Any) -> dict[str, Any] | None:
        """Check what the span view records about suggestions with an answer.

        ``meta`` is None, or ``{"suggestions": {"source", "spans", "accepted", "edited",
        "rejected", "ignored"}}``: where the suggestions came from (the task's ``suggest``, a
        pre-labeler's ``"prelabel:<name>"`` or the ``"model"``), the suggested spans as
        ``[start, end, label]`` and, by index into them, what became of each.
        """
        if meta in (None, {}):
            return None
        if not isinstance(meta, Mapping) or set(meta) != {"suggestions"}:
            raise ValueError(
                f"span answers carry only {{'suggestions': ...}} details, got {meta!r}."
            )
        report = meta["suggestions"]
        expected = {"source", "spans", "accepted", "edited", "rejected", "ignored"}
        if not isinstance(report, Mapping) or set(report) != expected:
            raise ValueError(f"the suggestions report needs exactly the keys {sorted(expected)}.")
        # Besides the task's own, a view offers a pre-labeler's or the model's suggestion.
        offered = isinstance(report["source"], str) and (
            report["source"] == "model" or report["source"].startswith("prelabel:")
        )
        if self.suggest is None and not offered:
            raise ValueError(
                "this task has no suggestions, yet the answer reports decisions on some."
            )
        if report["source"] != self.suggest_source and not offered:
            raise ValueError(
                f"the suggestions came from {report['source']!r}, but this task suggests from "
                f"{self.suggest_source!r}."
            )
        spans = report["spans"]
        if not isinstance(spans, list):
            raise ValueError("the suggested spans must be a list of [start, end, label].")
        checked = [self._check_span(span, number) for number, span in enumerate(spans)]
        decided: list[int] = []
        for name in ("accepted", "edited", "rejected", "ignored"):
            indexes = report[name]
            if not isinstance(indexes, list) or not all(is_int(i) for i in indexes):
                raise ValueError(f"suggestions {name!r} must be a list of suggestion indexes.")
            decided.extend(indexes)
        if sorted(decided) != list(range(len(checked))):
            raise ValueError(
                "every suggestion must be reported exactly once as accepted, edited, rejected "
                f"or ignored; got indexes {sorted(decided)} for {len(checked)} suggestions."
            )
        decisions = ("accepted", "edited", "rejected", "ignored")
        return {
            "suggestions": {
                "source": report["source"],
                "spans": [[s["start"], s["end"], s["label"]] for s in checked],
                **{name: sorted(report[name]) for name in decisions},
            }
        }

    def tally(self, value: Any) -> list[str]:
        """Return the label of each span of an answer: progress counts spans per label."""
        return [span["label"] for span in value]

    def describe(self, value: Any, row: Any) -> str:
        """Return spans in words: each span's text (from the item's row) and label, in order."""
        if not value:
            return "no spans"
        text = row[self.text] if isinstance(row[self.text], str) else ""
        return ", ".join(
            f"“{text[span['start']:span['end']]}” {span['label']}" for span in value
        )

    # -- per item: tokens and suggestions ------------------------------------------------------
    def tokenize(self, text: str) -> list[tuple[int, int]]:
        """Return the tokens of ``text`` as ``(start, end)`` code-point pairs (empty: no tokens).

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        ValueError
            If a callable tokenizer returns something other than sorted, non-overlapping,
            non-empty ``(start, end)`` pairs inside the text.
        """
        if not isinstance(text, str):
            raise TypeError(
                f"tokenize() takes the item's text as a str, got {type(text).__name__}; a "
                "missing text (None/NaN) has no tokens."
            )
        if self.tokens is None:
            return []
        if self.tokens == "whitespace":
            return whitespace_tokens(text)
        if self.tokens == "words":
            return word_tokens(text)
        tokenizer = _resolve(self.tokens, "tokens")
        return check_tokens(tokenizer(text), len(text))

    def suggestions(self, row: pd.Series) -> list[Span]:
        """Return the suggested spans for one item (a DataFrame row), checked against its text.

        Unlike answers, suggestions may overlap each other even without ``overlap``: the
        annotator picks among them.

        Raises
        ------
        ValueError
            Naming the suggestion that is not a valid span for this item.
        """
        if self.suggest is None:
            return []
        text = display_text(row[self.text]) or ""
        if callable(self.suggest) or self.suggest.startswith(CALLABLE):
            raw = _resolve(self.suggest, "suggest")(text)
        else:
            raw = row[self.suggest]
        if raw is None or (isinstance(raw, float) and raw != raw):
            return []
        if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Iterable):
            raise ValueError(f"suggestions must be a list of spans, got {raw!r}.")
        spans = sorted(
            {
                (s["start"], s["end"], s["label"]): s
                for s in (self._check_span(span, number) for number, span in enumerate(raw))
            }.values(),
            key=_order,
        )
        for span in spans:
            if span["end"] > len(text):
                raise ValueError(
                    f"suggestion {_show(span)} ends past the text ({len(text)} characters)."
                )
        return spans

    def suggestion_problems(self, df: pd.DataFrame) -> list[tuple[Any, str]]:
        """Return the items whose column of suggested spans this task would refuse.

        Suggestions from a function are checked when an item is shown (its note says what
        went wrong), since calling it on every row up front could take long.
        """
        if self.suggest is None or callable(self.suggest) or self.suggest.startswith(CALLABLE):
            return []
        problems = []
        for item, row in zip(df.index, df[[self.text, self.suggest]].itertuples(index=False),
                             strict=True):
            try:
                self.suggestions(pd.Series(row, index=[self.text, self.suggest]))
            except ValueError as error:
                problems.append((item, str(error)))
        return problems

    # -- compatibility and JSON ----------------------------------------------------------------
    def check_compatible(self, stored: Task, used: Collection[str] | None = None) -> list[str]:
        """Like :meth:`Task.check_compatible`; forbidding overlap once allowed is incompatible."""
        added = super().check_compatible(stored, used)
        if isinstance(stored, Spans) and stored.overlap and not self.overlap:
            raise TaskMismatchError(
                "the project was labelled with overlap=True but the task has overlap=False; "
                "stored answers may hold overlapping spans. Keep overlap=True, or pass another "
                "name= or store= to start a separate project."
            )
        return added

    def _params(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "text": self.text,
            "overlap": self.overlap,
            "tokens": _describe(self.tokens),
            "keys": list(self.keys),
            "guidelines": self.guidelines,
            "suggest": _describe(self.suggest),
        }

    def _check_span(self, span: Any, number: int) -> Span:
        if isinstance(span, Mapping):
            extra = set(span) - _SPAN_KEYS
            missing = _SPAN_KEYS - set(span)
            if extra or missing:
                problem = f"unknown keys {sorted(extra)}" if extra else f"no {sorted(missing)}"
                raise ValueError(
                    f"span {number} {dict(span)!r} has {problem}; a span is "
                    "{'start': int, 'end': int, 'label': str} (or a (start, end, label) tuple)."
                )
            start, end, label = span["start"], span["end"], span["label"]
        elif isinstance(span, (list, tuple)) and len(span) == 3:
            start, end, label = span
        else:
            raise ValueError(
                f"span {number} {span!r} is not a span: give {{'start': int, 'end': int, "
                "'label': str}} or a (start, end, label) tuple."
            )
        shown = f"span {number} ({start!r}, {end!r}, {label!r})"
        start, end = check_offset(start, shown), check_offset(end, shown)
        if start < 0:
            raise ValueError(f"{shown} is out of bounds: offsets start at 0.")
        if end == start:
            raise ValueError(f"{shown} is empty: end must be greater than start.")
        if end < start:
            raise ValueError(f"{shown} ends before it starts: end must be greater than start.")
        if not isinstance(label, str) or label not in self.labels:
            raise ValueError(
                f"{shown} has an unknown label {label!r}; allowed: {list(self.labels)}."
            )
        return {"start": start, "end": end, "label": label}


# -- helpers ------------------------------------------------------------------------------------
def _order(span: Span) -> tuple[int, int, str]:
    return span["start"], span["end"], span["label"]


def _show(span: Span) -> str:
    return f"({span['start']}, {span['end']}, {span['label']!r})"


def _check_no_overlap(spans: list[Span]) -> None:
    reach: Span | None = None
    for span in spans:
        if reach is not None and span["start"] < reach["end"]:
            raise ValueError(
                f"spans {_show(reach)} and {_show(span)} overlap, and this task does not allow "
                "overlapping spans; remove one, or create the task with overlap=True."
            )
        if reach is None or span["end"] > reach["end"]:
            reach = span


def _check_tokens(tokens: Any) -> str | Tokenizer | None:
    if tokens is None or callable(tokens):
        return tokens
    if isinstance(tokens, str) and (tokens in TOKENIZERS or tokens.startswith(CALLABLE)):
        return tokens
    raise ValueError(
        f"tokens must be None, one of {list(TOKENIZERS)} or a callable "
        f"text -> [(start, end), ...], got {tokens!r}."
    )


def _check_suggest(suggest: Any, text: str) -> str | Suggester | None:
    if suggest is None or callable(suggest):
        return suggest
    if isinstance(suggest, str) and suggest:
        if suggest == text:
            raise ValueError(
                f"suggest={suggest!r} is the text column; give the column holding the "
                "suggested spans, or a callable text -> spans."
            )
        return suggest
    raise TypeError(
        f"suggest must be a column name (str) or a callable text -> spans, got {suggest!r}."
    )


def _callable_name(function: Callable[..., Any]) -> str:
    module = getattr(function, "__module__", None) or "?"
    name = getattr(function, "__qualname__", None) or type(function).__qualname__
    return f"{CALLABLE}{module}.{name}"


def _describe(option: Any) -> Any:
    return _callable_name(option) if callable(option) else option


def _resolve(option: Any, argument: str) -> Callable[[str], Any]:
    if callable(option):
        return option
    raise ValueError(
        f"this task was read back from JSON: its {argument}= function ({option[len(CALLABLE) :]}) "
        f"is known by name only. Create the task again with {argument}=<the function>."
    )
