"""What a project knows in memory: the log mirror, current answers, overlap leases.

:class:`Ledger` is the one path by which events reach memory (record → store → mirror →
subscribers, under one lock); :class:`CurrentAnswers` holds each annotator's standing answer per
item with the rules every reader shares (:func:`decision`: an adjudicated answer settles its item).
"""

from .answers import CurrentAnswer, CurrentAnswers, decision, value_key
from .ledger import EventSubscriber, Ledger
from .mirror import ANNOTATION_COLUMNS, EventLog

__all__ = [
    "ANNOTATION_COLUMNS",
    "CurrentAnswer",
    "CurrentAnswers",
    "EventLog",
    "EventSubscriber",
    "Ledger",
    "decision",
    "value_key",
]
