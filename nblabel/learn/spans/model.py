"""Span models: the small interface a model of spans offers, and a CRF that implements it.

Any object with these three methods plugs into :class:`~nblabel.learn.SpanLearner`,
``proj.learn`` on a :class:`~nblabel.Spans` task and :func:`~nblabel.learn.simulate`
(:class:`SpanModel` spells it out). The learner never fits the object it is given: each retrain
fits a copy (``sklearn.base.clone`` when it has ``get_params``, else ``copy.deepcopy``).
:class:`CRFSpanModel` is a linear-chain conditional random field (``sklearn-crfsuite``) over
BIO tags of the tokens.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator

from ..._checks import Integer, Number, OneOf
from .bio import Token, Tokenizer, to_spans, to_tags, tokenizer

#: Per-document uncertainty measures of :class:`CRFSpanModel`.
MEASURES = ("token", "entropy", "sequence")


class SpanModel(Protocol):
    r"""What a span model offers the loop: fit on answers, predict spans, say how unsure it is.

    Offsets are Python code points (``text[start:end]``). A span is ``{"start", "end",
    "label"}``; a predicted span also has ``"confidence"``, a number in [0, 1].

    Examples
    --------
    A rule-based "model" that finds capitalised words, to show the shape:

    >>> import re
    >>> class Capitals:
    ...     def fit(self, texts, spans):
    ...         return self
    ...     def predict(self, texts):
    ...         return [[{"start": m.start(), "end": m.end(), "label": "PER", "confidence": 0.6}
    ...                  for m in re.finditer(r"[A-Z]\w+", text)] for text in texts]
    ...     def uncertainty(self, texts):
    ...         return np.full(len(texts), 0.4)
    >>> Capitals().predict(["Ana met Ben"])[0][1]
    {'start': 8, 'end': 11, 'label': 'PER', 'confidence': 0.6}
    """

    def fit(self, texts: list[str], spans: list[list[dict[str, Any]]]) -> Any:
        """Learn from labeled documents: ``spans[i]`` are the spans of ``texts[i]``."""

    def predict(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        """Return the spans of each text, each with a ``"confidence"`` in [0, 1]."""

    def uncertainty(self, texts: list[str]) -> np.ndarray:
        """Return one number in [0, 1] per text: 0 sure of its spans, 1 not at all."""


class CRFSpanModel(BaseEstimator):
    """A linear-chain CRF over BIO tags (``sklearn-crfsuite``), with marginals for confidences.

    Each token is described by the usual features of a CRF tagger: the word in lower case, its
    first and last characters, its shape (``Xxxx``, ``dd``) and case, and the words around it.
    Predicted spans carry the smallest marginal probability of their tokens' tags.

    Parameters
    ----------
    tokens : {None, "words", "whitespace"} or callable, optional
        How texts are cut into tokens (a span model tags whole tokens). None: ``"words"``
        tokens with Chinese and Japanese characters one by one
        (:func:`~nblabel.learn.spans.bio.model_tokens`). ``proj.learn`` passes the task's
        ``tokens`` when it has them, so suggestions snap as the widget does.
    measure : {"token", "entropy", "sequence"}, default "token"
        What :meth:`uncertainty` returns per document: ``"token"``, one minus the smallest
        top marginal of any token (the least sure token decides); ``"entropy"``, the mean
        entropy of the tokens' marginals, divided by the log of the number of tags;
        ``"sequence"``, one minus the probability of the best tag sequence.
    c1, c2 : float, default 0.05
        L1 and L2 regularisation of the CRF's L-BFGS training.
    max_iterations : int, default 100
        Iterations of L-BFGS.

    Examples
    --------
    >>> model = CRFSpanModel()
    >>> texts = ["Ana lives in Lima", "Ben lives in Oslo"] * 5
    >>> spans = [[(0, 3, "PER"), (13, 17, "LOC")]] * 2 * 5
    >>> model.fit(texts, [[{"start": a, "end": b, "label": c} for a, b, c in s]
    ...                   for s in spans]).predict(["Eva lives in Rome"])[0][0]["label"]
    'PER'
    """

    def __init__(
        self,
        tokens: str | Tokenizer | None = None,
        measure: str = "token",
        c1: float = 0.05,
        c2: float = 0.05,
        max_iterations: int = 100,
    ) -> None:
        self.tokens = tokens
        self.measure = measure
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations

    def fit(self, texts: Sequence[str], spans: Sequence[Sequence[Any]]) -> CRFSpanModel:
        """Fit the CRF on labeled texts; ``spans[i]`` are the spans of ``texts[i]``."""
        crf_type = _crf_class()
        OneOf(MEASURES)("measure", self.measure)
        split = tokenizer(self.tokens)
        X, y = [], []
        for text, answer in zip(texts, spans, strict=True):
            tokens = split(text)
            X.append(token_features(text, tokens))
            y.append(to_tags(tokens, answer))
        crf = crf_type(
            algorithm="lbfgs",
            c1=Number(0)("c1", self.c1),
            c2=Number(0)("c2", self.c2),
            max_iterations=Integer(low=1)("max_iterations", self.max_iterations),
            all_possible_transitions=True,
        )
        crf.fit(X, y)
        self.crf_ = crf
        self.tags_ = tuple(crf.tagger_.labels())
        return self

    def predict(self, texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        """Return each text's spans, each with its ``confidence`` (smallest tag marginal)."""
        return [spans for spans, _ in self._tag(texts, None)]

    def uncertainty(self, texts: Sequence[str], measure: str | None = None) -> np.ndarray:
        """Return each text's uncertainty in [0, 1] (``measure``: default the model's)."""
        measure = OneOf(MEASURES)("measure", measure or self.measure)
        return np.array([value for _, value in self._tag(texts, measure)], dtype=float)

    def _tag(self, texts: Sequence[str], measure: str | None) -> list[tuple[list[Any], float]]:
        split = tokenizer(self.tokens)
        tagger, tags = self.crf_.tagger_, self.tags_
        out: list[tuple[list[Any], float]] = []
        for text in texts:
            tokens = split(text)
            if not tokens:
                out.append(([], 0.0))
                continue
            tagger.set(token_features(text, tokens))
            best = tagger.tag()
            marginals = np.array(
                [[tagger.marginal(tag, t) for tag in tags] for t in range(len(tokens))]
            )
            sure = marginals[np.arange(len(tokens)), [tags.index(tag) for tag in best]]
            value = 0.0 if measure is None else _measure(measure, marginals, tagger, best)
            out.append((to_spans(tokens, best, sure), value))
        return out


