"""One place on the dashboard: an offline altair chart widget or a note, redrawn on change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import ipywidgets as widgets
from altair.utils.selection import PointSelection

from .._html import element

#: Called with a selection's name and its clicked points (a list of dicts).
OnSelect = Callable[[str, list[dict[str, Any]]], None]


class OfflineChart(alt.JupyterChart):
    """altair's chart widget with Vega bundled from vl-convert: nothing loads from the network.

    Offline mode is switched on for this subclass only (see :func:`offline_chart`), so a user's
    own ``alt.JupyterChart`` keeps whatever mode they chose.
    """


#: vega-embed options: SVG (marks carry ARIA labels a screen reader, or a test, can read) and
#: an actions menu that exports PNG/SVG but links to no online editor.
EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}


def offline_chart(chart: alt.TopLevelMixin) -> OfflineChart:
    """Return a chart widget for ``chart`` whose JavaScript is bundled, not fetched."""
    OfflineChart.enable_offline()  # bundles once per process (a few seconds), then a no-op
    return OfflineChart(chart, embed_options=EMBED_OPTIONS)


def note_html(text: str, kind: str = "note") -> str:
    """Return ``text`` (escaped) as a small note of the dashboard."""
    return element("div", text, class_=f"nbl-dash-{kind}")


class Slot:
    """A box showing one chart or, while the chart has nothing to show, a note about why.

    ``update(chart)`` assigns the chart to the widget only when its spec differs from the one
    shown; ``update(None, note)`` shows the note instead. ``draws`` counts the charts sent.
    """

    def __init__(self, name: str, on_select: OnSelect | None = None) -> None:
        self.name = name
        self.box = widgets.VBox(layout=widgets.Layout(margin="0 12px 12px 0"))
        self.box.add_class(f"nbl-dash-slot-{name}")
        self.widget: OfflineChart | None = None
        self.note = widgets.HTML()
        self.spec: dict[str, Any] | None = None
        self.draws = 0
        self._on_select = on_select

    def update(self, chart: alt.TopLevelMixin | None, note: str = "") -> bool:
        """Show ``chart`` (or ``note`` when it is None); return whether anything was redrawn."""
        if chart is None:
            value = note_html(note)
            changed = self.note.value != value or self.box.children != (self.note,)
            self.note.value = value
            self.box.children = (self.note,)
            self.spec = None
            return changed
        spec = chart.to_dict()
        if spec == self.spec and self.widget is not None and self.box.children == (self.widget,):
            return False
        if self.widget is None:
            self.widget = offline_chart(chart)
            if self._on_select is not None:
                self.widget.observe(self._selected, "_vl_selections")
        else:
            self.widget.chart = chart
        self.spec = spec
        self.draws += 1
        self.box.children = (self.widget,)
        return True

    def close(self) -> None:
        """Close the chart widget and the note."""
        if self.widget is not None:
            self.widget.close()
        self.note.close()
        self.box.close()

    def _selected(self, change: dict[str, Any]) -> None:
        for name, raw in (change["new"] or {}).items():
            raw = raw or {}
            points = PointSelection.from_vega(name, raw.get("value"), raw.get("store", []))
            if points.value and self._on_select is not None:  # a redraw empties it: ignore
                self._on_select(name, points.value)
