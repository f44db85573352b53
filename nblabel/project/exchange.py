"""Projects built from other tools' exports: Label Studio and Prodigy (see :mod:`nblabel.io`)."""

from __future__ import annotations

from .base import ProjectBase


class Exchange(ProjectBase):
    """Building a project from another tool's export (see :class:`nblabel.Project`)."""
