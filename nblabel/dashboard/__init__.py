"""The live dashboard: a project's charts, redrawn as answers arrive and as the model retrains.

:func:`dashboard` builds a :class:`Dashboard` (``widget``); each chart sits in a slot that
redraws only when its spec changes (``slots``), and redraws are throttled and run on the kernel's
event loop (``throttle``).

Examples
--------
>>> import nblabel as nl
>>> dash = nl.dashboard.dashboard(proj, min_interval=2)  # doctest: +SKIP
"""

from .widget import Dashboard, dashboard

__all__ = ["Dashboard", "dashboard"]
