"""The span view's mouse selection inside a shadow root (as marimo renders widgets) and its ↑/↓
keys, on the built bundle in Chromium with a stand-in kernel (see standalone.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import nblabel as nl
from nblabel._payload import Buffers
from nblabel.widgets.spans import SpansWidget

from .lab import TEXT_RANGE_JS, wait_until
from .standalone import mount, sent

pytestmark = pytest.mark.browser

TASK = nl.Spans(["PER", "LOC"], text="text", keys=["1", "2"])


def items(*texts: str) -> list[dict]:
    return [
        {"pos": pos, "id": str(pos), "view": SpansWidget.item_view(TASK, pd.Series({"text": text}), Buffers()),
         "answer": None, "based_on": 0}
        for pos, text in enumerate(texts)
    ]


def char_box(page, start: int, end: int) -> dict:
    """The client rectangle of text[start:end] in the view (inside its shadow root, if any)."""
    return page.evaluate(
        """([start, end]) => {
          const host = document.querySelector('#host');
          const text = (host.shadowRoot || document).querySelector('.nbl-spans-text');
          """ + TEXT_RANGE_JS + """
          const range = textRange(text, start, end);
          const r = range.getClientRects()[0];
          return {x: r.left, y: r.top, width: r.width, height: r.height};
        }""",
        [start, end],
    )


def view_text(page, selector: str) -> str:
    return page.evaluate(
        "(selector) => { const host = document.querySelector('#host');"
        " return (host.shadowRoot || document).querySelector(selector).textContent; }",
        selector,
    )


def answers(page) -> list:
    return [m["value"] for m in sent(page) if m["kind"] == "answer"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_double_click_and_a_drag_select_text_inside_a_shadow_root(page):
    text = "Ann met Bob in Paris."
    mount(page, "spans", task=TASK.to_dict(), upcoming=items(text, "next"), shadow=True)
    wait_until(lambda: view_text(page, ".nbl-spans-text") == text, 10, "the text in the shadow root")

    bob = char_box(page, 8, 11)
    page.mouse.dblclick(bob["x"] + bob["width"] / 2, bob["y"] + bob["height"] / 2)
    wait_until(lambda: "Selected" in view_text(page, ".nbl-spans-context"), 5,
               lambda: f"the word to be selected; the status says {view_text(page, '.nbl-spans-context')!r}")
    page.keyboard.press("1")

    paris_start, paris_end = char_box(page, 15, 16), char_box(page, 19, 20)
    page.mouse.move(paris_start["x"] + 1, paris_start["y"] + paris_start["height"] / 2)
    page.mouse.down()
    page.mouse.move(paris_end["x"] + paris_end["width"] - 1, paris_end["y"] + paris_end["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_until(lambda: answers(page), 5, "the answer to be sent")
    assert answers(page) == [[{"start": 8, "end": 11, "label": "PER"}, {"start": 15, "end": 20, "label": "LOC"}]]


def test_arrow_down_and_up_move_the_caret_by_one_line(page):
    text = "first line\nsecond line\nthird line"
    mount(page, "spans", task=TASK.to_dict(), upcoming=items(text))
    wait_until(lambda: view_text(page, ".nbl-spans-text") == text, 10, "the text")
    line_height = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.nbl-spans-text')).lineHeight)")
    glyph = char_box(page, 3, 4)
    assert line_height > 2 * glyph["height"], "lines far taller than glyphs: what made ↓ a no-op"

    page.mouse.click(glyph["x"] + 1, glyph["y"] + glyph["height"] / 2)  # caret on the first line
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("2")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_until(lambda: answers(page), 5, "the answer to be sent")
    [spans] = answers(page)
    line = {0: "first", 1: "second", 2: "third"}
    where = {(line[text[: span["start"]].count("\n")], span["label"]) for span in spans}
    assert where == {("second", "PER"), ("third", "LOC"), ("first", "LOC")}, spans


TAGS_JS = """
() => {
  const host = document.querySelector('#host');
  const root = host.shadowRoot || document;
  const text = root.querySelector('.nbl-spans-text');
  """ + TEXT_RANGE_JS + """
  return [...root.querySelectorAll('.nbl-spans-tag')].map((tag) => {
    const box = tag.getBoundingClientRect();
    return {label: tag.textContent, x: box.left, y: box.bottom, focus: tag.querySelector('.nbl-spans-tag-focus') !== null};
  });
}
"""


def tags_in_view(page) -> list[dict]:
    """The label tags drawn, in reading order: their text and where they stand."""
    return sorted(page.evaluate(TAGS_JS), key=lambda tag: (round(tag["y"]), tag["x"]))


def test_label_tags_follow_deleting_and_undoing_a_span(page):
    words = [f"w{k:02d}" for k in range(40)]
    text = " ".join(words)
    starts = [text.index(word) for word in words]
    spans = [{"start": s, "end": s + 3, "label": "PER" if k % 3 else "LOC"} for k, s in enumerate(starts)]
    item = items(text)[0] | {"answer": {"event": "label", "value": spans}}
    mount(page, "spans", task=TASK.to_dict(), upcoming=[item])
    wait_until(lambda: len(tags_in_view(page)) == 40, 10, "a tag for each span")

    def expect(kept: list[dict]) -> None:
        def right() -> bool:
            tags = tags_in_view(page)
            if [tag["label"] for tag in tags] != [span["label"] for span in kept]:
                return False
            # Each tag stands over the start of its span.
            return all(abs(tag["x"] - char_box(page, span["start"], span["start"] + 1)["x"]) < 4
                       for tag, span in zip(tags, kept, strict=True))
        wait_until(right, 10, lambda: f"tags {[t['label'] for t in tags_in_view(page)]} over {len(kept)} spans")

    expect(spans)
    first = char_box(page, 0, 1)
    page.mouse.click(first["x"] + 1, first["y"] + first["height"] / 2)  # the view has the keys

    def focused() -> int:
        wait_until(lambda: any(tag["focus"] for tag in tags_in_view(page)), 10, "a focused span")
        return next(k for k, tag in enumerate(tags_in_view(page)) if tag["focus"])

    for _ in range(11):
        page.keyboard.press("]")  # focus a span in the middle
    gone = focused()
    assert 5 < gone < 35
    page.keyboard.press("Delete")
    expect(spans[:gone] + spans[gone + 1:])
    page.keyboard.press("Control+z")
    expect(spans)
    for _ in range(3):
        page.keyboard.press("]")
    gone = focused()
    page.keyboard.press("Delete")
    expect(spans[:gone] + spans[gone + 1:])
