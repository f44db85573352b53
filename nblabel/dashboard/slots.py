"""One place on the dashboard: a chart's spec or a note, versioned so only changes are sent.

A :class:`Slot` keeps what its panel shows as plain data: the chart's Vega-Lite spec (its title
taken out to head the panel) or, while the chart has nothing to show, a note saying why. Every
change bumps its ``version``; the browser draws a panel again only for a newer version, and the
kernel sends only the slots whose version moved since the last redraw.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from .panels import Panel


class Slot:
    """What one panel shows; ``update`` and ``mark`` report whether anything changed.

    Attributes
    ----------
    panel : Panel
        The panel this slot fills.
    spec : dict or None
        The Vega-Lite spec drawn (None while a note shows instead).
    title : str
        The panel's heading: the chart's own title, else the panel's.
    note : str
        Why there is no chart (empty when there is one).
    stale : str
        Says the chart lags the answers and how to bring it up to date (empty when current).
    version : int
        Bumped on every change (of the spec, the title, the note or the lag).
    draws : int
        Charts sent (a note, or a chart equal to the one shown, does not count).
    """

    def __init__(self, panel: Panel) -> None:
        self.panel = panel
        self.spec: dict[str, Any] | None = None
        self.title = panel.title
        self.note = ""
        self.stale = ""
        self.version = 0
        self.draws = 0
        self._spec_sent = True

    @property
    def name(self) -> str:
        """The panel's name."""
        return self.panel.name

    def update(self, chart: alt.TopLevelMixin | None, note: str = "") -> bool:
        """Show ``chart`` (or ``note`` when it is None); return whether anything changed."""
        if chart is None:
            spec, title = None, self.panel.title
        else:
            spec, title = self._spec(chart), self.panel.title
            title = _text(spec.pop("title", None)) or title
            note = ""
        if (spec, title, note, "") == (self.spec, self.title, self.note, self.stale):
            return False
        if spec != self.spec:
            self.draws += spec is not None
            self._spec_sent = False
        self.spec, self.title, self.note, self.stale = spec, title, note, ""
        self.version += 1
        return True

    def mark(self, stale: str) -> bool:
        """Say the chart lags the answers (``stale``), or no longer does (``""``)."""
        if stale == self.stale:
            return False
        self.stale = stale
        self.version += 1
        return True

    def to_wire(self, full: bool = True) -> dict[str, Any]:
        """Return the slot as the browser draws it.

        With ``full=False`` the spec is left out unless it changed since it was last sent
        (the browser keeps the chart it has).
        """
        wire = {"name": self.name, "version": self.version, "title": self.title,
                "note": self.note, "stale": self.stale}
        if full or not self._spec_sent:
            wire["spec"] = self.spec
            self._spec_sent = True
        return wire

    def _spec(self, chart: alt.TopLevelMixin) -> dict[str, Any]:
        # nblabel's chart builders are validated against the Vega-Lite schema by their own
        # tests; a redraw skips altair's pass over the whole spec (a tenth of a second each).
        spec = chart.to_dict(validate=False)
        if self.panel.height is not None:
            spec["height"] = self.panel.height
        if self.panel.offset_step is not None:
            spec["height"] = {"step": self.panel.offset_step, "for": "offset"}
        return spec


def _text(title: Any) -> str:
    """Return a Vega-Lite title (a string, lines, or a title object) as one line of text."""
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        return " ".join(str(line) for line in title)
    return "" if title is None else str(title)
