"""Project: a thin facade that checks options, composes the parts and delegates to them.

The :class:`~nblabel.ledger.Ledger` is every event's path (record, store, mirror, subscribers);
:class:`~nblabel.session.Sessions` are the views open on this kernel; the model loop lives in
:mod:`nblabel.learn`; reports take data (:mod:`nblabel.settle`, :mod:`nblabel.pilot`,
:mod:`nblabel.agreement`, :mod:`nblabel.rank`). Nothing below imports this package: the parts
see each other through narrow interfaces and the subscriptions registered here. The facade's
verbs are grouped by what they do: :mod:`.base` (composition), :mod:`.reports`, :mod:`.writing`
and :mod:`.views`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._checks import default_annotator
from ..tasks import Task
from .exchange import Exchange
from .history import History
from .quality import Quality
from .reports import Reports
from .suggestions import Suggesting
from .views import Views
from .writing import Writing

if TYPE_CHECKING:
    from ..widgets import LabelerWidget

__all__ = ["Project", "default_annotator", "label"]


class Project(Reports, Quality, Writing, History, Exchange, Suggesting, Views):
    """A DataFrame bound to a task and an annotation store.

    Parameters
    ----------
    df : pandas.DataFrame
        The items, one per row, identified by the index (unique). Kept by reference.
    task : Task
        What is asked, e.g. ``nl.Classify(["pos", "neg"], text="review")``.
    store : str, pathlib.Path or Store, optional
        A SQLite file (default ``"nblabel.db"`` in the working directory), ``":memory:"``, a
        SQLAlchemy URL (``"postgresql+psycopg://…"``) or a :class:`~nblabel.store.Store`.
    name : str, optional
        The project's name in the store (default ``"default"``); opening it again resumes it.
    order, seed : {"index", "shuffle"}, int
        The order items are offered in; ``"shuffle"`` is reproducible with ``seed``.
    into : str, optional
        A column of ``df`` kept filled with each item's latest label.
    overlap, lease_seconds : int, float
        Annotators per item (default: everyone may answer every item), safe across kernels
        sharing the store: an item on screen stays reserved for ``lease_seconds`` (600).
    gold : str or Gold, optional
        Items with known answers mixed into every stream: a column of ``df`` or a
        :class:`nblabel.Gold` (rate, teaching, qualification round).

    Examples
    --------
    >>> import pandas as pd, nblabel as nl
    >>> df = pd.DataFrame({"review": ["great", "awful"]})
    >>> proj = nl.Project(df, nl.Classify(["pos", "neg"], text="review"), store=":memory:")
    >>> proj.add(0, "pos", annotator="ana")
    1
    >>> proj.labels().tolist()
    ['pos', nan]
    """


def label(
    df: pd.DataFrame, task: Task, annotator: str | None = None, **options: Any
) -> LabelerWidget:
    """Bind ``df`` to ``task`` and return the labeling widget: the one-line way to start.

    ``options`` go to :class:`Project` (``store``, ``name``, ``order``, ``seed``, ``into``,
    ``overlap``, ``lease_seconds``, ``gold``) or to :meth:`Project.label` (``window``,
    ``show_suggestions``, ``hide_suggestions``). The project is the widget's ``project`` attribute.
    """
    project_options = {"store", "name", "order", "seed", "into", "overlap", "lease_seconds", "gold"}
    view_options = {"window", "show_suggestions", "hide_suggestions"}
    unknown = sorted(set(options) - project_options - view_options)
    if unknown:
        raise TypeError(
            f"label() got unexpected keyword arguments {unknown}; valid ones are "
            f"{sorted(project_options | view_options)}."
        )
    project = Project(df, task, **{k: v for k, v in options.items() if k in project_options})
    return project.label(annotator, **{k: v for k, v in options.items() if k in view_options})
