"""The Dawid–Skene (1979) model: consensus labels weighed by each annotator's confusion matrix.

Expectation–maximisation learns each annotator's confusion matrix and the class priors, so
reliable annotators count for more and systematic confusions are undone.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Number, check, check_kwargs
from ..agreement.data import Answers, read_answers, value_counts
from ..agreement.values import code_values

#: Pseudo-count added to every cell of every confusion matrix (and to the class counts), so an
#: answer never seen for a class has a small probability instead of zero.
SMOOTHING = 0.01


class ConvergenceWarning(UserWarning):
    """Dawid–Skene stopped at ``max_iter`` before the log-likelihood settled within ``tol``."""


@dataclass(frozen=True)
class _Model:
    """The fitted Dawid–Skene parameters behind a :class:`DawidSkeneResult`."""

    posteriors: pd.DataFrame
    confusion: pd.DataFrame
    accuracy: pd.Series
    priors: pd.Series
    n_iter: int
    converged: bool
    log_likelihood: float


class DawidSkeneResult(pd.DataFrame):
    """Consensus labels from the Dawid–Skene model: a DataFrame, plus the fitted model.

    The frame is indexed by item (in order of first appearance) with the columns of
    :func:`majority_vote` (``value``: the most probable class; ``confidence``: its posterior
    probability; ``n``: the item's answers), then one ``p_<class>`` column per class: its
    posterior probability (``f"p_{class}"``; ``f"p_{class!r}"`` if two classes would share a
    name). Use it as any DataFrame: ``result["value"]``, ``result.loc[item]``, ``result.to_csv()``.

    The fitted model is available as attributes of the object :func:`dawid_skene` returned.
    Frames derived from it (a selection, a copy, arithmetic) are plain DataFrames without them.

    Attributes
    ----------
    labels : pandas.DataFrame
        ``value``, ``confidence`` and ``n`` only: exactly the shape of :func:`majority_vote`.
    posteriors : pandas.DataFrame
        Items × classes (columns named by the classes themselves): the posterior probability of
        each true class (rows sum to 1).
    confusion : pandas.DataFrame
        Rows indexed by (annotator, true class), columns the answer given: the estimated
        probability that the annotator answers the column's label when the row's class is true
        (each row sums to 1). ``result.confusion.loc["ana"]`` is ana's matrix.
    accuracy : pandas.Series
        Per annotator: the estimated probability of answering the true class,
        ``Σ_k prior_k * confusion[k, k]``.
    priors : pandas.Series
        The estimated share of each class.
    n_iter : int
        Expectation–maximisation iterations run.
    converged : bool
        Whether the log-likelihood settled (relative change below ``tol``) before ``max_iter``.
    log_likelihood : float
        The log-likelihood of the answers under the fitted model.
    """

    _metadata = ["_model"]  # kept when pickled
    _model: _Model | None = None

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        # Derived frames are plain DataFrames: the model describes this table only.
        return pd.DataFrame

    def _fitted(self) -> _Model:
        if self._model is None:
            raise AttributeError(
                "this DawidSkeneResult has no fitted model; get one from "
                "nblabel.consensus.dawid_skene(df)."
            )
        return self._model

    @property
    def labels(self) -> pd.DataFrame:
        """``value``, ``confidence`` and ``n`` per item, as :func:`majority_vote` returns."""
        return pd.DataFrame(self[["value", "confidence", "n"]])

    @property
    def posteriors(self) -> pd.DataFrame:
        """Items × classes: the posterior probability of each true class."""
        return self._fitted().posteriors

    @property
    def confusion(self) -> pd.DataFrame:
        """(annotator, true class) × answer: each annotator's estimated confusion matrix."""
        return self._fitted().confusion

    @property
    def accuracy(self) -> pd.Series:
        """Per annotator: the estimated probability of answering the true class."""
        return self._fitted().accuracy

    @property
    def priors(self) -> pd.Series:
        """The estimated share of each class."""
        return self._fitted().priors

    @property
    def n_iter(self) -> int:
        """Expectation–maximisation iterations run."""
        return self._fitted().n_iter

    @property
    def converged(self) -> bool:
        """Whether the log-likelihood settled within ``tol`` before ``max_iter``."""
        return self._fitted().converged

    @property
    def log_likelihood(self) -> float:
        """The log-likelihood of the answers under the fitted model."""
        return self._fitted().log_likelihood


def _posterior_columns(categories: list[Any]) -> list[str]:
    """Name the posterior column of each class ``p_<class>`` (``p_<repr>`` on a clash)."""
    names = [f"p_{c}" for c in categories]
    if len(set(names)) < len(names):
        names = [f"p_{c!r}" for c in categories]
    return names


@check_kwargs
def dawid_skene(
    df: pd.DataFrame,
    max_iter: int = 100,
    tol: float = 1e-6,
    seed: int | np.random.Generator | None = None,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> DawidSkeneResult:
    """Estimate true labels and annotator confusion matrices (Dawid & Skene 1979).

    Expectation–maximisation from majority-vote posteriors (each item's vote shares): the
    M-step estimates class priors and each annotator's confusion matrix from the posteriors
    (with a pseudo-count of ``SMOOTHING`` per cell), the E-step recomputes each item's posterior
    over true classes from its answers. Classes are the labels observed, in label order (a
    categorical's order, else the frame's ``attrs["labels"]``, e.g. a project's task labels,
    else sorted).

    Parameters
    ----------
    df : pandas.DataFrame
        Answers (single labels), tidy or wide.
    max_iter : int
        Maximum number of iterations; a :class:`ConvergenceWarning` is issued if reached.
    tol : float
        Stop when an iteration changes the log-likelihood by less than ``tol`` times its size.
    seed : int or numpy.random.Generator, optional
        Breaks exact ties between the most probable classes at random.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    DawidSkeneResult
        A :class:`pandas.DataFrame` indexed by item, shaped like :func:`majority_vote`'s:
        ``value`` (the most probable class), ``confidence`` (its posterior probability) and
        ``n`` (the item's answers), followed by one ``p_<class>`` posterior column per class.
        The fitted model is available as attributes: ``.accuracy`` (per annotator),
        ``.confusion`` (per-annotator confusion matrices), ``.posteriors`` (items × classes),
        ``.priors``, ``.n_iter``, ``.converged``, ``.log_likelihood``, and ``.labels`` (just
        ``value``, ``confidence``, ``n``). Frames derived from the result (selections, copies)
        are plain DataFrames without these attributes.

    Notes
    -----
    The model assumes annotators answer independently given the true class. Annotators who
    copy one another's *arbitrary* answers break that assumption and can be trusted too much
    (their agreement looks like skill); a pair with near-perfect pairwise agreement
    (:func:`nblabel.agreement.pairwise`) and an estimated accuracy near 1 deserves a look.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2, 2], "annotator": ["ana", "ben", "cy"] * 2,
    ...                    "value": ["pos", "pos", "neg", "neg", "neg", "neg"]})
    >>> result = dawid_skene(df)
    >>> result["value"].tolist()
    ['pos', 'neg']
    >>> list(result.columns)
    ['value', 'confidence', 'n', 'p_neg', 'p_pos']
    >>> result.accuracy.round(2).to_dict()
    {'ana': 0.99, 'ben': 0.99, 'cy': 0.5}
    """
    max_iter = check("max_iter", max_iter)
    tol = Number(0, low_open=True)("tol", tol)
    answers = read_answers(df, item, annotator, value)
    coded = code_values(answers, sets=False, caller="dawid_skene")
    code, categories = coded.code, coded.categories
    used = np.bincount(code, minlength=coded.n_categories) > 0
    if not used.all():  # a class no one answered (e.g. an unused label of the task) is left out
        code = (np.cumsum(used) - 1)[code]
        categories = [c for c, seen in zip(categories, used, strict=True) if seen]
    fit = _EM(answers, code, len(categories))
    n_iter, change = 0, np.inf
    while n_iter < max_iter and change > tol:
        previous = fit.log_likelihood
        fit.step()
        n_iter += 1
        change = abs(fit.log_likelihood - previous) / max(abs(fit.log_likelihood), 1e-300)
    converged = change <= tol
    if not converged:
        warnings.warn(
            f"dawid_skene did not converge in {max_iter} iterations (last relative change of "
            f"the log-likelihood {change:.2g} > tol={tol}); raise max_iter= or tol=.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return fit.result(answers, categories, n_iter, converged, seed)


class _EM:
    """Expectation–maximisation state for the Dawid–Skene model."""

    def __init__(self, answers: Answers, code: np.ndarray, k: int) -> None:
        self.k = k
        self.n_items, self.n_annotators = len(answers.items), len(answers.annotators)
        by_item = np.argsort(answers.item, kind="stable")  # sorted gathers are cache-friendly
        self.item = answers.item[by_item]
        self.code = code[by_item]
        self.key = answers.annotator[by_item] * k + self.code  # (annotator, answer given)
        u, c, count = value_counts(self.item, self.code, self.n_items, k)
        votes = np.zeros((self.n_items, k))
        votes[u, c] = count
        self.posterior = votes / votes.sum(axis=1, keepdims=True)
        self.log_likelihood = -np.inf
        self._maximise()

    def _maximise(self) -> None:
        k, cells = self.k, self.n_annotators * self.k
        by_class = self.posterior.T.copy()
        counts = np.stack(
            [np.bincount(self.key, by_class[j][self.item], minlength=cells) for j in range(k)]
        )  # true class × (annotator, answer)
        counts = counts.reshape(k, self.n_annotators, k).transpose(1, 0, 2) + SMOOTHING
        self.confusion = counts / counts.sum(axis=2, keepdims=True)
        classes = self.posterior.sum(axis=0) + SMOOTHING
        self.priors = classes / classes.sum()

    def step(self) -> None:
        """Run one E-step (posteriors, log-likelihood) and one M-step (parameters)."""
        log_confusion = np.log(self.confusion).transpose(1, 0, 2).reshape(self.k, -1)
        log_joint = np.stack(
            [
                np.bincount(self.item, log_confusion[j][self.key], minlength=self.n_items)
                for j in range(self.k)
            ],
            axis=1,
        ) + np.log(self.priors)
        top = log_joint.max(axis=1, keepdims=True)
        joint = np.exp(log_joint - top)
        total = joint.sum(axis=1, keepdims=True)
        self.posterior = joint / total
        self.log_likelihood = float((np.log(total) + top).sum())
        self._maximise()

    def result(
        self,
        answers: Answers,
        categories: list[Any],
        n_iter: int,
        converged: bool,
        seed: int | np.random.Generator | None,
    ) -> DawidSkeneResult:
        """Package the fitted model."""
        classes = pd.Index(categories, dtype=object, name="class")
        best = self.posterior.max(axis=1)
        leading = self.posterior >= best[:, None]
        noise = np.random.default_rng(seed).random(self.posterior.shape)
        chosen = np.argmax(np.where(leading, 1 + noise, 0), axis=1)
        values = np.empty(self.k, dtype=object)
        values[:] = categories
        table = pd.DataFrame(
            {
                "value": values[chosen],
                "confidence": best,
                "n": np.bincount(self.item, minlength=self.n_items).astype(np.int64),
            },
            index=answers.items,
        )
        posteriors = pd.DataFrame(self.posterior, index=answers.items, columns=classes)
        table[_posterior_columns(categories)] = self.posterior
        rows = pd.MultiIndex.from_product(
            [answers.annotators, classes], names=[answers.annotators.name, "true"]
        )
        confusion = pd.DataFrame(
            self.confusion.reshape(-1, self.k),
            index=rows,
            columns=pd.Index(categories, dtype=object, name="answer"),
        )
        accuracy = np.einsum("k,akk->a", self.priors, self.confusion)
        result = DawidSkeneResult(table)
        object.__setattr__(
            result,
            "_model",
            _Model(
                posteriors=posteriors,
                confusion=confusion,
                accuracy=pd.Series(accuracy, index=answers.annotators, name="accuracy"),
                priors=pd.Series(self.priors, index=classes, name="prior"),
                n_iter=n_iter,
                converged=converged,
                log_likelihood=self.log_likelihood,
            ),
        )
        return result
