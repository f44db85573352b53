"""The span view in a real JupyterLab and Chromium: exact offsets by mouse and keyboard, end to end.

Every span made here is checked in the kernel as ``text[start:end]`` against the characters the
test meant to select — across astral emoji, a ZWJ family, regional-indicator flags, combining
marks, CJK, Hebrew (right to left) and a ``\\r\\n`` line break.
"""

from __future__ import annotations

import pytest

from .lab import (
    TEXT_RANGE_JS,
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

SETUP = r'''
import pandas as pd, nblabel as nl
HARD = "Zoë met 👩‍👩‍👧 and e\u0301te\u0301 in 東京, then תל אביב.\r\nParis\r\nACME Corp. 🇫🇷"
df = pd.DataFrame({
    "text": [HARD, "Ana Lima moved from São Paulo to Tel Aviv.", "Ana moved to Paris today.", "Nothing here."],
    "guess": [None, [(0, 8, "PER"), (20, 29, "LOC"), (33, 41, "LOC")], [(0, 3, "PER"), (13, 18, "LOC")], None],
})
task = nl.Spans(["PER", "LOC", "ORG"], text="text", suggest="guess")
proj = nl.Project(df, task, store="spans.db", name="ents")
proj.label("ana")
'''

REVIEW = r'''
both = nl.Project(df, nl.Spans(["PER", "LOC", "ORG"], text="text"), store="spans.db", name="disputed")
both.add(1, [(0, 8, "PER"), (20, 29, "LOC")], annotator="ana")
both.add(1, [(0, 8, "PER"), (20, 29, "ORG")], annotator="ben")
both.review("lead")
'''

OVERLAP = r'''
nested = nl.Project(df.head(1), nl.Spans(["PER", "LOC", "ORG"], text="text", overlap=True), store="spans.db", name="nested")
nested.label("ana")
'''


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


class Text:
    """Points on the widget's text, found from UTF-16 offsets of its text node."""

    def __init__(self, page, widget, kernel, project: str, pos: int):
        self.page, self.widget = page, widget
        self.text = kernel.eval(f"{project}.df['text'].iloc[{pos}]")

    def units(self, index: int) -> int:
        """UTF-16 offset of code point ``index``."""
        return len(self.text[:index].encode("utf-16-le")) // 2

    def edge(self, index: int, side: str) -> dict:
        """Viewport point just inside the left or right edge of the character at ``index``."""
        start = self.units(index)
        end = self.units(index + 1)
        box = self.widget.locator(".nbl-spans-text").evaluate(
            """(el, [start, end]) => {
                """ + TEXT_RANGE_JS + """
                const range = textRange(el, start, end);
                const r = range.getClientRects()[0];
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
            }""",
            [start, end],
        )
        y = (box["top"] + box["bottom"]) / 2
        return {"x": box["left"] + 1 if side == "left" else box["right"] - 1, "y": y}

    def click_before(self, substring: str) -> None:
        point = self.edge(self.text.index(substring), "left")
        self.page.mouse.click(point["x"], point["y"])

    def drag(self, substring: str) -> None:
        start = self.text.index(substring)
        a, b = self.edge(start, "left"), self.edge(start + len(substring) - 1, "right")
        self.page.mouse.move(a["x"], a["y"])
        self.page.mouse.down()
        self.page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=3)
        self.page.mouse.move(b["x"], b["y"], steps=3)
        self.page.mouse.up()

    def double_click(self, word: str) -> None:
        start = self.text.index(word)
        a, b = self.edge(start, "left"), self.edge(start + len(word) - 1, "right")
        self.page.mouse.dblclick((a["x"] + b["x"]) / 2, a["y"])

    def span(self, substring: str, label: str, after: str | None = None) -> list:
        start = self.text.index(substring, self.text.index(after) if after else 0)
        return [start, start + len(substring), label]


def spans_of(kernel, project: str, row: int = -1) -> list:
    value = kernel.eval(f"{project}.annotations.iloc[{row}]['value']")
    return [[s["start"], s["end"], s["label"]] for s in value]


