"""Error analysis: labels that are probably wrong, and items people (or a model) disagree on.

:func:`label_issues` ranks labeled items by how likely their label is wrong, with confident
learning on out-of-fold probabilities. :func:`disagreements` lists the items where annotators,
or annotators and a model, gave different answers, with who said what. Both return tables whose
``item`` column can be handed to a labeling view as a review queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ._checks import Integer, check_kwargs, offers
from .agreement.data import read_answers
from .learn.features import check_estimator, classification_inputs, resolve_features
from .learn.fit import cross_validate
from .learn.learner import ActiveLearner
from .learn.state import LearnerState
from .task_issues import multilabel_issues, span_issues
from .tasks import Classify, Spans

__all__ = ["confident_learning", "disagreements", "label_issues"]

ISSUE_COLUMNS = ("item", "label", "suggested", "quality", "confidence", "is_issue")


class AnalysedProject(Protocol):
    """What error analysis uses of a project; an :class:`nblabel.Project` offers all of it."""

    df: pd.DataFrame
    task: Any

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table."""

    def labels(self) -> pd.Series:
        """Return each item's current label, aligned to ``df.index``."""


@check_kwargs
def label_issues(
    data: AnalysedProject | pd.DataFrame,
    estimator: Any = None,
    features: Any = None,
    *,
    label: str | None = None,
    classes: Sequence[Any] | None = None,
    proba: np.ndarray | None = None,
    cv: int = 5,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Rank labeled items by how likely their label is wrong (confident learning).

    **Method** (Northcutt, Jiang & Chuang, 2021, "Confident learning: estimating uncertainty in
    dataset labels"). Out-of-fold probabilities ``p`` come from a stratified cross-validation
    of the estimator on the labeled items (scikit-learn, ``cv`` folds, fewer if a class has
    fewer labels). Per class ``j``, the threshold ``t_j`` is the mean of ``p_j`` over the items
    labeled ``j``. The *confident joint* counts, for each given label ``i``, the items whose
    likeliest class among those with ``p_j >= t_j`` is ``j``; it is calibrated so row ``i``
    sums to the number of items labeled ``i``, then normalised into the joint ``Q``. *Prune by
    noise rate*: for each pair ``i ≠ j``, the ``round(n · Q[i, j])`` items labeled ``i`` with the
    largest margin ``p_j - p_i`` are issues, leaving at least one item per label; an item whose
    own label is (one of) its likeliest is never an issue.

    On scikit-learn's digits with 10 % of the labels replaced at random by another digit and a
    logistic regression (5 folds), 94 % of the flagged items are wrong labels (precision) and
    87 % of the wrong labels are flagged (recall); ``tests/test_analysis.py`` checks this.

    Parameters
    ----------
    data : Project or pandas.DataFrame
        A project (its DataFrame, its task's labels and each item's latest label,
        ``proj.labels()``), or a DataFrame with the given labels in column ``label``. A
        multi-label or span project is analysed as :mod:`nblabel.task_issues` describes
        (label sets: an ``issue_labels`` column names the doubtful labels; spans:
        ``estimator`` is a span model, default a CRF).
    estimator : scikit-learn classifier or pipeline, optional
        Default ``LogisticRegression(max_iter=1000)``. Never modified.
    features : optional
        What the model reads, see :func:`nblabel.learn.resolve_features`. Default for a
        project: its task's text column.
    label : str, optional
        For a DataFrame: the column of given labels (NaN rows are unlabeled and ignored).
    classes : sequence, optional
        All labels, in order (default: the task's labels, or the labels present).
    proba : numpy.ndarray, optional
        Out-of-fold probabilities you computed, one row per row of the data and one column per
        class of ``classes`` (rows of unlabeled items are ignored); no model is fitted then.
    cv : int, default 5
        Cross-validation folds (at least 2).
    seed : int, optional
        Seed of the fold assignment.

    Returns
    -------
    pandas.DataFrame
        One row per labeled item, likeliest issues first (issues by ascending quality, then
        the rest): ``item``, ``label`` (given), ``suggested`` (the likeliest class out of fold),
        ``quality`` (out-of-fold probability of the given label), ``confidence`` (probability of
        ``suggested``) and ``is_issue``.

    Examples
    --------
    >>> import nblabel as nl
    >>> df = nl.datasets.load_support_tickets()
    >>> issues = label_issues(df, features="text", label="intent")
    >>> list(issues.columns)
    ['item', 'label', 'suggested', 'quality', 'confidence', 'is_issue']
    """
    if offers(data, AnalysedProject) and isinstance(data.task, Spans):
        return span_issues(data.df, data.task, data.labels(), estimator, Integer(low=2)(
            "cv", cv), seed)
    if offers(data, AnalysedProject) and isinstance(data.task, Classify) and data.task.multi:
        return multilabel_issues(data.df, data.task, data.labels(), estimator, features,
                                 Integer(low=2)("cv", cv), seed, confident_learning)
    frame, given, classes, features = _labeled_data(data, label, classes, features)
    positions = np.flatnonzero(pd.notna(given))
    y = np.asarray(given, dtype=object)[positions]
    unknown = sorted(set(y) - set(classes), key=str)
    if unknown:
        raise ValueError(f"labels {unknown[:5]} are not among the classes {list(classes)}.")
    if len(set(y)) < 2:
        raise ValueError(
            f"label_issues needs labels of at least two classes; got {len(y)} labels of "
            f"{sorted(set(y), key=str)}."
        )
    if proba is None:
        heldout = _out_of_fold(frame, features, estimator, positions, y, classes, cv, seed)
    else:
        heldout = _given_proba(proba, len(frame), len(classes))[positions]
    codes = np.array([classes.index(v) for v in y], dtype=np.intp)
    is_issue = confident_learning(codes, heldout)
    quality = heldout[np.arange(len(y)), codes]
    best = heldout.argmax(axis=1)
    table = pd.DataFrame(
        {
            "item": frame.index[positions],
            "label": y,
            "suggested": np.asarray(classes, dtype=object)[best],
            "quality": quality,
            "confidence": heldout[np.arange(len(y)), best],
            "is_issue": is_issue,
        }
    )
    order = np.lexsort((quality, ~is_issue))
    return table.iloc[order].reset_index(drop=True)


def confident_learning(given: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Return which labels are likely wrong, by confident learning with prune-by-noise-rate.

    The method is described in :func:`label_issues`.

    Parameters
    ----------
    given : numpy.ndarray
        The given label of each item, as a class number ``0 … n_classes - 1``.
    proba : numpy.ndarray
        Out-of-fold probabilities, ``(n_items, n_classes)``.

    Returns
    -------
    numpy.ndarray
        Boolean mask, True for likely label issues.

    Examples
    --------
    >>> given = np.array([0, 0, 0, 1, 1, 1])
    >>> proba = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.1, .9], [.3, .7]])
    >>> confident_learning(given, proba).tolist()
    [False, False, True, False, False, False]
    """
    given = np.asarray(given)
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or given.shape != (proba.shape[0],):
        raise ValueError(
            f"given ({given.shape}) and proba ({proba.shape}) must describe the same items: one "
            "class number per row of proba."
        )
    if len(given) == 0:
        return np.zeros(0, dtype=bool)
    if not np.issubdtype(given.dtype, np.integer) or not 0 <= given.min() <= given.max() < len(
        proba[0]
    ):
        raise ValueError("given must hold class numbers, columns of proba (0 … n_classes - 1).")
    n_items, n_classes = proba.shape
    counts = np.bincount(given, minlength=n_classes)
    thresholds = np.full(n_classes, np.inf)
    present = counts > 0
    sums = np.zeros(n_classes)
    np.add.at(sums, given, proba[np.arange(n_items), given])
    thresholds[present] = sums[present] / counts[present]
    confident = proba >= thresholds
    candidates = np.where(confident, proba, -np.inf)
    assigned = candidates.argmax(axis=1)
    counted = confident.any(axis=1)
    joint = np.zeros((n_classes, n_classes))
    np.add.at(joint, (given[counted], assigned[counted]), 1)
    totals = joint.sum(axis=1, keepdims=True)
    calibrated = np.divide(joint, totals, out=np.zeros_like(joint), where=totals > 0)
    calibrated *= counts[:, None]
    joint_q = calibrated / max(calibrated.sum(), 1e-12)
    issues = np.zeros(n_items, dtype=bool)
    for i in np.flatnonzero(present):
        members = np.flatnonzero(given == i)
        budget = counts[i] - 1  # keep at least one item per label
        for j in range(n_classes):
            take = min(int(round(n_items * joint_q[i, j])), budget)
            if j == i or take <= 0:
                continue
            margin = proba[members, j] - proba[members, i]
            flagged = members[np.argsort(-margin, kind="stable")[:take]]
            budget -= int((~issues[flagged]).sum())
            issues[flagged] = True
    issues &= proba[np.arange(n_items), given] < proba.max(axis=1)
    return issues


@check_kwargs
def disagreements(data: AnalysedProject | pd.DataFrame, model: Any = None) -> pd.DataFrame:
    """List the items where annotators, or annotators and a model, gave different answers.

    Parameters
    ----------
    data : Project or pandas.DataFrame
        A project, or answers as :mod:`nblabel.agreement` reads them: a tidy table (``item``,
        ``annotator``, ``value``), a project's event log (each annotator's current answer is
        used) or a wide items × annotators frame.
    model : optional
        A model's suggestions to compare with: an :class:`~nblabel.learn.ActiveLearner` or its
        :class:`~nblabel.learn.LearnerState`, a Series of suggested labels indexed by item, or
        a DataFrame indexed by item with a ``suggestion`` column (and optionally
        ``confidence``, e.g. ``state.predictions()``).

    Returns
    -------
    pandas.DataFrame
        One row per item with different answers (or, with a model, where the model's
        suggestion differs from an answer), most disputed first: ``item``, ``answers``
        (``{annotator: answer}``: who said what), ``n_answers``, ``n_values`` (distinct
        answers), ``majority`` (the most frequent answer; None on a tie) and ``agreement``
        (share of answers equal to the most frequent one); with a model also ``model`` (its
        suggestion), ``model_confidence`` and ``model_agrees`` (whether the suggestion equals
        ``majority``). Sorted by ``agreement`` (lowest first), then more answers first, then
        more confident model first.

    Examples
    --------
    >>> answers = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
    ...                         "value": ["pos", "neg", "pos", "pos"]})
    >>> disagreements(answers)[["item", "answers", "agreement"]].to_dict("records")
    [{'item': 1, 'answers': {'ana': 'pos', 'ben': 'neg'}, 'agreement': 0.5}]
    """
    annotations = data.annotations if offers(data, AnalysedProject) else data
    answers = read_answers(annotations).to_frame()
    suggestions = None if model is None else _suggestions(model)
    item_code, items = pd.factorize(answers["item"])
    row_keys = answers["value"].map(_hashable).to_numpy(dtype=object)
    value_code, _ = pd.factorize(pd.Series(row_keys, dtype=object))
    first_row = np.zeros(value_code.max() + 1, dtype=np.intp)
    first_row[value_code[::-1]] = np.arange(len(value_code))[::-1]
    n_answers = np.bincount(item_code, minlength=len(items))
    pairs = pd.DataFrame({"item": item_code, "value": value_code})
    counts = pairs.groupby(["item", "value"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["item", "n"], ascending=[True, False], kind="stable")
    n_values = np.bincount(counts["item"], minlength=len(items))
    ranked = counts.groupby("item", sort=True)
    top = ranked["n"].nth(0).to_numpy()
    top_value = ranked["value"].nth(0).to_numpy()
    second = np.zeros(len(items), dtype=np.int64)
    runner_up = ranked["n"].nth(1)
    second[counts.loc[runner_up.index, "item"].to_numpy()] = runner_up.to_numpy()
    tie = second == top
    disputed = n_values > 1
    if suggestions is not None:
        suggested = suggestions.reindex(items)
        suggested_key = suggested["suggestion"].map(_hashable).to_numpy()
        known = suggested["suggestion"].notna().to_numpy()
        differs = row_keys != suggested_key[item_code]
        differs &= known[item_code]
        disputed |= np.bincount(item_code, weights=differs, minlength=len(items)) > 0
    chosen = np.flatnonzero(disputed)
    table = pd.DataFrame(
        {
            "item": items.take(chosen),
            "answers": _who_said_what(answers, item_code, chosen),
            "n_answers": n_answers[chosen],
            "n_values": n_values[chosen],
            "majority": pd.Series(
                [None if tie[i] else answers["value"].iloc[first_row[top_value[i]]]
                 for i in chosen],
                dtype=object,
            ),
            "agreement": top[chosen] / n_answers[chosen],
        }
    )
    sort_keys = [table["agreement"].to_numpy(), -table["n_answers"].to_numpy()]
    if suggestions is not None:
        model_key = suggested_key[chosen]
        table["model"] = pd.Series(suggested["suggestion"].to_numpy()[chosen], dtype=object)
        table["model_confidence"] = suggested["confidence"].to_numpy(dtype=float)[chosen]
        majority_key = row_keys[first_row[top_value[chosen]]]
        agrees = np.array([a == b for a, b in zip(model_key, majority_key, strict=True)], bool)
        table["model_agrees"] = np.where(
            tie[chosen] | ~known[chosen], None, agrees.astype(object)
        )
        sort_keys.append(-np.nan_to_num(table["model_confidence"].to_numpy(), nan=-1.0))
    order = np.lexsort(tuple(reversed(sort_keys)))
    return table.iloc[order].reset_index(drop=True)


def _who_said_what(
    answers: pd.DataFrame, item_code: np.ndarray, chosen: np.ndarray
) -> list[dict[Any, Any]]:
    """Return ``{annotator: answer}`` for each chosen item code, in the answers' row order."""
    slot = np.full(item_code.max() + 1 if len(item_code) else 0, -1)
    slot[chosen] = np.arange(len(chosen))
    said: list[dict[Any, Any]] = [{} for _ in chosen]
    rows = np.flatnonzero(slot[item_code] >= 0)
    for row, annotator, value in zip(
        rows, answers["annotator"].to_numpy()[rows], answers["value"].to_numpy()[rows],
        strict=True,
    ):
        said[slot[item_code[row]]][annotator] = value
    return said


# -- helpers -----------------------------------------------------------------------------------
def _labeled_data(
    data: Any, label: str | None, classes: Sequence[Any] | None, features: Any
) -> tuple[pd.DataFrame, np.ndarray, list[Any], Any]:
    if offers(data, AnalysedProject):
        if label is not None:
            raise ValueError("label= is for a DataFrame; a project's labels are proj.labels().")
        labels, features = classification_inputs(data.task, features, "label_issues()")
        given = data.labels().to_numpy(dtype=object)
        return data.df, given, list(classes or labels), features
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data must be a Project or a pandas DataFrame, got {type(data).__name__}."
        )
    if not isinstance(label, str) or label not in data.columns:
        raise ValueError(
            f"label= must name the column of given labels; {label!r} is not one of "
            f"{[str(c) for c in data.columns]}."
        )
    given = data[label].to_numpy(dtype=object)
    if classes is None:
        classes = sorted(set(given[pd.notna(given)]), key=str)
    return data, given, list(classes), features


def _out_of_fold(
    frame: pd.DataFrame, features: Any, estimator: Any, positions: np.ndarray, y: np.ndarray,
    classes: list[Any], cv: int, seed: int | None,
) -> np.ndarray:
    if features is None:
        raise ValueError(
            "features= must say what the model reads (a column, a list of columns or a matrix), "
            "or pass proba= with out-of-fold probabilities you computed."
        )
    if estimator is None:
        from sklearn.linear_model import LogisticRegression

        estimator = LogisticRegression(max_iter=1000)
    check_estimator(estimator)
    cv = Integer(low=2, what="a number of folds >= 2")("cv", cv)
    resolved = resolve_features(frame, features)
    scored = cross_validate(
        resolved.wrap(estimator), resolved, positions, y, tuple(classes), cv, seed
    )
    if scored.note is not None:
        raise ValueError(f"cannot compute out-of-fold probabilities: {scored.note}.")
    return scored.proba


def _given_proba(proba: Any, n_rows: int, n_classes: int) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    if proba.shape != (n_rows, n_classes):
        raise ValueError(
            f"proba= must have one row per row of the data and one column per class, shape "
            f"({n_rows}, {n_classes}); got {proba.shape}."
        )
    return proba


def _suggestions(model: Any) -> pd.DataFrame:
    if isinstance(model, ActiveLearner):
        model = model.state
    if isinstance(model, LearnerState):
        if not model.has_model:
            raise ValueError(f"the learner has no model yet: {model.message}")
        model = model.predictions()
    if isinstance(model, pd.Series):
        model = model.to_frame("suggestion")
    if not isinstance(model, pd.DataFrame) or "suggestion" not in model.columns:
        raise TypeError(
            "model= must be an ActiveLearner, a LearnerState, a Series of suggested labels "
            "indexed by item, or a DataFrame indexed by item with a 'suggestion' column."
        )
    confidence = model["confidence"] if "confidence" in model.columns else np.nan
    table = pd.DataFrame({"suggestion": model["suggestion"], "confidence": confidence})
    if not table.index.is_unique:
        raise ValueError("model= has repeated items in its index; give one suggestion per item.")
    return table


def _hashable(value: Any) -> Any:
    """Return a comparable form of an answer: label sets and spans ignore order, rankings not."""
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, np.ndarray)):
        parts = [_hashable(v) for v in value]
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in value):
            return tuple(parts)  # a ranking: groups in order
        return tuple(sorted(parts, key=repr))  # a label set or a list of spans
    return value
