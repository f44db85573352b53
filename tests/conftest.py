"""Fixtures shared by the unit tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from real_parts import unavailable

import nblabel as nl


@pytest.fixture
def texts() -> pd.DataFrame:
    """A small frame of texts with string ids, including scripts a labeling tool must handle."""
    return pd.DataFrame(
        {
            "text": [
                "Great product, works as advertised.",
                "Crashes on start\nevery single time.",
                "meh 👩‍👩‍👧 🇫🇷",
                "שלום עולם — right to left",
                "café vs cafe\u0301",
                "日本語のテキスト",
                "<script>alert(1)</script><img src=x onerror=alert(2)>",
                "",
            ]
        },
        index=pd.Index([f"t{i}" for i in range(8)], name="ticket"),
    )


@pytest.fixture
def task() -> nl.Classify:
    return nl.Classify(["pos", "neg", "neutral"], text="text")


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "labels.db"


@pytest.fixture
def project(texts, task, store_path) -> nl.Project:
    proj = nl.Project(texts, task, store=store_path, name="demo")
    yield proj
    proj.close()


#: URL of a PostgreSQL database the tests may create schemas in (set by .ci/run).
POSTGRES_URL = os.environ.get("NBLABEL_TEST_POSTGRES_URL")


@pytest.fixture
def postgres_url() -> str:
    """A PostgreSQL URL whose default schema is fresh for this test (dropped afterwards)."""
    if not POSTGRES_URL:
        unavailable("no PostgreSQL server configured: set NBLABEL_TEST_POSTGRES_URL (see .ci/run)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path) -> str:
    """A store location on each engine: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "labels.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The one Playwright driver of the test run (its sync API allows one per thread at a time).

    Every fixture that launches Chromium, the browser tests' and the Label Studio web app's,
    launches it from this driver: a second ``sync_playwright()`` while this one runs would be
    refused as "Sync API inside the asyncio loop".
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"the playwright package is not importable: {exc}")
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()
