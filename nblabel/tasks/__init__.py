"""Tasks say what is asked of an annotator and check the answers.

A task is plain data: it round-trips through JSON (:meth:`Task.to_json`, :func:`task_from_json`)
and knows nothing of widgets or stores. Its :meth:`~Task.validate` normalises an answer (for
example a multi-label answer becomes a sorted list) or raises ``ValueError`` naming the bad value
and the allowed ones; the widget, ``Project.add`` and every import path go through it. Each kind
of task lives in its own module of this package and registers itself by its ``kind``.
"""

from ._base import RESERVED_KEYS, Task, TaskMismatchError, task_from_dict, task_from_json
from .classify import Classify
from .rank import Rank
from .spans import Spans

__all__ = [
    "RESERVED_KEYS",
    "Classify",
    "Rank",
    "Spans",
    "Task",
    "TaskMismatchError",
    "task_from_dict",
    "task_from_json",
]
