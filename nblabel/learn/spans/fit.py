"""One span round: copy and fit a span model, turn its predictions into answers, score them.

Predictions become answers the task accepts before anyone sees them: offsets inside the text,
labels of the task, spans widened to whole tokens when the task snaps to tokens (as a selection
in the widget does), duplicates merged and, when the task forbids overlaps, overlapping spans
resolved in favour of the more confident.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold

from ..._checks import is_int, is_number, offers
from .model import SpanModel

SpanKey = tuple[int, int, str]


def check_model(model: Any) -> None:
    """Raise ``TypeError`` unless ``model`` offers ``fit``, ``predict`` and ``uncertainty``."""
    if isinstance(model, type):
        raise TypeError(
            f"the span model must be an instance, got the class {model.__name__}; call it, "
            f"e.g. {model.__name__}()."
        )
    if not offers(model, SpanModel):
        raise TypeError(
            f"{type(model).__name__} is not a span model: it needs fit(texts, spans), "
            "predict(texts) -> spans with confidences and uncertainty(texts) -> numbers "
            "(see nblabel.learn.SpanModel), e.g. nblabel.learn.CRFSpanModel()."
        )


def fresh(model: Any) -> Any:
    """Return an unfitted copy of ``model`` (``clone`` for estimators, else a deep copy)."""
    return clone(model) if hasattr(model, "get_params") else copy.deepcopy(model)


def fit(model: Any, texts: list[str], answers: Sequence[Sequence[SpanKey]]) -> Any:
    """Fit a copy of ``model`` on ``texts`` and their spans (as ``(start, end, label)``)."""
    fitted = fresh(model)
    fitted.fit(texts, [[_as_dict(span) for span in spans] for spans in answers])
    return fitted


def predict(model: Any, task: Any, texts: list[str]) -> list[list[dict[str, Any]]]:
    """Return the model's spans for ``texts`` as answers of ``task``, with their confidence."""
    predicted = model.predict(texts)
    if len(predicted) != len(texts):
        raise ValueError(
            f"the span model predicted {len(predicted)} lists of spans for {len(texts)} texts."
        )
    return [normalise(task, text, spans) for text, spans in zip(texts, predicted, strict=True)]


def uncertainty(model: Any, texts: list[str]) -> np.ndarray:
    """Return the model's uncertainty of each text, checked: numbers in [0, 1]."""
    values = np.asarray(model.uncertainty(texts), dtype=float)
    if values.shape != (len(texts),) or not ((values >= 0) & (values <= 1)).all():
        raise ValueError(
            f"the span model's uncertainty(texts) must give one number in [0, 1] per text "
            f"({len(texts)}), got an array of shape {values.shape} (min "
            f"{np.nanmin(values) if values.size else 'n/a'})."
        )
    return values


def normalise(task: Any, text: str, spans: Any) -> list[dict[str, Any]]:
    """Return ``spans`` as an answer of ``task`` for ``text``, each with its ``confidence``."""
    tokens = task.tokenize(text) if task.tokens is not None else None
    best: dict[SpanKey, float] = {}
    for span in spans:
        start, end, label, confidence = _read(span, task.labels)
        start, end = max(start, 0), min(end, len(text))
        if tokens is not None:
            covered = [(a, b) for a, b in tokens if a < end and b > start]
            if not covered:
                continue
            start, end = covered[0][0], covered[-1][1]
        if start < end:
            key = (start, end, label)
            best[key] = max(best.get(key, 0.0), confidence)
    kept = sorted(best, key=lambda key: (-best[key], key))
    if not task.overlap:
        chosen: list[SpanKey] = []
        for key in kept:
            if all(key[1] <= other[0] or other[1] <= key[0] for other in chosen):
                chosen.append(key)
        kept = chosen
    return [
        {"start": a, "end": b, "label": label, "confidence": best[(a, b, label)]}
        for a, b, label in sorted(kept)
    ]


def plain(spans: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return spans without their confidence: an answer as the task stores it."""
    return [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in spans]


def keys(spans: Sequence[Any]) -> set[SpanKey]:
    """Return spans (dicts or tuples) as a set of ``(start, end, label)``."""
    return {
        (s["start"], s["end"], s["label"]) if isinstance(s, dict) else tuple(s) for s in spans
    }


def span_scores(truth: Sequence[Any], predicted: Sequence[Any]) -> tuple[float, float]:
    """Return the share of documents whose spans are exactly right and the micro span F1.

    A predicted span counts when its start, end and label are all right.
    """
    right = hits = wrong = 0
    for true, guess in zip(truth, predicted, strict=True):
        t, g = keys(true), keys(guess)
        right += t == g
        hits += len(t & g)
        wrong += len(t ^ g)
    documents = len(truth)
    f1 = 2 * hits / (2 * hits + wrong) if hits + wrong else 1.0
    return (right / documents if documents else float("nan")), float(f1)


@dataclass(frozen=True)
class SpanScores:
    """Out-of-fold predictions on the labeled documents and the scores they give."""

    predicted: list[list[dict[str, Any]]] | None
    accuracy: float
    f1: float
    folds: int
    note: str | None


def cross_validate(
    model: Any, task: Any, texts: list[str], answers: Sequence[Sequence[SpanKey]], cv: int,
    seed: int | None,
) -> SpanScores:
    """Cross-validate with shuffled folds (at most one per two documents)."""
    if cv < 2:
        return SpanScores(None, np.nan, np.nan, 0, "cross-validation is off (cv=0)")
    folds = min(cv, len(texts) // 2)
    if folds < 2:
        return SpanScores(None, np.nan, np.nan, 0,
                          "cross-validation needs at least four labeled documents")
    predicted: list[list[dict[str, Any]]] = [[] for _ in texts]
    try:
        for train, test in KFold(folds, shuffle=True, random_state=seed).split(texts):
            fitted = fit(model, [texts[i] for i in train], [answers[i] for i in train])
            for i, spans in zip(test, predict(fitted, task, [texts[i] for i in test]),
                                strict=True):
                predicted[i] = spans
    except Exception as error:  # the user's model may raise anything
        return SpanScores(None, np.nan, np.nan, 0,
                          f"cross-validation failed: {type(error).__name__}: {error}")
    accuracy, f1 = span_scores(answers, predicted)
    return SpanScores(predicted, accuracy, f1, folds, None)


def _as_dict(span: SpanKey) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "label": span[2]}


def _read(span: Any, labels: Sequence[str]) -> tuple[int, int, str, float]:
    """Return a predicted span's parts, or raise saying what is wrong with it."""
    try:
        start, end, label, confidence = (span[k] for k in ("start", "end", "label",
                                                          "confidence"))
    except (KeyError, TypeError, IndexError):
        raise ValueError(
            f"the span model predicted {span!r}; a predicted span is {{'start': int, 'end': "
            "int, 'label': str, 'confidence': float in [0, 1]}."
        ) from None
    if not (is_int(start) and is_int(end)) or label not in labels:
        raise ValueError(
            f"the span model predicted {span!r}: offsets must be ints and the label one of "
            f"{list(labels)}."
        )
    if not is_number(confidence) or not 0 <= confidence <= 1:
        raise ValueError(f"the span model predicted {span!r}: confidence must be in [0, 1].")
    return int(start), int(end), label, float(confidence)
