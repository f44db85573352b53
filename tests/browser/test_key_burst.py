"""Keys at machine speed, in a real JupyterLab and Chromium: an answer is only ever for the item
on screen. A burst that outruns the browser's window labels no item that was never painted, and a
key on the waiting screen neither answers nor moves the view."""

from __future__ import annotations

import time

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

ROOT = ".jp-OutputArea-output .nbl-root"
SETUP = """
import pandas as pd, nblabel as nl
df = pd.DataFrame({'text': [f'ticket {i}' for i in range(300)]})
proj = nl.Project(df, nl.Classify(['a', 'b'], text='text'), store=STORE)
w = proj.label('ana', window=WINDOW)
w
"""
# Holds the view's answers in the kernel until release(): a kernel that is slow to answer.
GATE = """
gate = {'closed': True, 'queue': []}
_handle = w._session.handle
def _gated(message, reply):
    if gate['closed'] and isinstance(message, dict) and message.get('kind') in ('answer', 'retract'):
        gate['queue'].append((message, reply))
        return
    _handle(message, reply)
w._session.handle = _gated
def release():
    gate['closed'] = False
    for message, reply in gate.pop('queue'):
        _handle(message, reply)
"""
# Records, in the page, every screen the widget draws: "item N" while an item is shown,
# "waiting" on the waiting screen (a MutationObserver sees each change before the next key).
RECORD_SCREENS = """
() => {
  const root = document.querySelector('.jp-OutputArea-output .nbl-root');
  const pane = root.querySelector('.nbl-item-pane');
  const position = root.querySelector('.nbl-position');
  const waiting = root.querySelector('.nbl-waiting');
  const screens = window.__screens = [];
  const note = () => {
    const now = !pane.hidden ? position.textContent : !waiting.hidden ? 'waiting' : 'other';
    if (screens[screens.length - 1] !== now) screens.push(now);
  };
  new MutationObserver(note).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  note();
}
"""


def open_view(server, page, name: str, window: int):
    setup = SETUP.replace("STORE", repr(name.replace(".ipynb", ".db"))).replace("WINDOW", str(window))
    path = run_notebook(page, server, name, [setup])
    widget = wait_for_widget(page, ".nbl-root")
    wait_until(lambda: widget.locator(".nbl-position").inner_text() == "item 0", 20, "the first item")
    widget.click(position={"x": 5, "y": 5})
    page.evaluate(RECORD_SCREENS)
    return path, widget


def events(kernel) -> list[list]:
    return kernel.eval("proj.annotations.sort_values(['item', 'event_id'])[['item', 'event']].values.tolist()")


def test_a_burst_that_outruns_the_window_answers_only_painted_items(lab_server, page):
    path, widget = open_view(lab_server, page, "burst.ipynb", window=5)
    keys = (["1", "2", "2", "1", "s"] * 15)[:75]
    began = time.monotonic()
    for key in keys:
        page.keyboard.press(key)
    took = time.monotonic() - began

    with kernel_for(lab_server, path) as kernel:
        def settled():
            if widget.locator(".nbl-save").inner_text() != "all saved ✓":
                return False
            first = events(kernel)
            time.sleep(0.5)
            return first == events(kernel) and first
        stored = wait_until(settled, 30, "the answers to settle")
    screens = page.evaluate("() => window.__screens")
    painted = {int(screen.removeprefix("item ")) for screen in screens if screen.startswith("item ")}
    assert "waiting" in screens, f"the burst ({took:.2f} s) never outran the window: {screens}"
    unseen = [event for event in stored if event[0] not in painted]
    assert not unseen, f"answers to items never painted: {unseen}\npainted: {screens}"
    assert len([e for e in stored if e[1] == "label"]) >= 5, stored


def test_keys_on_the_waiting_screen_neither_answer_nor_move_the_view(lab_server, page):
    path, widget = open_view(lab_server, page, "waiting.ipynb", window=3)
    kernel = kernel_for(lab_server, path)
    kernel.execute(GATE)
    for key in ["1", "2", "1"]:
        page.keyboard.press(key)
    waiting = widget.locator(".nbl-waiting")
    assert waiting.is_visible() and waiting.inner_text() == "Waiting for the kernel to send more items…"
    for key in ["ArrowLeft", "Backspace", "u", "s", "1", "ArrowRight", "Enter", "?"]:
        page.keyboard.press(key)
        assert waiting.is_visible(), f"{key!r} moved the view off the waiting screen"
    assert events(kernel) == []
    kernel.execute("release()")
    wait_until(lambda: widget.locator(".nbl-position").inner_text() == "item 3", 20, "the next item once the kernel answers")
    wait_until(lambda: len(events(kernel)) >= 3, 20, "the three answers")
    time.sleep(1)
    assert events(kernel) == [[0, "label"], [1, "label"], [2, "label"]]
    kernel.close()
    assert page.evaluate("() => window.__screens") == ["item 0", "item 1", "item 2", "waiting", "item 3"]
