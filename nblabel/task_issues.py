"""Label issues of label sets and spans: the answers a model trained on the others doubts most.

:func:`nblabel.analysis.label_issues` hands a multi-label or span project to these functions.
Both compute out-of-fold predictions (the model never judges an item it was trained on):

* **label sets**: confident learning (see :func:`nblabel.analysis.confident_learning`) on each
  label as a yes/no question, from the out-of-fold probability that the label applies; an item
  is an issue when any of its labels is, and ``issue_labels`` names them.
* **spans**: a document is an issue when the model, trained on the other documents, predicts a
  span the annotator did not mark, at least as confidently as it predicts the spans it gets
  right of that label on average (its per-label threshold, in the spirit of confident
  learning); ``quality`` is the span F1 between the answer and the out-of-fold spans.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._payload import display_text
from .learn.features import check_estimator, resolve_features, task_features
from .learn.multilabel.fit import cross_validate as multilabel_cross_validate
from .learn.multilabel.fit import indicator, label_sets, set_confidence, wrap
from .learn.spans.fit import check_model, keys, span_scores
from .learn.spans.fit import cross_validate as span_cross_validate
from .learn.spans.learner import default_model
from .tasks import Spans

#: Columns of the tables, beyond those of single-label issues.
ISSUE_LABELS = "issue_labels"


def multilabel_issues(
    df: pd.DataFrame, task: Any, given: pd.Series, estimator: Any, features: Any, cv: int,
    seed: int | None, confident_learning: Any,
) -> pd.DataFrame:
    """Return the label issues of a multi-label project (see the module's description)."""
    positions = np.flatnonzero(given.notna().to_numpy())
    sets = [tuple(task.validate(value)) for value in given.iloc[positions]]
    labels = tuple(task.labels)
    matrix = indicator(sets, labels)
    if estimator is None:
        from sklearn.linear_model import LogisticRegression

        estimator = LogisticRegression(max_iter=1000)
    check_estimator(estimator)
    resolved = resolve_features(df, task_features(task, features))
    scored = multilabel_cross_validate(wrap(estimator, resolved), resolved, positions, matrix,
                                       cv, seed)
    if scored.note is not None:
        raise ValueError(f"cannot compute out-of-fold probabilities: {scored.note}.")
    proba = scored.proba
    flagged = np.zeros(matrix.shape, dtype=bool)
    for k in range(len(labels)):
        if 0 < matrix[:, k].sum() < len(matrix):
            two = np.column_stack([1.0 - proba[:, k], proba[:, k]])
            flagged[:, k] = confident_learning(matrix[:, k], two)
    own = np.where(matrix == 1, proba, 1.0 - proba)
    quality = own.min(axis=1)
    names = np.asarray(labels, dtype=object)
    table = pd.DataFrame(
        {
            "item": df.index[positions],
            "label": [list(s) for s in sets],
            "suggested": label_sets(proba, labels),
            "quality": quality,
            "confidence": set_confidence(proba),
            "is_issue": flagged.any(axis=1),
            ISSUE_LABELS: [list(names[row]) for row in flagged],
        }
    )
    return _ranked(table)


def span_issues(
    df: pd.DataFrame, task: Spans, given: pd.Series, model: Any, cv: int, seed: int | None
) -> pd.DataFrame:
    """Return the label issues of a span project (see the module's description)."""
    positions = np.flatnonzero(given.notna().to_numpy())
    answers = [
        tuple((s["start"], s["end"], s["label"]) for s in task.validate(value))
        for value in given.iloc[positions]
    ]
    model = default_model(task) if model is None else model
    check_model(model)
    texts = [display_text(df[task.text].iloc[pos]) or "" for pos in positions]
    scored = span_cross_validate(model, task, texts, answers, cv, seed)
    if scored.predicted is None:
        raise ValueError(f"cannot compute out-of-fold spans: {scored.note}.")
    right: dict[str, list[float]] = {}
    for truth, guess in zip(answers, scored.predicted, strict=True):
        for span in guess:
            if (span["start"], span["end"], span["label"]) in truth:
                right.setdefault(span["label"], []).append(span["confidence"])
    threshold = {label: float(np.mean(values)) for label, values in right.items()}
    confidence, is_issue, quality = [], [], []
    for truth, guess in zip(answers, scored.predicted, strict=True):
        extra = [
            s["confidence"] for s in guess
            if (s["start"], s["end"], s["label"]) not in truth
            and s["confidence"] >= threshold.get(s["label"], np.inf)
        ]
        confidence.append(max(extra) if extra else np.nan)
        is_issue.append(bool(extra))
        quality.append(span_scores([truth], [keys(guess)])[1])
    table = pd.DataFrame(
        {
            "item": df.index[positions],
            "label": [[{"start": a, "end": b, "label": c} for a, b, c in s] for s in answers],
            "suggested": scored.predicted,
            "quality": quality,
            "confidence": confidence,
            "is_issue": is_issue,
        }
    )
    return _ranked(table)


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Issues first, by ascending quality; then the rest, by ascending quality."""
    order = np.lexsort((table["quality"].to_numpy(), ~table["is_issue"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)