def _measure(measure: str, marginals: np.ndarray, tagger: Any, best: list[str]) -> float:
    """Return one document's uncertainty from its token marginals (or best sequence)."""
    if measure == "token":
        return float(1.0 - marginals.max(axis=1).min())
    if measure == "sequence":
        return float(1.0 - tagger.probability(best))
    if marginals.shape[1] < 2:
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(marginals > 0, marginals * np.log(marginals), 0.0).sum(axis=1)
    return float(np.clip(entropy.mean() / math.log(marginals.shape[1]), 0.0, 1.0))


def token_features(text: str, tokens: Sequence[Token]) -> list[dict[str, Any]]:
    """Return the CRF features of each token of ``text`` (its own and its neighbours')."""
    words = [_clean(text[a:b]) for a, b in tokens]
    rows: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        lower = word.lower()
        row: dict[str, Any] = {
            "bias": 1.0,
            "w": lower,
            "pre2": lower[:2],
            "suf3": lower[-3:],
            "suf2": lower[-2:],
            "shape": _shape(word),
            "title": word.istitle(),
            "upper": word.isupper(),
            "digit": word.isdigit(),
            "alpha": word.isalpha(),
        }
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(words):
                row[f"{offset}:w"] = words[j].lower()
                if abs(offset) == 1:
                    row[f"{offset}:title"] = words[j].istitle()
                    row[f"{offset}:shape"] = _shape(words[j])
            elif abs(offset) == 1:
                row["BOS" if offset < 0 else "EOS"] = True
        rows.append(row)
    return rows


def _shape(word: str) -> str:
    """Return ``Xxxx``-style shape with runs longer than two shortened (``Xxx`` for "Lima")."""
    shape = []
    for ch in word:
        kind = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if len(shape) >= 2 and shape[-1] == kind and shape[-2] == kind:
            continue
        shape.append(kind)
    return "".join(shape)


def _clean(word: str) -> str:
    """Return ``word`` encodable as UTF-8 (a lone surrogate becomes an escape)."""
    return word.encode("utf-8", "backslashreplace").decode("utf-8")


def _crf_class() -> type:
    try:
        from sklearn_crfsuite import CRF
    except ImportError:  # an optional dependency
        raise ImportError(
            "CRFSpanModel needs sklearn-crfsuite: pip install 'nblabel[ner]' (or pass your own "
            "span model, see nblabel.learn.SpanModel)."
        ) from None
    return CRF

