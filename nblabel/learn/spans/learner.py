"""Spans in the loop: a span model learned in the background, suggesting spans with confidences."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..._checks import check_kwargs
from ..._items import check_frame
from ..._payload import display_text
from ...tasks import Spans
from ..learner import check_cv
from ..state import LearnerState, cold_state, frozen, label_array
from ..strategies import order_by_score
from ..worker import BackgroundLearner, object_array
from .fit import check_model, cross_validate, fit, plain, predict, uncertainty
from .model import CRFSpanModel
from .strategies import SpanStrategy, check_scores, get_span_strategy


@dataclass(frozen=True, eq=False)
class SpanState(LearnerState):
    """A :class:`~nblabel.learn.LearnerState` of a span model.

    ``proba`` is None; instead ``predicted`` holds each row's suggested spans, each with its
    ``confidence``, and ``uncertainty`` the model's per-document uncertainty in [0, 1].
    ``labels`` holds each labeled row's spans as ``(start, end, label)`` tuples; ``heldout``
    is None and ``heldout_spans`` holds the out-of-fold spans of the labeled rows. ``accuracy``
    is the share of documents whose spans are all right, ``f1`` the micro span F1 (exact
    start, end and label), both cross-validated.
    """

    predicted: np.ndarray | None = None
    uncertainty: np.ndarray | None = None
    heldout_spans: np.ndarray | None = None

    @property
    def has_model(self) -> bool:
        """Whether a model's predictions are available."""
        return self.predicted is not None

    def suggestion(self, item: Any) -> tuple[list[dict[str, Any]], float] | None:
        """Return the model's ``(spans with confidences, 1 - uncertainty)`` for ``item``."""
        if self.predicted is None:
            return None
        pos = self._position(item)
        return list(self.predicted[pos]), float(1.0 - self.uncertainty[pos])

    def offer(self, pos: int) -> dict[str, Any] | None:
        """Return the suggested spans for row ``pos`` as a view shows them.

        ``value`` is an answer the task accepts (spans without confidences), ``confidence``
        is ``1 - uncertainty`` of the document, ``confidences`` those of each span and
        ``version`` the model's.
        """
        if self.predicted is None:
            return None
        spans = self.predicted[pos]
        return {
            "value": plain(spans),
            "confidence": float(1.0 - self.uncertainty[pos]),
            "confidences": [s["confidence"] for s in spans],
            "source": "model",
            "version": self.version,
        }

    def predictions(self) -> pd.DataFrame:
        """Return one row per item: the suggested spans and how sure the model is.

        Returns
        -------
        pandas.DataFrame
            Indexed by item: ``label`` (the spans trained with, as dicts; None if
            unlabeled), ``suggestion`` (the suggested spans, each with ``confidence``),
            ``confidence`` (``1 - uncertainty``), ``uncertainty``, ``score`` (the strategy's;
            NaN on labeled rows) and ``heldout`` (the out-of-fold spans of labeled rows).
        """
        n_items = len(self.items)
        labels = [None if v is None else [_as_dict(s) for s in v] for v in self.labels]
        frame = pd.DataFrame({"label": labels}, index=self.items)
        if self.predicted is None:
            frame["suggestion"] = np.full(n_items, None, dtype=object)
            frame["uncertainty"] = np.nan
        else:
            frame["suggestion"] = list(self.predicted)
            frame["uncertainty"] = self.uncertainty
        frame["confidence"] = 1.0 - frame["uncertainty"]
        frame = frame[["label", "suggestion", "confidence", "uncertainty"]]
        frame["score"] = np.nan if self.scores is None else self.scores
        frame["heldout"] = (
            np.full(n_items, None, dtype=object) if self.heldout_spans is None
            else list(self.heldout_spans)
        )
        return frame


