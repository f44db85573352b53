"""Inter-annotator agreement: how far annotators agree, beyond what chance would give.

Every function takes the answers as a DataFrame, in either shape:

* **tidy**: one row per answer with columns ``item``, ``annotator`` and ``value`` (other columns
  are ignored; pass ``item=``, ``annotator=``, ``value=`` to use other column names). Each
  (item, annotator) pair has one current answer; a project's event log (``proj.annotations``,
  recognised by its ``event`` column) is reduced to current answers for you: each annotator's
  latest event per item, kept if it is a ``label`` event. Rows with a missing value are ignored.
* **wide**: one row per item (the index) and one column per annotator, NaN where an annotator
  gave no answer. A frame is read as wide when it has none of the tidy columns.

Values are labels (strings or numbers), label lists (multi-label), lists of span dicts
``{"start", "end", "label"}`` or rankings (lists of groups of options, best first). The caller's
frame is never modified. Every statistic is a Python ``float``; perfect agreement is exactly
``1.0``.

Label order
-----------
Weighted kappa and ordinal alpha depend on the order of the labels. It is, first that wins:
``labels=``; a categorical ``value`` column's categories; the frame's ``attrs["labels"]``, if it
is a list that includes every value used (``proj.annotations`` of a single-label
:class:`~nblabel.Classify` task carries the task's labels there, and pandas keeps ``attrs``
through filtering, so ``cohen_kappa(proj.annotations, weights="linear")`` follows the task's
order); else the values sorted. The same order lists the labels of :func:`per_label` and
:func:`summary` (labels of the order that no one used get rows too).

Degenerate data
---------------
* fewer than two annotators, no answers, or answers of the wrong kind: ``ValueError``;
* no item answered by two or more annotators, or every answer on such items using the same
  value (chance agreement is total): ``nan`` with an :class:`AgreementWarning`.
  ``percent_agreement`` is ``1.0`` in the second case: it needs no chance correction.
"""

from .api import (
    cohen_kappa,
    fleiss_kappa,
    kendall_tau,
    kendall_w,
    krippendorff_alpha,
    per_label,
    percent_agreement,
    preference_agreement,
    span_agreement,
)
from .data import AgreementWarning
from .planning import plan_pilot
from .report import summary
from .resample import BootstrapResult, bootstrap, pairwise
from .span_report import span_summary

__all__ = [
    "AgreementWarning",
    "BootstrapResult",
    "bootstrap",
    "cohen_kappa",
    "fleiss_kappa",
    "kendall_tau",
    "kendall_w",
    "krippendorff_alpha",
    "pairwise",
    "per_label",
    "percent_agreement",
    "plan_pilot",
    "preference_agreement",
    "span_agreement",
    "span_summary",
    "summary",
]
