"""The live dashboard: one anywidget that draws a project's charts and follows its answers.

``dashboard(proj)`` returns a :class:`Dashboard`: the label distribution, progress and throughput
per annotator, agreement (overall, per label, and between each pair of annotators once two of
them answered the same items) and, with a model in the loop (:meth:`nblabel.Project.learn`), its
status, the pool's uncertainty, the learning curve, calibration and the model-vs-label confusion
matrix. It is a single anywidget, so it shows wherever anywidget does (JupyterLab, Notebook 7,
VS Code, Colab, Voilà, and marimo through ``mo.ui.anywidget``).

The kernel sends each chart as a Vega-Lite spec; the browser draws it with the Vega that
nblabel bundles (nothing is loaded from the network), in a grid that uses the width, each
chart's purpose in one line under its title. Only the charts whose data changed are sent again.

Redraws are throttled: the first change after a quiet spell redraws at once, changes within
``min_interval`` seconds of a redraw wait for one more redraw at the end of the interval, so a
burst of answers never queues stale redraws and the last state always shows. Redraws run on the
kernel's event loop, whichever thread reported the change.

Clicking a confusion-matrix cell or a histogram bar lists the items behind it; "Relabel these"
opens a labeling widget over exactly those items, "Review these" the adjudication view. In
Jupyter it appears below the dashboard; in marimo, where a widget cannot open another, a cell
shows what :meth:`Dashboard.view_for` returns for the dashboard's request.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from typing import Any

import anywidget
import pandas as pd
import traitlets

from .._checks import FIELDS, Integer, Number, Offers, check, check_kwargs
from .._kernel import Scheduler, default_scheduler
from ..charts.display import EMBED_OPTIONS
from ..charts.labeling import throughput
from ..charts.selections import bin_items
from .drawing import Drawing
from .panels import PANELS
from .protocol import DashboardProject
from .slots import Slot
from .table import item_table, table_wire
from .throttle import Throttle

__all__ = ["Dashboard", "dashboard"]

STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"
_PROJECT = Offers(DashboardProject, "an nl.Project")
_MIN_INTERVAL = Number(0, 3600, what="seconds between 0 and 3600")
_BINS = Integer(1, 200)
_HINT = ("Click a cell of the confusion matrix or a bar of the uncertainty histogram to list its "
         "items here.")


@check_kwargs
def dashboard(
    project: DashboardProject,
    *,
    annotator: str | None = None,
    min_interval: float = 1.0,
    bins: int = 20,
    every: str = "5min",
    agreement_resamples: int = 200,
) -> Dashboard:
    """Return a live dashboard of ``project``: charts that follow the answers and the model.

    Parameters
    ----------
    project : nblabel.Project
        The project to show. Its answers (from any widget, :meth:`~nblabel.Project.add`, or
        other kernels via :meth:`~nblabel.Project.refresh`) and its model (once
        :meth:`~nblabel.Project.learn` was called) update the charts.
    annotator : str, optional
        Who labels or reviews the items chosen on the dashboard ("Relabel these" / "Review
        these"); default: ``JUPYTERHUB_USER`` or the login name.
    min_interval : float, default 1.0
        Least time between two redraws, in seconds (0 redraws on every change).
    bins : int, default 20
        Bars of the pool uncertainty histogram.
    every : str, default "5min"
        Window of the throughput chart, a pandas frequency (``"1min"``, ``"1h"``).
    agreement_resamples : int, default 200
        Bootstrap resamples behind the agreement intervals. While computing them takes more
        than a quarter of a second, they are recomputed on demand only (the panel's "Update"
        button, or :meth:`Dashboard.refresh`), and the panel says how far behind they are.

    Returns
    -------
    Dashboard
        An anywidget; display it as the last expression of a cell (in marimo:
        ``mo.ui.anywidget(dash)``).

    Examples
    --------
    >>> dash = nl.dashboard.dashboard(proj, min_interval=2)  # doctest: +SKIP
    >>> dash  # doctest: +SKIP
    """
    return Dashboard(
        project,
        annotator=annotator,
        min_interval=min_interval,
        bins=bins,
        every=every,
        agreement_resamples=agreement_resamples,
    )


class Dashboard(anywidget.AnyWidget):
    """The dashboard widget (see :func:`dashboard`, which builds it).

    Attributes
    ----------
    project : nblabel.Project
        The project shown.
    slots : dict of str to Slot
        Each chart's place, by name: ``labels``, ``progress``, ``throughput``, ``agreement``,
        ``pairs``, ``uncertainty``, ``confusion``, ``learning_curve``, ``calibration``; its
        ``spec`` is the Vega-Lite spec drawn (None while its ``note`` shows instead). In a
        kernel they are first filled once the cell that built the dashboard has returned.
    selected : pandas.Index
        The items chosen last by a click on a chart (or :meth:`select`).
    opened : anywidget.AnyWidget or None
        The labeling or review widget opened by :meth:`relabel` / :meth:`review`.
    throttle : Throttle
        Paces the redraws.
    """

    _esm = STATIC / "dashboard.js"
    _css = STATIC / "dashboard.css"

    heading = traitlets.Unicode(read_only=True).tag(sync=True)
    """The dashboard's title: ``Dashboard of <project name>``."""

    panels = traitlets.List(read_only=True).tag(sync=True)
    """The charts in the order they are laid out: ``name``, ``title``, ``purpose`` (one line
    under the title), ``selection`` (the point selection a click fills, if any) and ``fit``
    (whether the chart stretches to its panel's width)."""

    embed_options = traitlets.Dict(read_only=True).tag(sync=True)
    """vega-embed's options (SVG, an export menu without links to online editors)."""

    status = traitlets.Dict().tag(sync=True)
    """The model in the loop: ``status`` (``none``, ``cold``, ``ready`` or ``failed``) and
    ``message``."""

    selection = traitlets.Dict().tag(sync=True)
    """The chosen items as shown: ``caption``, ``columns``, ``rows`` (strings, the item first;
    at most 100) and ``total``."""

    request = traitlets.Dict().tag(sync=True)
    """Set by the browser's "Relabel these" / "Review these": ``what`` (``relabel`` or
    ``review``) and ``serial`` (a count, so pressing again is a change)."""

    opened_view = traitlets.Dict().tag(sync=True)
    """What the last press opened: ``what``, ``items`` and ``where`` (``below`` the dashboard;
    ``opened`` by code, see :meth:`view_for`; ``waiting`` for code to open it); or ``error``."""

    def __init__(
        self,
        project: DashboardProject,
        *,
        annotator: str | None = None,
        min_interval: float = 1.0,
        bins: int = 20,
        every: str = "5min",
        agreement_resamples: int = 200,
        scheduler: Scheduler | None = None,
    ) -> None:
        _PROJECT("project", project)
        if annotator is not None:
            annotator = check("annotator", annotator)
        min_interval = _MIN_INTERVAL("min_interval", min_interval)
        bins = _BINS("bins", bins)
        agreement_resamples = FIELDS["n"]("agreement_resamples", agreement_resamples)
        throughput(project.annotations.head(0), every=every)  # checks `every`
        super().__init__()
        self.set_trait("heading", f"Dashboard of {project.name}")
        self.set_trait("panels", [panel.to_wire() for panel in PANELS])
        self.set_trait("embed_options", EMBED_OPTIONS)
        self.selection = {"caption": _HINT, "columns": [], "rows": [], "total": 0}
        self.project = project
        self.annotator = annotator
        self.selected = pd.Index([])
        self.opened: anywidget.AnyWidget | None = None
        self._below: Any = None
        self._served: dict[str, Any] = {}
        self._agreement_asked = False
        self._drawing = Drawing(project, bins=bins, every=every, resamples=agreement_resamples,
                                on_state=self._on_state)
        self.on_msg(self._on_message)
        self.throttle = Throttle(self._redraw, min_interval, scheduler or default_scheduler())
        project.add_listener(self.throttle.poke)
        # In a kernel the first draw runs once the cell has returned: the browser lays out the
        # dashboard meanwhile, and draws each part's charts while the next is computed.
        self.throttle.poke()

    def __repr__(self) -> str:
        return f"Dashboard({self.project.name!r})"

    # -- drawing ----------------------------------------------------------------------------
    @property
    def slots(self) -> dict[str, Slot]:
        """Each chart's place, by name (see the class's attributes)."""
        return self._drawing.slots

    @property
    def draws(self) -> dict[str, int]:
        """How many times each chart was sent to the browser (charts left alone don't count)."""
        return {name: slot.draws for name, slot in self.slots.items()}

    def refresh(self) -> None:
        """Redraw now, without waiting for the throttle.

        Every chart whose data changed is drawn again, the agreement intervals included however
        long they take.
        """
        self._agreement_asked = True
        self.throttle.draw()

    def _redraw(self) -> None:
        agreement, self._agreement_asked = self._agreement_asked, False
        self._drawing.draw(self._send_changed, agreement=agreement)

    def _send_changed(self, slots: list[Slot]) -> None:
        self.status = self._drawing.status
        self._send_panels(slots, full=False)

    def _send_panels(self, slots: Sequence[Slot], *, full: bool = True) -> None:
        self.send({"kind": "charts", "panels": [slot.to_wire(full) for slot in slots]})

    def _on_state(self, state: Any) -> None:
        self.throttle.poke()  # from the learner's thread: the redraw runs on the kernel's

    # -- the browser's messages -------------------------------------------------------------
    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        kind = content.get("kind") if isinstance(content, dict) else None
        if kind == "hello":  # a new view: everything it draws
            self._send_panels(list(self.slots.values()), full=True)
        elif kind == "update":  # the agreement panel's "Update" button
            self.refresh()
        elif kind == "select":
            self._on_select(content.get("panel"), content.get("points") or [])

    def _on_select(self, panel: Any, points: list[dict[str, Any]]) -> None:
        frames = self._drawing.frames
        if panel == "confusion" and "confusion" in frames:
            cells = frames["confusion"]
            items = cells.items(points)
            where = "; ".join(cells.describe(p) for p in points)
        elif panel == "uncertainty" and "pool" in frames:
            items = bin_items(frames["pool"], points)
            where = "; ".join(
                f"uncertainty {p['bin_start']:.2f}–{p['bin_end']:.2f}" for p in points
            )
        else:
            return
        if points:  # a click beside the marks empties the selection: the list stays
            self.select(items, where)

    @traitlets.observe("request")
    def _on_request(self, change: dict[str, Any]) -> None:
        what = (change["new"] or {}).get("what")
        if what not in ("relabel", "review"):
            return
        if self._below is None:  # nothing shows a widget here: the user's code opens it
            self.opened_view = {"what": what, "items": len(self.selected), "where": "waiting"}
            return
        try:
            self.view_for(change["new"])
        except ValueError as error:
            self.opened_view = {"error": str(error)}

    # -- from clicks to items ---------------------------------------------------------------
    def select(self, items: Sequence[Any] | pd.Index, why: str | None = None) -> pd.DataFrame:
        """List ``items`` under the charts, ready for "Relabel these" or "Review these".

        Parameters
        ----------
        items : list or Index of index values
            Items of the project's DataFrame.
        why : str, optional
            What chose them, shown above the table.

        Returns
        -------
        pandas.DataFrame
            The table shown: ``text`` (truncated), ``label``, ``suggestion``, ``confidence``.

        Examples
        --------
        >>> dash.select(["T0001", "T0007"], "picked by hand")  # doctest: +SKIP
        """
        if not self.throttle.redraws:  # chosen in the cell that built the dashboard
            self.throttle.draw()
        index = pd.Index(items)
        missing = index.difference(self.project.df.index)
        if len(missing):
            raise ValueError(
                f"items {missing[:5].tolist()} are not in the project's DataFrame index."
            )
        table = item_table(self.project, index, self._drawing.frames.get("predictions"))
        self.selected = index
        head = f"{len(index)} item{'s' if len(index) != 1 else ''}"
        self.selection = table_wire(table, f"{head}: {why}" if why else head)
        return table

    def relabel(self) -> anywidget.AnyWidget:
        """Open a labeling widget over the listed items and return it.

        In Jupyter it also shows below the dashboard; elsewhere show the widget returned.
        """
        return self._open("relabel", self.project.label(self.annotator,
                                                        items=list(self._chosen())))

    def review(self) -> anywidget.AnyWidget:
        """Open the adjudication view over the listed items and return it (see :meth:`relabel`)."""
        return self._open("review", self.project.review(self.annotator,
                                                        items=list(self._chosen())))

    def view_for(self, request: dict[str, Any] | None) -> anywidget.AnyWidget | None:
        """Open what a press of "Relabel these" or "Review these" asks for, and return it.

        In Jupyter the buttons open their widget below the dashboard by themselves. Where a
        widget cannot open another (marimo), a cell that reads the dashboard's value runs again
        at each press and shows what this returns; the same press opens one widget only.

        Parameters
        ----------
        request : dict or None
            The :attr:`request` trait (in marimo: ``board.value["request"]``).

        Returns
        -------
        anywidget.AnyWidget or None
            The labeling or review widget, or None before any press.

        Examples
        --------
        >>> board = mo.ui.anywidget(dash)  # doctest: +SKIP
        >>> view = dash.view_for(board.value["request"])  # in a cell of its own  # doctest: +SKIP
        >>> mo.ui.anywidget(view) if view else None  # doctest: +SKIP
        """
        request = request or {}
        what = request.get("what")
        if what not in ("relabel", "review"):
            return None
        if self.opened is not None and request == self._served:
            return self.opened
        view = self.relabel() if what == "relabel" else self.review()
        self._served = dict(request)
        return view

    def _chosen(self) -> pd.Index:
        if not len(self.selected):
            raise ValueError("no items are listed: click a confusion cell or a histogram bar, "
                             "or call dash.select(items), first.")
        return self.selected

    def _open(self, what: str, view: anywidget.AnyWidget) -> anywidget.AnyWidget:
        if self.opened is not None:
            self.opened.close()
        self.opened = view
        if self._below is not None:
            self._below.update(view)
        where = "below" if self._below is not None else "opened"
        self.opened_view = {"what": what, "items": len(self.selected), "where": where}
        return view

    # -- display and lifetime ---------------------------------------------------------------
    def _ipython_display_(self) -> None:
        """Show the dashboard and, below it, a place where "Relabel these" opens its widget."""
        from IPython.display import display

        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True)
        self._below = display({"text/plain": ""}, raw=True, display_id=True)

    def close(self) -> None:
        """Stop following the project and its model, and close the dashboard and what it opened."""
        if not hasattr(self, "throttle"):  # bad options: __init__ raised before building
            super().close()
            return
        self.throttle.close()
        try:
            self.project.remove_listener(self.throttle.poke)
        except ValueError:  # already removed
            pass
        self._drawing.forget()
        if self.opened is not None:
            self.opened.close()
        super().close()
