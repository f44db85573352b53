"""Suggestions from pre-labelers, and how much they sway the answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._checks import check, check_kwargs
from .._items import row_positions
from .._progress import ProgressCallback
from .base import ProjectBase

if TYPE_CHECKING:  # scipy's statistics load on first use: `import nblabel` stays fast
    from ..prelabel import SuggestionReport


class Suggesting(ProjectBase):
    """Pre-labelers and the suggestion report (see :class:`nblabel.Project`)."""

    @check_kwargs
    def prelabel(
        self,
        fn: Callable[[pd.DataFrame], Sequence[Any]],
        *,
        name: str,
        version: str | None = None,
        batch_size: int = 32,
        items: Sequence[Any] | pd.Index | None = None,
        progress: bool | ProgressCallback = True,
    ) -> pd.DataFrame:
        """Run a pre-labeler over the items in batches; store its suggestions; return a report.

        ``fn`` gets a batch of rows (a DataFrame) and returns one result per row: a value, a
        dict ``{"value", "confidence", "cost", "tokens"}`` or None. Each suggestion is checked
        against the task and stored as a ``suggest`` event of ``name`` with its ``version``
        (default: a hash of ``fn``'s source); views then offer it. Items already pre-labeled
        by this name and version are skipped, so a stopped run resumes. See
        :mod:`nblabel.prelabel.run`.
        """
        from ..prelabel import default_version, run_prelabeler

        name = check("prelabeler", name)
        version = default_version(fn) if version is None else check("prelabeler", version)
        positions = range(self.n_items) if items is None else row_positions(self.df.index, items)
        self.refresh()
        done = self._ledger.prelabels.done(name, version)
        todo = [pos for pos in positions if pos not in done]
        return run_prelabeler(fn, self.df, self.task, todo, name=name, version=version,
                              batch_size=batch_size, write=self._write_events,
                              progress=progress)

    @check_kwargs
    def suggestion_report(self, *, bins: int = 5, ci: float = 0.95) -> SuggestionReport:
        """Return acceptance, pre-labelers' accuracy and anchoring (``prelabel.report``).

        Settled labels are the majority of single-label answers, and the latest answer for
        label sets and spans (a majority of sets or spans is not defined).
        """
        from ..prelabel import suggestion_report

        single = self.task.kind == "classify" and not self.task.multi
        settled = self.labels(how="majority") if single else self.labels()
        return suggestion_report(self.annotations, settled, bins=check("bins", bins),
                                 ci=check("ci", ci))
