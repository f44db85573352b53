"""nblabel: Jupyter-native labeling widgets for building training data in a notebook.

Examples
--------
>>> import nblabel as nl
>>> task = nl.Classify(["pos", "neg", "neutral"], text="review")
>>> proj = nl.Project(df, task, store="sentiment.db")  # doctest: +SKIP
>>> proj.label(annotator="ana")  # doctest: +SKIP
"""

from . import agreement, audit, consensus, datasets
from ._guidelines import Guideline
from .gold import Gold
from .project import Project, label
from .store import Store, StoreError
from .tasks import Classify, Task, TaskMismatchError

__all__ = [
    "Classify",
    "Gold",
    "Guideline",
    "Project",
    "Store",
    "StoreError",
    "Task",
    "TaskMismatchError",
    "agreement",
    "audit",
    "consensus",
    "datasets",
    "label",
]
__version__ = "0.1.0"
