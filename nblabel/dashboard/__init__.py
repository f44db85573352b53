"""The live dashboard: a project's charts, redrawn as answers arrive and as the model retrains.

:func:`dashboard` builds a :class:`Dashboard`, one anywidget (``widget``) whose browser half
(``widgets/dashboard/`` in the source tree) draws the charts with the Vega bundled in nblabel.
What each panel is for (``panels``), what is drawn from a project and when each part is
recomputed (``drawing``), each panel's versioned spec (``slots``), the table of chosen items
(``table``) and the throttled redraws on the kernel's event loop (``throttle``) have a module
each; ``protocol`` says what the dashboard reads of a project.

Examples
--------
>>> import nblabel as nl
>>> dash = nl.dashboard.dashboard(proj, min_interval=2)  # doctest: +SKIP
"""

from .widget import Dashboard, dashboard

__all__ = ["Dashboard", "dashboard"]
