"""Pre-labelers and their influence: run any callable over items, audit what suggestions do.

:func:`run_prelabeler` (through :meth:`nblabel.Project.prelabel`) stores a pre-labeler's
suggestions with their provenance; :func:`suggestion_report` (through
:meth:`nblabel.Project.suggestion_report`) measures acceptance, each pre-labeler's agreement with
the settled labels, and anchoring.
"""

from .report import SuggestionReport, suggestion_report
from .run import default_version, run_prelabeler

__all__ = ["SuggestionReport", "default_version", "run_prelabeler", "suggestion_report"]