class SpanLearner(BackgroundLearner):
    """A span model that learns from answers in the background and suggests spans.

    Works like :class:`~nblabel.learn.ActiveLearner` (background retraining in one worker
    thread, coalesced requests, cold start, failures kept apart, :attr:`history`,
    :meth:`next_items`), for span answers. Each retrain fits a copy of ``model`` on the labeled
    documents, predicts every document's spans (made into answers the task accepts: inside the
    text, on token boundaries when the task snaps to tokens, without overlaps when it forbids
    them), scores the unlabeled ones with the strategy and cross-validates. The state is a
    :class:`SpanState`.

    **Cold start.** Until two documents are labeled and one of them has a span, items come in a
    random order fixed by ``seed``.

    Parameters
    ----------
    model : SpanModel, optional
        Anything with ``fit(texts, spans)``, ``predict(texts)`` and ``uncertainty(texts)`` (see
        :class:`~nblabel.learn.SpanModel`). Default: a :class:`~nblabel.learn.CRFSpanModel` on
        the task's tokens (needs ``sklearn-crfsuite``: ``pip install 'nblabel[ner]'``).
    df : pandas.DataFrame
        The items.
    task : Spans
        The span task: its text column, labels, tokens and overlap rule.
    strategy : str, SpanStrategy or callable, default "uncertainty"
        How documents are ranked, see :func:`~nblabel.learn.get_span_strategy`. With the CRF,
        "uncertainty" is its least sure token; replaying 120 labels of a synthetic entity
        corpus (5 seeds) it reached a higher span F1 than random sampling from 40 labels on
        and on 4 seeds of 5, not before (with 10–30 labels it did no better).
    retrain_every : int, default 10
        Request a retrain after this many label changes.
    seed : int, optional
        Seed of the cold-start order, tie-breaks and CV folds.
    cv : int, default 5
        Shuffled folds of the cross-validation after each retrain (at most one per two
        labeled documents; 0 turns it off). It fits the model ``cv`` more times.

    Examples
    --------
    >>> import nblabel as nl
    >>> task = nl.Spans(["PER", "LOC"], text="sentence", tokens="words")  # doctest: +SKIP
    >>> learner = SpanLearner(None, df, task, seed=0)  # doctest: +SKIP
    >>> learner.set_label(0, [{"start": 0, "end": 3, "label": "PER"}])  # doctest: +SKIP
    """

    @check_kwargs
    def __init__(
        self,
        model: Any,
        df: pd.DataFrame,
        task: Spans,
        *,
        strategy: str | SpanStrategy | Callable[..., Any] = "uncertainty",
        retrain_every: int = 10,
        seed: int | None = None,
        cv: int = 5,
    ) -> None:
        check_frame(df)
        if not isinstance(task, Spans):
            raise TypeError(f"task must be an nl.Spans task, got {task!r}.")
        task.check_frame(df)
        if model is None:
            model = default_model(task)
        check_model(model)
        self.model = model
        self.df = df
        self.task = task
        self.strategy = get_span_strategy(strategy)
        self.strategy.check(model)
        self.cv = check_cv(cv)
        self._texts = [display_text(text) or "" for text in df[task.text]]
        self._start(df, retrain_every, seed)

    def __repr__(self) -> str:
        return (
            f"<nblabel.SpanLearner {type(self.model).__name__}, strategy="
            f"{self.strategy.name!r}: {self.state.message}>"
        )

    def _check_label(self, label: Any) -> tuple[tuple[int, int, str], ...] | None:
        if label is None or (isinstance(label, float) and label != label):
            return None
        spans = self.task.validate(label)
        return tuple((s["start"], s["end"], s["label"]) for s in spans)

    def _can_fit(self, labels: Iterable[Any]) -> bool:
        answers = list(labels)
        return len(answers) >= 2 and any(answers)

    def _cold_state(self, labels: dict[int, Any], previous: LearnerState | None) -> LearnerState:
        n = len(labels)
        start = "Cold start: no labels yet." if not n else (
            f"Cold start: {n} document{'s' if n != 1 else ''} labeled so far."
        )
        message = (
            f"{start} Items come in random order until two documents are labeled and one has a "
            "span; then a model suggests spans."
        )
        return cold_state(
            self._items, labels, tuple(self.task.labels), 0, self._cold_order,
            0 if previous is None else previous.version, message, SpanState,
        )

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        started = time.perf_counter()
        rng = self._rng(attempt)
        texts = [self._texts[pos] for pos in positions]
        model = fit(self.model, texts, list(y))
        predicted = predict(model, self.task, self._texts)
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[positions] = True
        pool = np.flatnonzero(~labeled)
        doubt = uncertainty(model, self._texts)
        scores = np.full(len(self._items), np.nan)
        order = pool
        if len(pool):
            pool_texts = [self._texts[pos] for pos in pool]
            pool_scores = check_scores(
                np.asarray(self.strategy.score(model, pool_texts, [predicted[p] for p in pool]),
                           dtype=float),
                len(pool), self.strategy,
            )
            scores[pool] = pool_scores
            order = pool[order_by_score(pool_scores, rng)]
        scored = cross_validate(self.model, self.task, texts, list(y), self.cv, self.seed)
        heldout = None
        if scored.predicted is not None:
            heldout = np.full(len(self._items), None, dtype=object)
            heldout[positions] = object_array(scored.predicted)
        seconds = time.perf_counter() - started
        version = previous.version + 1
        if np.isnan(scored.f1):
            quality = f" (no cross-validated score: {scored.note})."
        else:
            quality = (
                f"; cross-validated span F1 {scored.f1:.2f}, documents all right "
                f"{scored.accuracy:.2f}."
            )
        return SpanState(
            status="ready",
            message=(
                f"Model v{version} trained on {len(y)} documents in {seconds:.1f} s{quality}"
            ),
            version=version,
            n_labels=len(y),
            classes=tuple(self.task.labels),
            items=self._items,
            labels=frozen(label_array(len(self._items), positions, y)),
            proba=None,
            scores=frozen(scores),
            order=frozen(order),
            accuracy=scored.accuracy,
            f1=scored.f1,
            folds=scored.folds,
            note=scored.note,
            fit_seconds=seconds,
            trained_at=pd.Timestamp.now(tz="UTC"),
            predicted=frozen(object_array(predicted)),
            uncertainty=frozen(doubt),
            heldout_spans=frozen(heldout),
        )


def default_model(task: Spans) -> CRFSpanModel:
    """Return the default span model of ``task``: a CRF on its tokens (or the model's own)."""
    tokens = task.tokens
    if isinstance(tokens, str) and tokens not in ("words", "whitespace"):
        tokens = None  # a tokenizer known by name only (a task read back from JSON)
    return CRFSpanModel(tokens=tokens)


def _as_dict(span: tuple[int, int, str]) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "label": span[2]}
