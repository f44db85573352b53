"""Preference data from rankings: pairwise table, training export, strengths and position bias.

Rankings (lists of groups of option keys, best first; a group of several is a tie) become
pairwise preferences with :func:`preferences`; :func:`training_pairs` turns them into the
``prompt`` / ``chosen`` / ``rejected`` rows preference-training libraries read (TRL's DPO and
reward trainers, for instance); :func:`bradley_terry` estimates how strong each option is
(e.g. which model's answers win) with ties modelled; :func:`position_bias` checks whether the
option shown first (on the left) wins more often than it should; :func:`ratings` lists the
per-option ratings.

Every function takes a project's event table (``proj.annotations``: each annotator's current
answer per item is their latest event, if it is a ``label``) or any table with ``item``,
``annotator`` and ``value`` columns (one answer per row) and, for the details a ranking view
records, a ``meta`` column. Functions that work on pairs also take the output of
:func:`preferences`.

Examples
--------
>>> import pandas as pd
>>> from nblabel import rank
>>> answers = pd.DataFrame({
...     "item": [0, 0, 1],
...     "annotator": ["ana", "ben", "ana"],
...     "value": [[["a"], ["b"]], [["a", "b"]], [["b"], ["a"]]],
... })
>>> rank.preferences(answers)[["item", "annotator", "chosen", "rejected", "tie"]]
   item annotator chosen rejected    tie
0     0       ana      a        b  False
1     0       ben      a        b   True
2     1       ana      b        a  False
"""

from .bias import position_bias
from .pairs import PAIR_COLUMNS as PAIR_COLUMNS
from .pairs import preferences, ratings
from .strengths import BradleyTerry, bradley_terry
from .training import training_pairs

__all__ = [
    "BradleyTerry",
    "bradley_terry",
    "position_bias",
    "preferences",
    "ratings",
    "training_pairs",
]
