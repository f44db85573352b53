"""Active learning: a model that retrains in the background while people label, for every task.

Each task kind has its learner, all sharing one background worker (:mod:`.worker`): recording
an answer never waits for a fit; retrains run one at a time in a worker thread, each ending in
an immutable state (suggestions, uncertainty, the pool order, cross-validated scores) and a row
of the learning curve.

* :class:`ActiveLearner`: single-label classification, any scikit-learn classifier with
  ``predict_proba``; strategies over class probabilities (:func:`rank_pool`, the classes
  below, or ``f(proba) -> scores``).
* :class:`MultiLabelLearner`: label sets, any scikit-learn classifier (one-vs-rest where it
  has no multi-label mode); strategies over per-label probabilities
  (:func:`get_multilabel_strategy`).
* :class:`SpanLearner`: spans, a :class:`SpanModel` (default :class:`CRFSpanModel`, a CRF over
  BIO tags with marginals); strategies over per-document uncertainty
  (:func:`get_span_strategy`).
* :class:`PairLearner`: pairwise preferences; Bradley–Terry strengths whose uncertainty picks
  the next match-up (active ranking).

:func:`simulate` replays labeling against a known answer column (classification, multi-label,
spans) to compare strategies before anyone labels; :func:`simulate_ranking` does the same for
active ranking against known strengths.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> learner = ActiveLearner(LogisticRegression(), df, "text")  # doctest: +SKIP
>>> learner.set_label(0, "pos")  # doctest: +SKIP
>>> learner.state.message  # doctest: +SKIP
"""

from .features import Features, resolve_features, text_vectorizer
from .learner import ActiveLearner
from .multilabel import (
    LabelCardinality,
    MaxUncertainty,
    MeanUncertainty,
    MultiLabelLearner,
    MultiLabelState,
    get_multilabel_strategy,
)
from .ranking import PairLearner, PairState
from .ranking_replay import simulate_ranking
from .simulation import curve_area, simulate
from .spans import (
    CRFSpanModel,
    SpanLearner,
    SpanModel,
    SpanState,
    SpanStrategy,
    SpanUncertainty,
    get_span_strategy,
)
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
    "CRFSpanModel",
    "Committee",
    "Diverse",
    "Entropy",
    "Features",
    "LabelCardinality",
    "LearnerState",
    "LeastConfident",
    "Margin",
    "MaxUncertainty",
    "MeanUncertainty",
    "MultiLabelLearner",
    "MultiLabelState",
    "PairLearner",
    "PairState",
    "Random",
    "SpanLearner",
    "SpanModel",
    "SpanState",
    "SpanStrategy",
    "SpanUncertainty",
    "Strategy",
    "curve_area",
    "get_multilabel_strategy",
    "get_span_strategy",
    "get_strategy",
    "rank_pool",
    "resolve_features",
    "simulate",
    "simulate_ranking",
    "text_vectorizer",
]
