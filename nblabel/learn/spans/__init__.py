"""Spans in the loop: span models, their learner and state, strategies, BIO tags.

``model`` holds the :class:`SpanModel` interface and :class:`CRFSpanModel`; ``learner`` the
background :class:`SpanLearner` and its :class:`SpanState`; ``strategies`` how documents are
ranked; ``fit`` fitting, predictions made into answers, scores and cross-validation; ``bio``
tokens and BIO tags; ``replay`` the simulation of span labeling.
"""

from .learner import SpanLearner, SpanState
from .model import CRFSpanModel, SpanModel
from .strategies import SpanStrategy, SpanUncertainty, get_span_strategy

__all__ = [
    "CRFSpanModel",
    "SpanLearner",
    "SpanModel",
    "SpanState",
    "SpanStrategy",
    "SpanUncertainty",
    "get_span_strategy",
]
