"""Sessions: the kernel half of every view, and the wire protocol they speak with the browser.

An :class:`AnnotatorSession` holds one annotator's labeling (shared by all their views); a
:class:`FocusSession` relabels chosen items; a :class:`ReviewSession` adjudicates. Sessions see
their project only through a :class:`ProjectContext`; :class:`Sessions` is the registry the
project keeps. Messages are built by :mod:`nblabel.session.protocol`.
"""

from .annotator import DEFAULT_WINDOW, AnnotatorSession, Listener, RejectedAnswer
from .context import ModelOrder, ProjectContext
from .focus import FocusSession
from .registry import Sessions
from .review import REASONS, ReviewSession, needs_review

__all__ = [
    "DEFAULT_WINDOW",
    "REASONS",
    "AnnotatorSession",
    "FocusSession",
    "Listener",
    "ModelOrder",
    "ProjectContext",
    "RejectedAnswer",
    "ReviewSession",
    "Sessions",
    "needs_review",
]
