"""The one rule for tests of real parts (Chromium, PostgreSQL, Label Studio, marimo, Voilà).

A part that is missing fails the test when the ``CI`` environment variable is set, and skips it
(saying why) otherwise, so CI never passes a test that did not run.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether the ``CI`` environment variable is set (to anything but empty/0/false/no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(what: str) -> NoReturn:
    """Fail (under CI) or skip (locally) because a real part the test needs is missing."""
    if in_ci():
        pytest.fail(f"{what} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(f"{what} (set CI=1 to make this a failure)")
