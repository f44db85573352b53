"""The header at narrow and wide widths, hover after a click, and whose suggestion a view shows,
in a real JupyterLab and Chromium. Screenshots of the header are kept under the artifacts folder
(``tests/browser/artifacts/screenshots``) for a person to look at."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS
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
df = pd.DataFrame({'text': [f'ticket {i}: the app crashes when I open the settings page' for i in range(30)]})
proj = nl.Project(df, nl.Classify(['bug', 'billing', 'praise', 'feature'], text='text'), store=STORE)
proj.prelabel(lambda rows: [{'value': 'billing', 'confidence': 0.9}] * len(rows), name='rules', version='v2', progress=False)
people = pd.DataFrame({'text': ['Ann met Bob in Paris.', 'Nothing here.']})
spans = nl.Project(people, nl.Spans(['PER', 'LOC'], text='text'), store=STORE, name='people')
spans.prelabel(lambda rows: [[{'start': 15, 'end': 20, 'label': 'LOC'}] if 'Paris' in t else None for t in rows['text']],
               name='gazetteer', progress=False)
display(proj.label('annotator-with-a-long-name'))
spans.label('ana')
"""


def open_views(server, page, width: int, name: str):
    page.set_viewport_size({"width": width, "height": 900})
    path = run_notebook(page, server, name, [SETUP.replace('STORE', repr(name.replace('.ipynb', '.db')))])
    wait_for_widget(page, ROOT)
    wait_until(lambda: page.locator(f".jp-OutputArea-output {ROOT}").count() == 2, 20, "both views")
    classify, spans = page.locator(f".jp-OutputArea-output {ROOT}").all()
    wait_until(lambda: classify.locator(".nbl-position").is_visible(), 20, "the first item")
    return path, classify, spans


def box(locator) -> dict:
    return locator.evaluate("(el) => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


@pytest.mark.parametrize("width", [700, 1400])
def test_the_header_keeps_a_usable_progress_bar(lab_server, page, width):
    _, classify, _ = open_views(lab_server, page, width, f"header{width}.ipynb")
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    classify.screenshot(path=str(shots / f"classify-{width}px.png"))
    header = classify.locator(".nbl-header")
    bar = box(header.locator(".nbl-bar"))
    assert bar["width"] >= 150, f"the progress bar is squeezed to {bar['width']:.0f} px at {width} px"
    parts = header.evaluate("(el) => [...el.children].filter((c) => c.getClientRects().length).map((c) => c.getBoundingClientRect().bottom)")
    counts = box(header.locator(".nbl-counts"))
    assert counts["height"] < 30, "counts never wrap inside themselves"
    if width == 1400:
        assert max(parts) - min(parts) < 12, "one line when there is room"


def test_a_clicked_button_does_not_look_chosen_for_the_next_item(lab_server, page):
    _, classify, _ = open_views(lab_server, page, 1400, "hover.ipynb")
    bug = classify.get_by_role("button", name="bug")
    plain = classify.get_by_role("button", name="praise").evaluate("(b) => getComputedStyle(b).borderColor")
    centre = box(bug)
    page.mouse.move(centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2)
    page.mouse.down()
    page.mouse.up()
    wait_until(lambda: classify.locator(".nbl-position").inner_text() == "item 1", 10, "the next item")
    assert bug.evaluate("(b) => b.matches(':hover')"), "the pointer is still over the button"
    assert bug.evaluate("(b) => getComputedStyle(b).borderColor") == plain, "it must look like the other buttons"
    assert bug.get_attribute("aria-pressed") == "false"
    page.mouse.move(centre["x"] + centre["width"] / 2 + 3, centre["y"] + centre["height"] / 2)
    wait_until(lambda: bug.evaluate("(b) => getComputedStyle(b).borderColor") != plain, 5, "hover to show once the pointer moves")


def test_a_view_says_whose_suggestion_it_shows(lab_server, page):
    path, classify, spans = open_views(lab_server, page, 1400, "whose.ipynb")
    hint = classify.locator(".nbl-suggestion")
    assert hint.inner_text() == "rules suggests: billing (90%) — Enter accepts"
    assert hint.get_attribute("title") == "rules, version v2"
    classify.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")

    counts = spans.locator(".nbl-spans-counts")
    wait_until(lambda: "gazetteer suggests 1 span — Enter accepts all" in counts.inner_text(), 10,
               lambda: f"the span view to name the pre-labeler; it says {counts.inner_text()!r}")
    spans.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")  # accepts the suggestion
    page.keyboard.press("Enter")  # submits
    with kernel_for(lab_server, path) as kernel:
        wait_until(lambda: kernel.eval("len(spans.annotations[spans.annotations['event'] == 'label'])") == 1, 10, "the span answer")
        assert kernel.eval("proj.annotations[proj.annotations['event'] == 'label']['meta'].tolist()") == [{"suggestion": "billing", "accepted": True}]
        meta = kernel.eval("spans.annotations[spans.annotations['event'] == 'label']['meta'].iloc[0]")
        assert meta["suggestions"]["source"] == "prelabel:gazetteer" and meta["suggestions"]["accepted"] == [0]
        assert kernel.eval("spans.annotations[spans.annotations['event'] == 'label']['value'].iloc[0]") == [{"start": 15, "end": 20, "label": "LOC"}]
