"""One annotator in two notebooks (two kernels) on one SQLite store, in real JupyterLab pages: an
answer given in a view that has not seen the other's answers is refused with the reason, the
view shows the other's answers, nothing is overwritten, and the views agree within one poll."""

from __future__ import annotations

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

ROOT = ".nbl-root"
SETUP = """
import pandas as pd, nblabel as nl
df = pd.DataFrame({'text': [f'ticket {i}' for i in range(20)]})
proj = nl.Project(df, nl.Classify(['a', 'b'], text='text'), store='shared.db')
w = proj.label('ana', window=10)
w
"""
# In the second kernel: no polls until the test says so (its view must not learn of the first
# kernel's answers), and answers held until release() (a kernel slow to answer): the view's keys
# all meet items on screen, and every answer reaches a kernel that has not read the first's.
HOLD = """
hold = {'polls': True, 'answers': []}
_handle = w._session.handle
def _held(message, reply):
    kind = message.get('kind') if isinstance(message, dict) else None
    if hold['polls'] and kind == 'poll':
        return
    if hold['answers'] is not None and kind in ('answer', 'retract'):
        hold['answers'].append((message, reply))
        return
    _handle(message, reply)
w._session.handle = _held
def release():
    for message, reply in hold['answers']:
        _handle(message, reply)
    hold['answers'] = None
"""
STALE = (
    "Not saved: this item was answered meanwhile in another view or notebook of 'ana', which this "
    "answer would have replaced unseen; the current answer is shown now — answer again to change it"
)


def shown(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def answer_text(widget) -> str:
    return widget.locator(".nbl-answer").inner_text()


def events(kernel) -> list[list]:
    """The project's events as [item, event, value], by item, each item's in the order stored."""
    return kernel.eval(
        "proj.annotations.sort_values(['item', 'event_id'])[['item', 'event', 'value']].astype(object).values.tolist()"
    )


def press_on(page, widget, item: int, key: str) -> None:
    """Press ``key`` once ``item`` is on screen, as a person would."""
    wait_until(lambda: shown(widget) == str(item), 20, lambda: f"item {item} on screen; it shows {shown(widget)}")
    page.keyboard.press(key)


def open_view(server, page, name: str):
    path = run_notebook(page, server, name, [SETUP])
    widget = wait_for_widget(page, ROOT)
    wait_until(lambda: shown(widget) == "0", 20, "the first item")
    widget.click(position={"x": 5, "y": 5})
    return path, widget


def test_a_view_that_did_not_see_the_other_kernels_answers_cannot_replace_them(lab_server, page, browser):
    server = lab_server
    second_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other_page = second_context.new_page()
        path_a, first = open_view(server, page, "first.ipynb")
        path_b, second = open_view(server, other_page, "second.ipynb")
        kernel_a, kernel_b = kernel_for(server, path_a), kernel_for(server, path_b)
        kernel_b.execute(HOLD)

        for item in range(5):
            press_on(page, first, item, "1")
        wait_until(lambda: len(events(kernel_a)) == 5, 20, "the first view's five answers")
        assert events(kernel_a) == [[i, "label", "a"] for i in range(5)]

        for item in range(5):
            press_on(other_page, second, item, "2")
        kernel_b.execute("release()")

        notice = second.locator(".nbl-notice")
        wait_until(lambda: notice.is_visible() and notice.inner_text() == STALE, 20,
                   lambda: f"the refusal; the notice says {notice.inner_text()!r}")
        wait_until(lambda: second.locator(".nbl-save").inner_text() == "all saved ✓", 20, "every answer settled")
        assert shown(second) == "0", "back to the first refused item"
        for item in range(5):
            assert shown(second) == str(item)
            assert answer_text(second) == "answered in another view: a · saved · yours was not saved"
            other_page.keyboard.press("ArrowRight")
        assert shown(second) == "5"
        assert events(kernel_a) == [[i, "label", "a"] for i in range(5)], "nothing overwritten"
        assert events(kernel_b) == [[i, "label", "a"] for i in range(5)]

        # Having seen it, the second view may change an answer; the first follows within a poll.
        kernel_b.execute("hold['polls'] = False")
        for _ in range(5):
            page.keyboard.press("ArrowLeft")
        assert shown(first) == "0" and answer_text(first) == "answered: a · saved"
        for _ in range(5):
            other_page.keyboard.press("ArrowLeft")
        press_on(other_page, second, 0, "2")
        wait_until(lambda: len(events(kernel_b)) == 6, 20, "the deliberate change to be stored")
        wait_until(lambda: answer_text(first) == "answered: b · saved", 12,
                   lambda: f"the first view to follow within one poll; it says {answer_text(first)!r}")
        assert events(kernel_a)[:2] == [[0, "label", "a"], [0, "label", "b"]]
        kernel_a.close()
        kernel_b.close()
    finally:
        second_context.close()
