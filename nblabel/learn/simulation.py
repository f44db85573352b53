"""Replaying labeling against known answers, to compare query strategies before anyone labels."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from .._checks import Integer, Number, check, check_kwargs
from .._items import check_frame
from .._progress import ProgressBar, ProgressCallback
from ..tasks import Classify, Spans
from .features import check_estimator, classification_inputs, resolve_features
from .fit import committee_proba, fit, order_pool, predict_proba
from .multilabel.replay import multilabel_setup
from .replay import Replay, ReplaySetup, known_answers
from .spans.replay import span_setup
from .strategies import Committee, Random, Strategy, get_strategy

CURVE_COLUMNS = ("strategy", "repeat", "n_labels", "accuracy", "f1", "seconds")


@check_kwargs
def simulate(
    df: pd.DataFrame,
    task: Any,
    estimator: Any = None,
    features: Any = None,
    *,
    oracle: str,
    strategies: Sequence[Any] | Mapping[str, Any] | None = None,
    budget: int = 100,
    repeats: int = 3,
    seed: int = 0,
    batch_size: int = 10,
    initial: int = 10,
    test_size: float = 0.25,
    progress: bool | ProgressCallback = True,
) -> pd.DataFrame:
    """Replay labeling with a known-answer column and record each strategy's learning curve.

    **Protocol.** For each repeat, the rows are split into a pool and a held-out test set
    (``test_size``; stratified by the oracle's labels for single-label classification). The
    same ``initial`` random pool items start every strategy of that repeat (a paired
    comparison). Then, until ``budget`` labels: fit a clone of the model on the labeled items,
    score the test set, rank the rest of the pool with the strategy and "label" the first
    ``batch_size`` items with the oracle's answers. Retraining is synchronous. While the labels
    cannot be fitted (one class so far) items are drawn at random.

    What is scored depends on the task: single-label classification, accuracy and macro-F1 over
    the classes in the test set (a constant model, the one label seen, before two classes are
    labeled); multi-label classification (``Classify(..., multi=True)``), subset accuracy and
    macro-F1 over labels (see :class:`~nblabel.learn.MultiLabelLearner`); spans, exact-match
    span F1 (micro) as ``f1`` and the share of documents whose spans are all right as
    ``accuracy`` (see :class:`~nblabel.learn.SpanLearner`).

    Parameters
    ----------
    df : pandas.DataFrame
        The items, with the known answers in column ``oracle``.
    task : Classify or Spans
        The task; the oracle's answers must be valid answers of it.
    estimator : optional
        Classification: a scikit-learn classifier or pipeline (``fit`` and ``predict_proba``;
        never modified). Spans: a span model (:class:`~nblabel.learn.SpanModel`; default
        :class:`~nblabel.learn.CRFSpanModel`).
    features : optional
        What a classifier reads, see :func:`nblabel.learn.resolve_features` (default: the
        task's text column). Span models read the task's text.
    oracle : str
        Column with the known answer of every row.
    strategies : list or dict, optional
        Strategies to compare (names, :class:`Strategy` objects or functions), or ``{name:
        strategy}`` to choose the names in the result. Default: ``["random", "entropy"]``
        (single-label), ``["random", "cardinality"]`` (multi-label), ``["random",
        "uncertainty"]`` (spans).
    budget : int, default 100
        Labels per run, the initial ones included.
    repeats : int, default 3
        Runs per strategy, each with its own split and initial items.
    seed : int, default 0
        Makes the whole simulation reproducible.
    batch_size : int, default 10
        Items labeled between two retrains.
    initial : int, default 10
        Random items labeled before the first retrain.
    test_size : float, default 0.25
        Share of rows held out for evaluation.
    progress : bool or callable, default True
        Show progress (a ``tqdm`` bar if tqdm is installed, else a line on stderr), or a
        function ``f(done, total)`` called after every retrain.

    Returns
    -------
    pandas.DataFrame
        The learning curves, tidy: one row per retrain with ``strategy``, ``repeat``,
        ``n_labels``, ``accuracy``, ``f1`` and ``seconds`` (time to fit, score and rank). Plot
        with :func:`nblabel.charts.learning_curve`; summarise with :func:`curve_area`.

    Examples
    --------
    >>> import nblabel as nl
    >>> from sklearn.linear_model import LogisticRegression
    >>> df = nl.datasets.load_support_tickets()
    >>> task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
    >>> curves = simulate(df, task, LogisticRegression(max_iter=1000), oracle="intent",
    ...                   budget=40, repeats=1, progress=False)
    >>> curves.groupby("strategy")["n_labels"].max().tolist()
    [40, 40]
    """
    check_frame(df)
    setup = _setup(df, task, estimator, features, oracle)
    named = _check_strategies(setup.defaults if strategies is None else strategies,
                              setup.strategy)
    budget = Integer(low=1)("budget", budget)
    repeats = Integer(low=1)("repeats", repeats)
    batch_size = check("batch_size", batch_size)
    initial = Integer(low=1)("initial", initial)
    seed = Integer(low=0)("seed", seed)
    test_size = Number(
        0, 1, low_open=True, high_open=True, what="a fraction between 0 and 1"
    )("test_size", test_size)
    n_test = math.ceil(test_size * len(df))
    if initial > budget:
        raise ValueError(f"initial={initial} is more than budget={budget}.")
    if budget > len(df) - n_test:
        raise ValueError(
            f"budget={budget} is more than the {len(df) - n_test} pool rows left after holding "
            f"out test_size={test_size}; lower budget or test_size."
        )
    rounds = 1 + math.ceil((budget - initial) / batch_size)
    rows: list[tuple[Any, ...]] = []
    with ProgressBar(progress, repeats * len(named) * rounds, "simulate", "fit") as step:
        for repeat in range(repeats):
            train, test = _split(len(df), setup.stratify, test_size, seed, repeat)
            start = np.random.default_rng([seed, repeat]).choice(train, initial, replace=False)
            for index, (name, strategy) in enumerate(named):
                run = setup.replay(train, test, strategy,
                                   np.random.default_rng([seed, repeat, index]))
                for n_labels, accuracy, f1, seconds in run.curve(start, budget, batch_size, step):
                    rows.append((name, repeat, n_labels, accuracy, f1, seconds))
    return pd.DataFrame(rows, columns=list(CURVE_COLUMNS))


def _setup(df: pd.DataFrame, task: Any, estimator: Any, features: Any, oracle: Any
           ) -> ReplaySetup:
    """Return what replaying labeling needs for ``task``'s kind."""
    if isinstance(task, Spans):
        if features is not None:
            raise ValueError("features= is for classifiers; a span model reads the task's text.")
        return span_setup(df, task, estimator, oracle)
    if isinstance(task, Classify) and task.multi:
        return multilabel_setup(df, task, estimator, features, oracle)
    check_estimator(estimator)
    classes, features = classification_inputs(task, features, "simulate()")
    y_all = _oracle_labels(df, oracle, classes)
    resolved = resolve_features(df, features)
    template = resolved.wrap(estimator)

    def replay(
        train: np.ndarray, test: np.ndarray, strategy: Strategy, rng: np.random.Generator
    ) -> Replay:
        return _ClassifyReplay(template, resolved, classes, y_all, train, test, strategy, rng)

    counts = pd.Series(y_all).value_counts()
    return ReplaySetup(
        y_all if counts.min() >= 2 else None, get_strategy, ("random", "entropy"), replay
    )


class _ClassifyReplay(Replay):
    """One strategy's single-label labeling run within one repeat."""

    def __init__(
        self, template: Any, features: Any, classes: tuple[str, ...], y_all: np.ndarray,
        train: np.ndarray, test: np.ndarray, strategy: Strategy, rng: np.random.Generator,
    ) -> None:
        super().__init__(train, test, rng)
        self.template, self.features, self.classes = template, features, classes
        self.y_all, self.strategy = y_all, strategy
        self.test_labels = sorted(set(y_all[test]))

    def fit(self, labeled: np.ndarray) -> Any:
        """Return the fitted model, or None while fewer than two classes are labeled."""
        if len(set(self.y_all[labeled])) < 2:
            return None
        return fit(self.template, self.features, labeled, self.y_all[labeled])

    def evaluate(self, model: Any, labeled: np.ndarray) -> tuple[float, float]:
        """Return accuracy and macro-F1 (classes in the test set); a constant without a model."""
        if model is None:
            predicted = np.full(len(self.test), self.y_all[labeled[0]], dtype=object)
        else:
            proba = predict_proba(model, self.features, self.test, self.classes)
            predicted = np.asarray(self.classes, dtype=object)[proba.argmax(axis=1)]
        truth = self.y_all[self.test]
        return (
            float(accuracy_score(truth, predicted)),
            float(f1_score(truth, predicted, average="macro", labels=self.test_labels,
                           zero_division=0)),
        )

    def choose(self, model: Any, labeled: np.ndarray, take: int) -> np.ndarray:
        """Return the strategy's first ``take`` pool rows (random without a model)."""
        pool = self.pool(labeled)
        if model is None or isinstance(self.strategy, Random):
            return self.rng.permutation(pool)[:take]
        y = self.y_all[labeled]
        if isinstance(self.strategy, Committee):
            proba = committee_proba(
                self.strategy, self.template, self.features, labeled, y, pool, self.classes,
                self.rng,
            )
        else:
            proba = predict_proba(model, self.features, pool, self.classes)
        order, _ = order_pool(
            self.strategy, proba, pool, take, self.rng, model, self.features, labeled
        )
        return order[:take]


def curve_area(curves: pd.DataFrame, metric: str = "accuracy") -> pd.DataFrame:
    """Return the normalised area under each learning curve: the mean score over the budget.

    The trapezoidal area of ``metric`` over ``n_labels``, divided by the range of
    ``n_labels``: 1.0 would be a perfect score from the first label on. Higher is better;
    compare strategies by their mean over repeats.

    Parameters
    ----------
    curves : pandas.DataFrame
        Output of :func:`simulate` (columns ``strategy``, ``repeat``, ``n_labels`` and the
        metric).
    metric : str, default "accuracy"
        The column to integrate (e.g. ``"f1"``).

    Returns
    -------
    pandas.DataFrame
        One row per strategy and repeat: ``strategy``, ``repeat``, ``area``.

    Examples
    --------
    >>> curves = pd.DataFrame({"strategy": "random", "repeat": 0, "n_labels": [10, 20, 30],
    ...                        "accuracy": [0.5, 0.7, 0.8]})
    >>> curve_area(curves)["area"].round(3).tolist()
    [0.675]
    """
    if not isinstance(curves, pd.DataFrame):
        raise TypeError(f"curves must be the DataFrame simulate() returns, got {type(curves)}.")
    needed = ["strategy", "repeat", "n_labels", metric]
    missing = [c for c in needed if c not in curves.columns]
    if missing:
        raise ValueError(
            f"curves has no column(s) {missing}; pass the DataFrame simulate() returns "
            f"(metric is one of its score columns, e.g. 'accuracy' or 'f1')."
        )
    rows = []
    for (strategy, repeat), run in curves.groupby(["strategy", "repeat"], sort=False):
        run = run.sort_values("n_labels")
        x = run["n_labels"].to_numpy(dtype=float)
        values = run[metric].to_numpy(dtype=float)
        span = x[-1] - x[0]
        trapezoids = np.diff(x) * (values[1:] + values[:-1]) / 2
        area = values[0] if span == 0 else trapezoids.sum() / span
        rows.append((strategy, repeat, float(area)))
    return pd.DataFrame(rows, columns=["strategy", "repeat", "area"])


# -- checks ------------------------------------------------------------------------------------
def _oracle_labels(df: pd.DataFrame, oracle: Any, classes: tuple[str, ...]) -> np.ndarray:
    answers = known_answers(df, oracle)
    unknown = sorted(set(answers) - set(classes), key=str)
    if unknown:
        raise ValueError(
            f"oracle column {oracle!r} holds {unknown[:5]}, which are not labels of the task "
            f"{list(classes)}."
        )
    return answers.to_numpy(dtype=object)


def _check_strategies(
    strategies: Any, get: Callable[[Any], Strategy]
) -> list[tuple[str, Strategy]]:
    if isinstance(strategies, (str, Strategy)) or callable(strategies):
        strategies = [strategies]
    if isinstance(strategies, Mapping):
        named = [(str(name), get(s)) for name, s in strategies.items()]
    elif isinstance(strategies, Sequence):
        named = [(get(s).name, get(s)) for s in strategies]
    else:
        raise TypeError(
            "strategies= must be a list of strategies or a {name: strategy} dict, got "
            f"{type(strategies).__name__}."
        )
    if not named:
        raise ValueError("strategies= is empty; give at least one, e.g. ['random', 'entropy'].")
    names = [name for name, _ in named]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(
            f"strategies {dupes} appear twice; pass a {{name: strategy}} dict to name them apart."
        )
    return named


def _split(
    n_rows: int, stratify: np.ndarray | None, test_size: float, seed: int, repeat: int
) -> tuple[np.ndarray, np.ndarray]:
    state = int(np.random.default_rng([seed, repeat, 2**31 - 1]).integers(2**31 - 1))
    train, test = train_test_split(
        np.arange(n_rows), test_size=test_size, stratify=stratify, random_state=state
    )
    return np.sort(train), np.sort(test)
