"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pandas as pd
import pytest

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
