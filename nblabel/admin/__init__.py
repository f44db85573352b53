"""Teams on a shared PostgreSQL store, with access the database itself enforces.

:func:`setup_postgres` gives each annotator and reviewer their own PostgreSQL role and sets up
grants and row-level security so that the database refuses an event written as someone else,
an answer of a kind the member may not give, a read of others' answers in a blind project, and
any change to the log. :func:`progress` counts a team's answers without showing them.

Modules: :mod:`~nblabel.admin.setup` (the call), :mod:`~nblabel.admin.policies` (the policies,
functions and grants), :mod:`~nblabel.admin.roles` (members' roles and passwords) and
:mod:`~nblabel.admin.counts` (team progress).
"""

from .counts import progress
from .setup import setup_postgres

__all__ = ["progress", "setup_postgres"]
