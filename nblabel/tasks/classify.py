"""Classification: one label per item, or several with ``multi=True``."""

from __future__ import annotations

import pathlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from .._checks import Boolean, check_kwargs, is_number
from ._base import Task, TaskMismatchError, check_column_name, check_fields


class Classify(Task):
    """Ask for one label per item (or several, with ``multi=True``).

    Parameters
    ----------
    labels : sequence of str
        The labels to choose from, in display order. Non-empty, unique strings.
    text : str, optional
        Column holding the text to show (whitespace and newlines are kept).
    image : str, optional
        Column holding images: local file paths, raw bytes or PIL images.
    fields : list of str or dict, optional
        Columns shown together as labelled fields; a dict maps the name shown to the column.
    multi : bool, default False
        Multi-label: keys toggle labels and Enter submits; answers are sorted lists of labels.
    keys : sequence of str or dict, optional
        One single-character key per label (or ``{label: key}``). Defaults to 1–9, then
        letters; keys used for navigation (u, s, c, g, ?, /, space) cannot be bound.
    guidelines : str, pathlib.Path or Guideline, optional
        Markdown guideline shown (collapsible) in the widget; its content hash versions every
        answer.
    suggest : str, optional
        Column of pre-labels (e.g. from an LLM or a rule): shown as a suggestion that Enter
        accepts; each answer records the suggestion and whether it was accepted. A missing
        pre-label offers none; one that is not an answer of the task is an error when the
        project is built (see :meth:`suggestion_problems`).
    suggest_confidence : str, optional
        Column with each pre-label's confidence (0–1), shown beside it.

    Examples
    --------
    >>> import nblabel as nl
    >>> task = nl.Classify(["pos", "neg"], text="review")
    >>> task.validate("pos")
    'pos'
    """

    kind = "classify"

    @check_kwargs
    def __init__(
        self,
        labels: Sequence[str],
        text: str | None = None,
        image: str | None = None,
        fields: Sequence[str] | Mapping[str, str] | None = None,
        multi: bool = False,
        keys: Sequence[str] | Mapping[str, str] | None = None,
        guidelines: str | pathlib.Path | None = None,
        suggest: str | None = None,
        suggest_confidence: str | None = None,
    ) -> None:
        self._set_labels(labels, keys)
        self.text = check_column_name(text, "text")
        self.image = check_column_name(image, "image")
        self.fields = check_fields(fields)
        if self.text is None and self.image is None and not self.fields:
            raise ValueError(
                "Classify needs something to show: pass text='column', image='column' "
                "or fields=['col_a', 'col_b']."
            )
        self.multi = Boolean()("multi", multi)
        self._set_guidelines(guidelines)
        self.suggest = check_column_name(suggest, "suggest")
        self.suggest_confidence = check_column_name(suggest_confidence, "suggest_confidence")
        if self.suggest_confidence is not None and self.suggest is None:
            raise ValueError("suggest_confidence= needs suggest='column of pre-labels' too.")

    def columns(self) -> list[str]:
        """Return the DataFrame columns this task reads, in display order."""
        shown = [self.text, self.image, *self.fields.values()]
        read = [*shown, self.suggest, self.suggest_confidence]
        return list(dict.fromkeys(col for col in read if col is not None))

    def suggestion(self, row: Any) -> dict[str, Any] | None:
        """Return the pre-label of ``row`` (``{"value", "confidence"}``), or None.

        None when the task has no ``suggest`` column, or the row's pre-label is missing or is
        not a valid answer.
        """
        if self.suggest is None:
            return None
        value = row[self.suggest]
        if not isinstance(value, (list, tuple)) and _missing(value):
            return None
        try:
            value = self.validate(value)
        except ValueError:
            return None
        confidence = None
        if self.suggest_confidence is not None:
            raw = row[self.suggest_confidence]
            if not _missing(raw):
                confidence = float(raw)
        return {"value": value, "confidence": confidence}

    def suggestion_problems(self, df: Any) -> list[tuple[Any, str]]:
        """Return the pre-labels that are not answers, and confidences outside [0, 1]."""
        if self.suggest is None:
            return []
        problems = []
        for item, value in df[self.suggest].items():
            if isinstance(value, list | tuple) or not _missing(value):
                try:
                    self.validate(value)
                except ValueError as error:
                    problems.append((item, str(error)))
        if self.suggest_confidence is not None:
            for item, raw in df[self.suggest_confidence].items():
                if _missing(raw):
                    continue
                if not is_number(raw) or not 0 <= raw <= 1:
                    problems.append(
                        (item, f"confidence must be a number between 0 and 1, got {raw!r}")
                    )
        return problems

    def validate_meta(self, meta: Any) -> dict[str, Any] | None:
        """Accept ``{"suggestion": answer, "accepted": bool}`` recorded when one was shown."""
        if meta in (None, {}):
            return None
        if not isinstance(meta, Mapping) or set(meta) != {"suggestion", "accepted"}:
            raise ValueError(
                f"classification answers carry {{'suggestion', 'accepted'}} details, got {meta!r}."
            )
        if not isinstance(meta["accepted"], bool):
            raise ValueError(f"'accepted' must be true or false, got {meta['accepted']!r}.")
        return {"suggestion": self.validate(meta["suggestion"]), "accepted": meta["accepted"]}

    def validate_meta_for(self, meta: Any, value: Any) -> dict[str, Any] | None:
        """Return the suggestion details checked alone and against the (validated) answer.

        ``accepted`` must say whether the answer is the suggestion, so acceptance rates
        measured from the log (e.g. to study anchoring) are true.
        """
        checked = self.validate_meta(meta)
        if checked is not None and checked["accepted"] != (checked["suggestion"] == value):
            raise ValueError(
                f"'accepted' is {checked['accepted']} but the answer {value!r} "
                f"{'differs from' if checked['accepted'] else 'is'} the suggestion "
                f"{checked['suggestion']!r}; accepted must be true exactly when they are equal."
            )
        return checked

    def validate(self, value: Any) -> str | list[str]:
        """Return the answer normalised (multi-label: a sorted list without duplicates).

        Raises
        ------
        ValueError
            If ``value`` is not one of the labels (or, for multi-label, not a list of them).
        """
        if self.multi:
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise ValueError(
                    f"{value!r} is not a multi-label answer: give a list of labels from "
                    f"{list(self.labels)} (an empty list means none applies)."
                )
            chosen = [self._check_label(v) for v in value]
            return sorted(set(chosen))
        return self._check_label(value)

    def _check_label(self, value: Any) -> str:
        if isinstance(value, str) and value in self.labels:
            return str(value)
        raise ValueError(f"{value!r} is not a label of this task; allowed: {list(self.labels)}.")

    def check_compatible(self, stored: Task, used: Collection[str] | None = None) -> list[str]:
        """Like :meth:`Task.check_compatible`; switching ``multi`` is also incompatible."""
        added = super().check_compatible(stored, used)
        if isinstance(stored, Classify) and stored.multi != self.multi:
            raise TaskMismatchError(
                f"the project was labelled with multi={stored.multi} but the task has "
                f"multi={self.multi}; stored answers have the other shape. Pass another name= "
                "or store= to start a separate project."
            )
        return added

    def _params(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "text": self.text,
            "image": self.image,
            "fields": dict(self.fields),
            "multi": self.multi,
            "keys": list(self.keys),
            "guidelines": self.guidelines,
            "suggest": self.suggest,
            "suggest_confidence": self.suggest_confidence,
        }


def _missing(value: Any) -> bool:
    try:
        return bool(value is None or value != value)  # NaN is the only value not equal to itself
    except (TypeError, ValueError):
        return False
