"""A kernel restarted while answers wait, in a real JupyterLab and Chromium: the view says exactly
which answers were not saved and keeps them in the browser; the next view of the project offers
them, and submitting stores them. Nothing shown as waiting is lost without being named."""

from __future__ import annotations

import time

import pytest

from .lab import (
    kernel_for,
    run_all_cells,
    run_notebook,
    wait_for_page_kernel_idle,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

ROOT = ".jp-OutputArea-output .nbl-root"
SETUP = """
import pandas as pd, nblabel as nl
df = pd.DataFrame({'text': [f'ticket {i}' for i in range(40)]})
proj = nl.Project(df, nl.Classify(['a', 'b'], text='text'), store='lost.db')
w = proj.label('ana')
w
"""
# The kernel holds the view's answers without storing them (a kernel busy with a long cell):
# they are still waiting when it restarts.
HOLD_ANSWERS = """
held = []
_handle = w._session.handle
w._session.handle = lambda message, reply: (
    held.append(message) if isinstance(message, dict) and message.get('kind') == 'answer' else _handle(message, reply))
"""
VALUES = {"1": "a", "2": "b"}


def shown(widget) -> int:
    return int(widget.locator(".nbl-position").inner_text().removeprefix("item "))


def events(kernel) -> list[list]:
    return kernel.eval("proj.annotations.sort_values(['item', 'event_id'])[['item', 'event', 'value']].astype(object).values.tolist()")


def test_a_restart_mid_burst_loses_nothing_unsaid_and_the_next_view_submits_the_answers(lab_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    path = run_notebook(page, lab_server, "lost.ipynb", [SETUP])
    widget = wait_for_widget(page, ".nbl-root")
    wait_until(lambda: shown(widget) == 0, 20, "the first item")
    with kernel_for(lab_server, path) as kernel:
        kernel.execute(HOLD_ANSWERS)
    widget.click(position={"x": 5, "y": 5})

    keys = ["1", "2", "2", "1", "1", "2", "1"]
    for key in keys:
        page.keyboard.press(key)
    assert shown(widget) == 7
    # Restart from the menu's command, and go on pressing keys while the kernel restarts.
    page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    accept.click()
    widget.click(position={"x": 5, "y": 5})
    for key in ["2", "1", "2"]:
        page.keyboard.press(key)
        time.sleep(0.05)
    wait_for_page_kernel_idle(page, path, timeout=60)

    lost = widget.locator(".nbl-unsaved")
    wait_until(lambda: lost.is_visible(), 20, "the view to say the kernel was lost")
    answered = shown(widget)  # every item before it was answered in this view
    items = lost.locator("li").all_inner_texts()
    pressed = keys + ["2", "1", "2"]
    assert items == [f"item {i}: {VALUES[pressed[i]]}" for i in range(answered)], items
    assert lost.locator(".nbl-unsaved-title").inner_text() == f"The kernel was restarted or stopped: {answered} answers not saved."
    assert "kept in this browser" in lost.inner_text()
    assert widget.locator(".nbl-save").inner_text() == f"kernel lost — {answered} not saved"
    page.keyboard.press("1")
    assert shown(widget) == answered, "no answer once the kernel is gone"
    assert widget.locator(".nbl-notice").inner_text() == "Not saved: the kernel was restarted or stopped. Run the cell again to go on."
    assert not [e for e in errors if "Cannot send" in e or "nblabel" in e.lower()], errors

    # The next view of the project and annotator offers them; ⇧S submits them.
    run_all_cells(page)
    widget = wait_for_widget(page, ".nbl-root")
    offer = widget.locator(".nbl-unsaved")
    wait_until(lambda: offer.is_visible() and "earlier view" in offer.inner_text(), 20,
               lambda: f"the offer; the view says {widget.inner_text()[:300]!r}")
    assert offer.locator("li").all_inner_texts() == items
    with kernel_for(lab_server, path) as kernel:
        assert events(kernel) == [], "nothing was stored by the lost kernel"
        widget.click(position={"x": 5, "y": 5})
        page.keyboard.press("Shift+S")
        wait_until(lambda: len(events(kernel)) == answered, 20, f"{answered} answers stored")
        assert events(kernel) == [[i, "label", VALUES[pressed[i]]] for i in range(answered)]
    wait_until(lambda: widget.locator(".nbl-save").inner_text() == "all saved ✓", 20, "all saved")
    assert not offer.is_visible()
    assert shown(widget) == answered, "the view moved past the submitted items"
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('nblabel.'))") == []
