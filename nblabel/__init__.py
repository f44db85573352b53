"""nblabel: Jupyter-native labeling widgets for building training data in a notebook.

Examples
--------
>>> import nblabel as nl
>>> task = nl.Classify(["pos", "neg", "neutral"], text="review")
>>> proj = nl.Project(df, task, store="sentiment.db")  # doctest: +SKIP
>>> proj.label(annotator="ana")  # doctest: +SKIP
"""

import importlib
from typing import Any

from . import agreement, audit, consensus, datasets
from ._guidelines import Guideline, Passage
from .gold import Gold
from .project import Project, label
from .store import Store, StoreError
from .tasks import Classify, Rank, Spans, Task, TaskMismatchError

#: Modules that import scikit-learn or altair, loaded on first use to keep ``import nblabel`` fast.
_LAZY_MODULES = ("admin", "analysis", "charts", "dashboard", "io", "learn", "rank", "spans")

__all__ = [
    "Classify",
    "Gold",
    "Guideline",
    "Passage",
    "Project",
    "Rank",
    "Spans",
    "Store",
    "StoreError",
    "Task",
    "TaskMismatchError",
    "admin",
    "agreement",
    "analysis",
    "audit",
    "charts",
    "consensus",
    "dashboard",
    "datasets",
    "io",
    "label",
    "learn",
    "rank",
    "simulate",
    "spans",
]


def __getattr__(name: str) -> Any:
    """Import the heavier submodules (and ``simulate``) when first used."""
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "simulate":
        return importlib.import_module(".learn", __name__).simulate
    raise AttributeError(f"module 'nblabel' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the public API, lazy modules included, so tab completion offers them."""
    return sorted(set(globals()) | set(__all__))
__version__ = "0.1.0"