def test_spans_by_mouse_and_keyboard_are_exact(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "spans.ipynb", [SETUP, REVIEW, OVERLAP])
    wait_for_widget(page, ".nbl-root")
    wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == 3, 30, "three widgets")
    widget, review, nested = page.locator(".jp-OutputArea-output .nbl-root").all()
    kernel = kernel_for(server, path)
    text = Text(page, widget, kernel, "proj", 0)
    notice = widget.locator(".nbl-spans-notice")

    # -- keyboard: click before, Shift+→ per grapheme, then the label key -------------------------
    def by_keys(substring: str, graphemes: int, key: str) -> None:
        text.click_before(substring)
        for _ in range(graphemes):
            page.keyboard.press("Shift+ArrowRight")
        page.keyboard.press(key)

    by_keys("Zoë", 3, "1")
    by_keys("👩‍👩‍👧", 1, "1")  # one grapheme: five code points, eight UTF-16 units
    by_keys("e\u0301te\u0301", 3, "3")  # three graphemes, five code points
    by_keys("🇫🇷", 1, "2")
    text.click_before(" תל")  # the space before the Hebrew: → steps into it, then 7 graphemes
    page.keyboard.press("ArrowRight")
    for _ in range(7):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("2")

    # -- mouse: drag, a drag across the \r\n line break, a double-clicked word ------------------
    text.drag("東京")
    page.keyboard.press("2")
    text.drag("Paris\r\nACME")
    page.keyboard.press("3")
    text.double_click("Corp")
    page.keyboard.press("3")

    # -- without overlap, a crossing span replaces; Ctrl+Z brings the old one back ------------------
    text.drag("Zoë met")
    page.keyboard.press("1")
    assert "spans may not overlap" in notice.inner_text()
    page.keyboard.press("Control+z")
    assert notice.inner_text() == "Undone."
    page.keyboard.press("Enter")

    expected = sorted([
        text.span("Zoë", "PER"), text.span("👩‍👩‍👧", "PER"), text.span("e\u0301te\u0301", "ORG"),
        text.span("🇫🇷", "LOC"), text.span("תל אביב", "LOC"), text.span("東京", "LOC"),
        text.span("Paris\r\nACME", "ORG"), text.span("Corp", "ORG"),
    ])
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 1, 20, "the first answer")
    assert spans_of(kernel, "proj") == expected
    for start, end, _label in expected:
        assert kernel.eval(f"proj.df['text'].iloc[0][{start}:{end}]") == text.text[start:end]

    # -- suggestions: Enter accepts them all, Enter again submits ---------------------------------
    wait_until(lambda: shown_item(widget) == "1", 10, "item 1")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 2, 20, "the accepted suggestions")
    assert spans_of(kernel, "proj") == [[0, 8, "PER"], [20, 29, "LOC"], [33, 41, "LOC"]]
    report = kernel.eval("proj.annotations.iloc[-1]['meta']['suggestions']")
    assert report["accepted"] == [0, 1, 2] and report["rejected"] == [] and report["source"] == "column:guess"

    # -- one accepted (Space), one rejected (Delete), one span added, then submit -------------------
    wait_until(lambda: shown_item(widget) == "2", 10, "item 2")
    second = Text(page, widget, kernel, "proj", 2)
    second.click_before("Ana")  # a click on a suggestion selects it: Space accepts
    page.keyboard.press(" ")
    second.click_before("Paris")  # Delete rejects
    page.keyboard.press("Delete")
    second.double_click("today")
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 3, 20, "the edited suggestions")
    assert spans_of(kernel, "proj") == [[0, 3, "PER"], [19, 24, "ORG"]]
    report = kernel.eval("proj.annotations.iloc[-1]['meta']['suggestions']")
    assert (report["accepted"], report["rejected"]) == ([0], [1])

    # -- u undoes the last answer; a reload resumes at the first unanswered item -------------------
    wait_until(lambda: shown_item(widget) == "3", 10, "item 3")
    page.keyboard.press("u")
    wait_until(lambda: kernel.eval("proj.annotations['event'].tolist()[-1]") == "retract", 20, "the retract")
    assert shown_item(widget) == "2"

    # -- overlap allowed: a nested span is kept beside the outer one ------------------------------
    inner = Text(page, nested, kernel, "nested", 0)
    nested.click(position={"x": 5, "y": 5})
    inner.drag("Paris\r\nACME Corp")
    page.keyboard.press("3")
    inner.double_click("Paris")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_until(lambda: kernel.eval("len(nested.annotations)") == 1, 20, "the nested spans")
    assert spans_of(kernel, "nested") == sorted([inner.span("Paris\r\nACME Corp", "ORG"), inner.span("Paris", "LOC")])

    # -- adjudication: each annotator's spans described; Shift+2 takes ben's ----------------------
    assert review.locator(".nbl-review-who").all_inner_texts() == ["ana", "ben"]
    assert review.locator(".nbl-review-value").all_inner_texts() == ["2 spans (PER, LOC)", "2 spans (PER, ORG)"]
    review.click(position={"x": 5, "y": 5})
    page.keyboard.press("Shift+Digit2")
    wait_until(lambda: kernel.eval("int((both.annotations['source'] == 'adjudicated').sum())") == 1, 20, "the decision")
    decision = kernel.eval("both.annotations.iloc[-1][['annotator', 'meta']].tolist()")
    assert decision == ["lead", {"picked": "ben"}]
    assert spans_of(kernel, "both") == [[0, 8, "PER"], [20, 29, "ORG"]]
    kernel.close()

    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    wait_until(lambda: page.evaluate("() => !window.jupyterapp.shell.currentWidget.context.model.dirty"), 20, "the notebook to be saved")
    page.reload(wait_until="domcontentloaded")
    wait_for_widget(page, ".nbl-root")
    wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == 3, 30, "the widgets after reload")
    widget = page.locator(".jp-OutputArea-output .nbl-root").first
    wait_until(lambda: shown_item(widget) == "2", 20, "the span widget to resume at item 2")
