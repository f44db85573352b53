"""How nblabel's charts show in a notebook: with Vega bundled, never loaded from a CDN.

altair's default renderer writes HTML that loads Vega from a CDN (a red "Error loading script"
offline) and puts the spec's JSON in a ``<script>`` element without escaping ``</``. The charts
nblabel builds are of the classes here instead: altair charts in every other respect (``save``,
``to_dict``, ``properties``, ``|``, ``&``, ``+``), whose display in a Jupyter kernel is an
:class:`OfflineChart`, altair's chart widget with its JavaScript bundled by vl-convert. The spec
reaches the browser as widget state (JSON), never as markup.

Nothing global changes: a renderer the user enabled that is not altair's HTML one (``png``,
``svg``, ``mimetype``, ``jupyter``, ...) is used as they set it, and outside a Jupyter kernel
(marimo, scripts) the chart displays as any altair chart does there (marimo draws it with the
Vega it bundles).
"""

from __future__ import annotations

import sys
from typing import Any

import altair as alt
from altair.utils.display import HTMLRenderer

#: vega-embed options: SVG (marks carry ARIA labels a screen reader, or a test, can read) and
#: an actions menu that exports PNG/SVG but links to no online editor.
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}


class OfflineChart(alt.JupyterChart):
    """altair's chart widget with Vega bundled from vl-convert: nothing loads from the network.

    Offline mode is switched on for this subclass only (see :func:`widget`), so a user's own
    ``alt.JupyterChart`` keeps whatever mode they chose.
    """


def widget(chart: alt.TopLevelMixin, **kwargs: Any) -> OfflineChart:
    """Return a chart widget for any altair chart, drawn with no network.

    Use it for a chart's selections (``widget(chart).selections.select_cell.value``) or to
    redraw in place (assign a new chart to its ``chart``). The first call in a process bundles
    Vega (about 2 s); later calls reuse the bundle.

    Parameters
    ----------
    chart : altair chart
        Any altair chart (nblabel's or your own).
    **kwargs
        Passed to ``altair.JupyterChart`` (e.g. ``debounce_wait``); ``embed_options`` are
        merged over :data:`EMBED_OPTIONS`.

    Returns
    -------
    OfflineChart
        An ``altair.JupyterChart`` whose JavaScript ships in the widget itself.

    Examples
    --------
    >>> jchart = widget(nl.charts.confusion(predictions))  # doctest: +SKIP
    >>> jchart.selections.select_cell.value  # doctest: +SKIP
    """
    OfflineChart.enable_offline()  # bundles once per process, then a no-op
    options = {**EMBED_OPTIONS, **(kwargs.pop("embed_options", None) or {})}
    return OfflineChart(chart, embed_options=options, **kwargs)


class OfflineDisplay:
    """Shown in a Jupyter kernel through :class:`OfflineChart` where altair would write HTML.

    Combining with ``|``, ``&`` or ``+`` keeps the display (the result is passed through
    :func:`offline`).
    """

    def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> Any:
        """Return the chart widget's bundle, or altair's own outside a kernel or renderer."""
        if not (_in_jupyter_kernel() and _renderer_is_html()):
            return super()._repr_mimebundle_(*args, **kwargs)  # type: ignore[misc]
        user_options = alt.renderers.options.get("embed_options") or {}
        shown = widget(self, embed_options=user_options)  # type: ignore[arg-type]
        data, metadata = shown._repr_mimebundle_()
        return {**data, "text/plain": repr(self)}, metadata

    def __add__(self, other: Any) -> Any:
        """Layer ``other`` on top, as altair does; the result displays offline too."""
        return offline(super().__add__(other))  # type: ignore[misc]

    def __or__(self, other: Any) -> Any:
        """Put ``other`` to the right, as altair does; the result displays offline too."""
        return offline(super().__or__(other))  # type: ignore[misc]

    def __and__(self, other: Any) -> Any:
        """Put ``other`` below, as altair does; the result displays offline too."""
        return offline(super().__and__(other))  # type: ignore[misc]


class Chart(OfflineDisplay, alt.Chart):
    """``altair.Chart`` that displays offline (see :class:`OfflineDisplay`)."""


class LayerChart(OfflineDisplay, alt.LayerChart):
    """``altair.LayerChart`` that displays offline (see :class:`OfflineDisplay`)."""


class HConcatChart(OfflineDisplay, alt.HConcatChart):
    """``altair.HConcatChart`` that displays offline (see :class:`OfflineDisplay`)."""


class VConcatChart(OfflineDisplay, alt.VConcatChart):
    """``altair.VConcatChart`` that displays offline (see :class:`OfflineDisplay`)."""


class ConcatChart(OfflineDisplay, alt.ConcatChart):
    """``altair.ConcatChart`` that displays offline (see :class:`OfflineDisplay`)."""


class FacetChart(OfflineDisplay, alt.FacetChart):
    """``altair.FacetChart`` that displays offline (see :class:`OfflineDisplay`)."""


class RepeatChart(OfflineDisplay, alt.RepeatChart):
    """``altair.RepeatChart`` that displays offline (see :class:`OfflineDisplay`)."""


_OFFLINE: dict[type, type] = {
    alt.Chart: Chart,
    alt.LayerChart: LayerChart,
    alt.HConcatChart: HConcatChart,
    alt.VConcatChart: VConcatChart,
    alt.ConcatChart: ConcatChart,
    alt.FacetChart: FacetChart,
    alt.RepeatChart: RepeatChart,
}


def offline(chart: Any) -> Any:
    """Return ``chart`` as a chart that displays with no network in Jupyter.

    For charts built with altair's own functions (``alt.hconcat``, ``.facet()``, or your own
    chart on the left of ``|``): ``offline(alt.hconcat(a, b))``. Anything that is not an altair
    chart of a known kind, or already displays offline, is returned as it is.

    Parameters
    ----------
    chart : altair chart
        The chart; it is not changed.

    Returns
    -------
    altair chart
        A copy of the same kind (``Chart``, ``LayerChart``, ...) with the same spec and data.

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> mine = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    >>> type(offline(mine)).__name__, offline(mine).to_dict() == mine.to_dict()
    ('Chart', True)
    """
    kind = _OFFLINE.get(type(chart))
    if kind is None:
        return chart
    copy = chart.copy()
    # The subclass only adds methods, so the copy can take its type (through object's
    # __setattr__: altair's would store "__class__" as a chart property).
    object.__setattr__(copy, "__class__", kind)
    return copy


def layer(*charts: alt.TopLevelMixin, **kwargs: Any) -> Any:
    """``altair.layer`` whose result displays offline."""
    return offline(alt.layer(*charts, **kwargs))


def _in_jupyter_kernel() -> bool:
    """Whether this runs in a Jupyter kernel, whose front ends show widgets."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _renderer_is_html() -> bool:
    """Whether altair's active renderer is its HTML one (the default), which uses a CDN."""
    renderer = alt.renderers.get()
    return isinstance(getattr(renderer, "func", renderer), HTMLRenderer)
