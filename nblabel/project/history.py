"""Answers in bulk and as of a moment: importing earlier annotations, reproducible snapshots."""

from __future__ import annotations

from .base import ProjectBase


class History(ProjectBase):
    """Bulk import and snapshots of a project's answers (see :class:`nblabel.Project`)."""
