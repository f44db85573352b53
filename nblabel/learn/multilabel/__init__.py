"""Multi-label classification in the loop: learner, state, strategies and one round of fitting.

``learner`` holds :class:`MultiLabelLearner` and its :class:`MultiLabelState`; ``strategies``
the query strategies over per-label probabilities; ``fit`` fitting any scikit-learn classifier
on label sets (natively or one-vs-rest), scoring and cross-validating.
"""

from .learner import MultiLabelLearner, MultiLabelState
from .strategies import (
    LabelCardinality,
    MaxUncertainty,
    MeanUncertainty,
    get_multilabel_strategy,
)

__all__ = [
    "LabelCardinality",
    "MaxUncertainty",
    "MeanUncertainty",
    "MultiLabelLearner",
    "MultiLabelState",
    "get_multilabel_strategy",
]
