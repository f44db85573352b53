"""One bad row never blocks a view, in a real JupyterLab and Chromium: an item whose text holds a
lone surrogate says what is wrong, label keys on it are refused with a note, it can be skipped,
and the other items are labeled, in Classify and in Rank."""

from __future__ import annotations

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
texts = pd.Series(['one', 'caf\\udce9 au lait', 'three', 'four'], dtype=object)
df = pd.DataFrame({'text': texts, 'other': pd.Series(['x', 'y', 'z', 'w'], dtype=object)})
classify = nl.Project(df, nl.Classify(['a', 'b'], text='text'), store='bad.db', name='classify')
rank = nl.Project(df, nl.Rank(['text', 'other']), store='bad.db', name='rank')
display(classify.label('ana'))
rank.label('ana')
"""


def shown(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def events(kernel, project: str) -> list[list]:
    return kernel.eval(f"{project}.annotations.sort_values(['item', 'event_id'])[['item', 'event']].values.tolist()")


@pytest.mark.parametrize("which", [0, 1], ids=["classify", "rank"])
def test_a_bad_item_shows_its_problem_is_skipped_and_the_rest_are_labeled(lab_server, page, which):
    project = ["classify", "rank"][which]
    path = run_notebook(page, lab_server, f"bad_{project}.ipynb", [SETUP.replace("bad.db", f"bad_{project}.db")])
    wait_for_widget(page, ".nbl-root")
    wait_until(lambda: page.locator(ROOT).count() == 2, 20, "both views")
    widget = page.locator(ROOT).nth(which)
    wait_until(lambda: shown(widget) == "0", 20, lambda: f"the first item; the view says {widget.inner_text()[:200]!r}")
    widget.click(position={"x": 5, "y": 5})

    page.keyboard.press("1")
    wait_until(lambda: shown(widget) == "1", 10, "the bad item")
    problem = widget.locator(".nbl-problem")
    assert problem.is_visible()
    assert "cannot be sent to a browser" in problem.inner_text() and "surrogate" in problem.inner_text()
    assert not widget.locator(".nbl-body").is_visible(), "the task's view is not drawn for it"

    page.keyboard.press("1")  # a label key: refused here, with a note
    note = widget.locator(".nbl-notice")
    assert note.inner_text() == "This item cannot be labeled: s skips it, ← goes back."
    assert shown(widget) == "1"
    page.keyboard.press("s")
    wait_until(lambda: shown(widget) == "2", 10, "the next item after the skip")
    assert widget.locator(".nbl-body").is_visible() and not problem.is_visible()
    page.keyboard.press("2")
    wait_until(lambda: shown(widget) == "3", 10, "the last item")
    page.keyboard.press("1")
    wait_until(lambda: widget.locator(".nbl-done").is_visible(), 10, "the done screen")

    # Back over the skipped item and forward past it.
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    assert shown(widget) == "1" and "skipped" in widget.locator(".nbl-answer").inner_text()
    page.keyboard.press("ArrowRight")
    assert shown(widget) == "2"

    with kernel_for(lab_server, path) as kernel:
        wait_until(lambda: len(events(kernel, project)) == 4, 20, "four answers stored")
        assert events(kernel, project) == [[0, "label"], [1, "skip"], [2, "label"], [3, "label"]]
    text = widget.inner_text()
    assert "internal error" not in text and "Loading items" not in text
