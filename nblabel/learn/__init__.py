"""Active learning: a model that retrains in the background while people label.

:class:`ActiveLearner` keeps a scikit-learn estimator up to date with the labels given so far. It
fits clones of the estimator in one background thread, so recording a label never waits for a
fit; it scores every item, ranks the unlabeled ones with a query strategy and keeps a learning
curve. :func:`simulate` replays labeling against a known answer column to compare strategies
before anyone labels. Strategies (:func:`rank_pool` and the classes below) are small objects over
``predict_proba`` output; any function ``f(proba) -> scores`` works as one too.

The modules: ``learner`` (the background learner), ``state`` (its snapshots), ``features`` (what
a model reads), ``strategies`` (what to ask next), ``fit`` (one synchronous round: fit, score,
cross-validate, rank) and ``simulation`` (replaying labeling against known answers).

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> learner = ActiveLearner(LogisticRegression(), df, "text")  # doctest: +SKIP
>>> learner.set_label(0, "pos")  # doctest: +SKIP
>>> learner.state.message  # doctest: +SKIP
"""

from .features import Features, resolve_features, text_vectorizer
from .learner import ActiveLearner
from .simulation import curve_area, simulate
from .state import LearnerState
from .strategies import (
    Committee,
    Diverse,
    Entropy,
    LeastConfident,
    Margin,
    Random,
    Strategy,
    get_strategy,
    rank_pool,
)

__all__ = [
    "ActiveLearner",
    "Committee",
    "Diverse",
    "Entropy",
    "Features",
    "LearnerState",
    "LeastConfident",
    "Margin",
    "Random",
    "Strategy",
    "curve_area",
    "get_strategy",
    "rank_pool",
    "resolve_features",
    "simulate",
    "text_vectorizer",
]
