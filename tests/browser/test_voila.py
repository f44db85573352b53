"""A labeling notebook served by a real Voilà server is an annotator's app, in Chromium.

The annotator opens a link; the page shows the labeling widget and nothing of the notebook's
code, keys label the items, and the answers land in the project's store (read here by this
process) under the name the link carries. Requests that would leave the machine are refused:
the only ones are Voilà's own template's Font Awesome stylesheets (nblabel uses no icon font),
and the app works without them.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import pytest

import nblabel as nl

from .conftest import serve_peer
from .lab import wait_until
from .peers import PeerServer

pytestmark = pytest.mark.browser

#: The notebook a team lead hands out: the annotator's name comes from the link.
SETUP = """\
import os, urllib.parse
import nblabel as nl

query = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
annotator = query.get("annotator", [None])[0]  # None: JUPYTERHUB_USER or the login name
df = nl.datasets.load_support_tickets().head(12)
task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
proj = nl.Project(df, task, store="tickets.db", name="tickets")
"""
LABEL = "proj.label(annotator)"
SECRET = "load_support_tickets"  # a piece of the code that must not reach the page
#: What Voilà's page template itself loads from a CDN (its "lab" and "classic" templates).
VOILA_TEMPLATE_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@"


def notebook(cells: list[str]) -> str:
    return json.dumps({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": source} for i, source in enumerate(cells)],
    })


@pytest.fixture(scope="module")
def voila(request: pytest.FixtureRequest) -> Iterator[PeerServer]:
    """A Voilà server of the labeling notebook (fails under CI if it cannot start)."""
    yield from serve_peer(request, "voila", {"label.ipynb": notebook([SETUP, LABEL])})


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def test_an_annotator_labels_by_keys_in_the_app_and_the_answers_are_stored(voila, page):
    off_machine: list[str] = []

    def refuse_off_machine(route) -> None:
        if urllib.parse.urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            off_machine.append(route.request.url)
            route.abort()

    page.route("**/*", refuse_off_machine)
    page.goto(voila.url_for("label.ipynb") + "?annotator=ana")
    widget = page.locator(".nbl-root")
    wait_until(lambda: widget.count() == 1 and widget.is_visible(), 120,
               lambda: f"the labeling widget; the page says {page.locator('body').inner_text()[:500]!r}")

    # An app, not a notebook: no code, no editor, no cell prompts.
    assert SECRET not in page.content()
    assert page.locator(".jp-InputArea, .jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt").count() == 0
    assert widget.locator(".nbl-header").inner_text().startswith("ana")

    df = nl.datasets.load_support_tickets().head(12)
    task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
    keys = {label: str(i + 1) for i, label in enumerate(task.labels)}
    wait_until(lambda: shown_item(widget) == df.index[0], 30, "the first item")
    widget.click(position={"x": 5, "y": 5})
    for item in df.index[:5]:
        wait_until(lambda item=item: shown_item(widget) == item, 10, f"item {item}")
        page.keyboard.press(keys[df.at[item, "intent"]])
    page.keyboard.press("s")  # skip the sixth

    def events():
        proj = nl.Project(df, task, store=voila.root / "tickets.db", name="tickets")
        try:
            return proj.annotations
        finally:
            proj.close()

    wait_until(lambda: len(events()) == 6, 30, "six answers stored")
    stored = events()
    assert stored["item"].tolist() == df.index[:6].tolist()
    assert stored["event"].tolist() == ["label"] * 5 + ["skip"]
    assert stored["value"].tolist()[:5] == df["intent"].iloc[:5].tolist()
    assert set(stored["annotator"]) == {"ana"}
    assert [url for url in off_machine if not url.startswith(VOILA_TEMPLATE_CDN)] == []
