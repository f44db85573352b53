"""Consensus: one label per item from several annotators' answers.

Takes the answers in the same shapes as :mod:`nblabel.agreement` (a tidy ``item``,
``annotator``, ``value`` table, a project's event log, or a wide items × annotators frame) and
never modifies them.

* :func:`majority_vote`: the most frequent answer, with a tie policy;
* :func:`span_vote`: span answers settled span by span, keeping the spans more than half of an
  item's annotators marked (what :func:`majority_vote` does with span answers);
* :func:`dawid_skene`: the Dawid–Skene (1979) model, which learns each annotator's confusion
  matrix by expectation–maximisation and weighs answers by it, so reliable annotators count for
  more and systematic confusions are undone, even when several annotators share them;
* :func:`annotator_accuracy`: each annotator's accuracy against known (gold) answers.
"""

from .accuracy import annotator_accuracy
from .majority import TIES as TIES
from .majority import majority_vote
from .model import SMOOTHING as SMOOTHING
from .model import ConvergenceWarning, DawidSkeneResult, dawid_skene
from .spans import span_vote

__all__ = [
    "ConvergenceWarning",
    "DawidSkeneResult",
    "annotator_accuracy",
    "dawid_skene",
    "majority_vote",
    "span_vote",
]
