"""The classification widget in a real JupyterLab / Notebook 7 and Chromium, end to end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .lab import (
    copy_into_root,
    kernel_for,
    kill_kernel,
    open_notebook,
    run_all_cells,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"
INTENT_KEYS = {"1": "bug", "2": "feature_request", "3": "billing", "4": "account", "5": "praise", "6": "other"}
TAG_KEYS = {"1": "data loss", "2": "sync", "3": "mobile", "4": "desktop", "5": "refund"}
ROOT = ".nbl-root"


def ticket(pos: int) -> str:
    return f"T{pos + 1:04d}"


def events_in_kernel(kernel, project: str) -> list[list]:
    """The project's events as [item, event, value, flag, comment] lists, oldest first."""
    return kernel.eval(
        f"{project}.annotations[['item', 'event', 'value', 'flag', 'comment']]"
        ".astype(object).where(lambda t: t.notna(), None).values.tolist()"
    )


def wait_for_events(kernel, project: str, count: int) -> list[list]:
    wait_until(lambda: len(events_in_kernel(kernel, project)) >= count, 20, f"{count} events in {project}")
    return events_in_kernel(kernel, project)


def wait_all_saved(widget) -> None:
    wait_until(lambda: widget.locator(".nbl-save").inner_text() == "all saved ✓", 20, "every answer to be acknowledged")


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def open_widget(server, page, name: str, setup: str):
    """Run a one-cell notebook; return its path and the widget it shows."""
    path = run_notebook(page, server, name, [setup])
    return path, wait_for_widget(page, ROOT)


class Labeler:
    """Presses keys in one widget and keeps the events the kernel must end up with."""

    def __init__(self, page, widget, keys: dict[str, str]):
        self.page, self.widget, self.keys = page, widget, keys
        self.pos = 0
        self.expected: list[list] = []
        widget.click(position={"x": 5, "y": 5})
        # As a person would, type once the widget says its keys are active.
        wait_until(lambda: widget.evaluate("el => el.contains(document.activeElement)"), 10, "the widget to take the keyboard")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def label(self, key: str, *, flag=None, comment=None) -> None:
        # As a person would, answer the item once it is on screen: on a loaded machine a burst
        # can outrun the browser's window, and a key pressed on the waiting screen does nothing.
        wait_until(lambda: shown_item(self.widget) == ticket(self.pos), 20, f"the widget to show {ticket(self.pos)}")
        self.press(key)
        self.expected.append([ticket(self.pos), "label", self.keys[key], flag, comment])
        self.pos += 1


def test_quickstart_label_reload_and_crash(lab_server, page):
    server = lab_server
    path = copy_into_root(server, QUICKSTART)
    open_notebook(page, server, path)
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    run_all_cells(page)
    wait_for_widget(page, ROOT)
    intents, tags = page.locator(f".jp-OutputArea-output {ROOT}").all()
    assert shown_item(intents) == "T0001"
    assert intents.locator(".nbl-text").inner_text().strip()
    assert "Guidelines" in intents.locator(".nbl-guideline summary").inner_text()

    # -- single-label: 30 items with back, undo, skip, flag and comment -------------------------
    lab = Labeler(page, intents, INTENT_KEYS)
    lab.label("1")
    lab.label("1")
    lab.label("2")
    lab.press("?")
    lab.label("3", flag="unsure")
    lab.press("s")
    lab.expected.append([ticket(4), "skip", None, None, None])
    lab.press("u")  # undo the skip: the item comes back
    lab.expected.append([ticket(4), "retract", None, None, None])
    assert shown_item(intents) == ticket(4)
    lab.pos = 4
    lab.label("4")
    lab.press("ArrowLeft")
    lab.press("ArrowLeft")
    assert shown_item(intents) == ticket(3)
    assert "answered: billing" in intents.locator(".nbl-answer").inner_text()
    lab.pos = 3
    lab.label("5", flag="unsure")  # a re-answer is a new event; the unsure mark is kept
    lab.press("ArrowRight")
    assert shown_item(intents) == ticket(5)
    lab.pos = 5
    lab.press("c")
    page.keyboard.type("needs context — ça dépend 🤔")
    page.keyboard.press("Enter")
    lab.label("6", comment="needs context — ça dépend 🤔")
    lab.press("Backspace")
    assert shown_item(intents) == ticket(5)
    lab.press("ArrowRight")
    while lab.pos < 30:
        lab.label(str(1 + lab.pos % 6))
    lab.press("u")  # while the burst may still be in flight
    lab.expected.append([ticket(29), "retract", None, None, None])
    lab.pos = 29
    lab.label("2")
    wait_until(lambda: shown_item(intents) == ticket(30), 20, "the widget to show T0031")

    # -- keys never leak into notebook shortcuts --------------------------------------------
    for key in ["a", "b", "m", "d", "d", "x", "z"]:
        page.keyboard.press(key)
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells_before
    assert shown_item(intents) == ticket(30)

    # -- multi-label: keys toggle, Enter submits -------------------------------------------------
    tagger = Labeler(page, tags, TAG_KEYS)
    for key in ["1", "3", "Enter", "Enter", "2", "Enter", "u", "2", "4", "Enter"]:
        tagger.press(key)
    tag_events = [
        [ticket(0), "label", ["data loss", "mobile"], None, None],
        [ticket(1), "label", [], None, None],
        [ticket(2), "label", ["sync"], None, None],
        [ticket(2), "retract", None, None, None],
        [ticket(2), "label", ["desktop", "sync"], None, None],
    ]
    # -- and by mouse: labels toggle, submit, skip, undo -------------------------------------------
    wait_until(lambda: shown_item(tags) == ticket(3), 20, "the tags widget to show T0004")
    tags.get_by_role("button", name="refund").click()
    tags.get_by_role("button", name="mobile").click()
    tags.get_by_role("button", name="mobile").click()  # toggled off again
    tags.locator(".nbl-submit").click()
    wait_until(lambda: shown_item(tags) == ticket(4), 20, "the tags widget to show T0005")
    tags.locator(".nbl-toolbar .nbl-action", has_text="skip").click()
    wait_until(lambda: shown_item(tags) == ticket(5), 20, "the tags widget to show T0006")
    tags.locator(".nbl-toolbar .nbl-action", has_text="undo").click()
    wait_until(lambda: shown_item(tags) == ticket(4), 20, "the tags widget back on T0005")
    tag_events += [
        [ticket(3), "label", ["refund"], None, None],
        [ticket(4), "skip", None, None, None],
        [ticket(4), "retract", None, None, None],
    ]

    kernel = kernel_for(server, path)
    assert wait_for_events(kernel, "proj", len(lab.expected)) == lab.expected
    assert wait_for_events(kernel, "tagging", len(tag_events)) == tag_events
    assert kernel.eval("int(proj.progress().iloc[0]['done'])") == 30
    assert kernel.eval("bool((proj.annotations['duration_ms'].dropna() > 0).all())") is True
    wait_all_saved(intents)
    wait_all_saved(tags)
    ids_before = kernel.eval("proj.annotations['event_id'].tolist()")
    kernel.close()

    # -- reload: each widget resumes at the right item -------------------------------------------
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    wait_until(lambda: "jp-mod-dirty" not in (page.locator(".jp-Notebook").first.get_attribute("class") or "")
               and page.evaluate("() => !window.jupyterapp.shell.currentWidget.context.model.dirty"), 20, "the notebook to be saved")
    page.reload(wait_until="domcontentloaded")
    wait_for_widget(page, ROOT)
    wait_until(lambda: page.locator(f".jp-OutputArea-output {ROOT}").count() == 2, 20, "both widgets after reload")
    intents, tags = page.locator(f".jp-OutputArea-output {ROOT}").all()
    wait_until(lambda: shown_item(intents) == ticket(30), 20, "the intents widget to resume at T0031")
    wait_until(lambda: shown_item(tags) == ticket(4), 20, "the tags widget to resume at T0005")

    # -- crash: kill the kernel, rerun, nothing acknowledged is lost ------------------------------
    kernel = kill_kernel(server, path, page=page)
    assert kernel.eval("'proj' in globals()") is False
    kernel.close()
    run_all_cells(page)
    kernel = kernel_for(server, path)
    assert events_in_kernel(kernel, "proj") == lab.expected
    assert events_in_kernel(kernel, "tagging") == tag_events
    assert kernel.eval("proj.annotations['event_id'].tolist()") == ids_before
    intents = page.locator(f".jp-OutputArea-output {ROOT}").first
    wait_until(lambda: shown_item(intents) == ticket(30), 20, "the widget to resume after the crash")
    kernel.close()


XSS_TEXTS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<a href=\"javascript:window.__xss = 'link'\">click me</a> javascript:alert(1)",
    "👩‍👩‍👧 family · 🇫🇷 flag · e\u0301 combining · 日本語 · 中文",
    "שלום עולם — مرحبا بالعالم",
    "line one\n    indented line two\n\nafter a blank line",
]
XSS_GUIDE = "# Guide\n\n<script>window.__xss = 'guide'</script>\n\n[bad](javascript:window.__xss='guide-link') [ok](https://example.org)"


def test_text_is_shown_literally_and_nothing_executes(lab_server, page):
    server = lab_server
    setup = (
        "import pandas as pd, nblabel as nl\n"
        f"texts = {XSS_TEXTS!r}\n"
        "df = pd.DataFrame({'text': texts, 'note': ['<b>bold?</b>'] * len(texts)})\n"
        f"task = nl.Classify(['<i>x</i>', 'ok'], text='text', fields={{'Note <u>': 'note'}}, guidelines={XSS_GUIDE!r})\n"
        "proj = nl.Project(df, task, store='xss.db')\n"
        "proj.label('tester')"
    )
    path, widget = open_widget(server, page, "xss.ipynb", setup)
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("g")
    guide = widget.locator(".nbl-guideline-body")
    assert guide.locator("h1").inner_text() == "Guide"
    assert guide.locator("script").count() == 0
    assert guide.locator("a").count() == 1 and guide.locator("a").get_attribute("href") == "https://example.org"
    assert widget.locator(".nbl-label-text").all_inner_texts() == ["<i>x</i>", "ok"]
    assert widget.locator(".nbl-fields dt").inner_text() == "Note <u>"
    for index, text in enumerate(XSS_TEXTS):
        shown = widget.locator(".nbl-text").evaluate("(el) => el.textContent")
        assert shown == text, f"item {index} not shown exactly"
        assert widget.locator(".nbl-text *, .nbl-fields dd *").count() == 0, "data never becomes elements"
        widget.locator(".nbl-text").click()
        page.keyboard.press("2")
    assert page.evaluate("() => window.__xss") is None
    kernel = kernel_for(server, path)
    assert wait_for_events(kernel, "proj", len(XSS_TEXTS)) == [[i, "label", "ok", None, None] for i in range(len(XSS_TEXTS))]

    # A rejected answer shows the kernel's reason and the item comes back.
    page.keyboard.press("ArrowLeft")
    assert widget.locator(".nbl-position").inner_text() == "item 5"
    kernel.execute(
        "def refuse(value):\n    raise ValueError('refused by the test <b>not bold</b>')\n"
        "proj.task.validate = refuse"
    )
    page.keyboard.press("1")
    wait_until(lambda: "refused by the test" in widget.locator(".nbl-notice").inner_text(), 10, "the rejection")
    assert widget.locator(".nbl-notice").inner_text() == "Not saved: refused by the test <b>not bold</b>"
    assert widget.locator(".nbl-position").inner_text() == "item 5"
    assert "answered: ok" in widget.locator(".nbl-answer").inner_text(), "the previous answer is restored"
    assert len(events_in_kernel(kernel, "proj")) == len(XSS_TEXTS)
    kernel.close()

    # Dark theme: the widget follows JupyterLab's theme.
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
    wait_until(lambda: page.evaluate("() => document.body.dataset.jpThemeLight") == "false", 20, "the dark theme")
    background = widget.evaluate("(el) => getComputedStyle(el).backgroundColor")
    rgb = [int(c) for c in background[background.index("(") + 1 : background.index(")")].split(",")[:3]]
    assert sum(rgb) / 3 < 80, f"the widget stays light in the dark theme: {background}"
    text_color = widget.locator(".nbl-text").evaluate("(el) => getComputedStyle(el).color")
    rgb = [int(c) for c in text_color[text_color.index("(") + 1 : text_color.index(")")].split(",")[:3]]
    assert sum(rgb) / 3 > 150, f"text is not light on dark: {text_color}"
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")


def test_notebook7_smoke(notebook_server, page):
    server = notebook_server
    path = copy_into_root(server, QUICKSTART)
    open_notebook(page, server, path)
    run_all_cells(page)
    widget = wait_for_widget(page, ROOT)
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")
    page.keyboard.press("s")
    page.keyboard.press("3")
    assert shown_item(widget) == ticket(3)
    kernel = kernel_for(server, path)
    assert wait_for_events(kernel, "proj", 3) == [
        [ticket(0), "label", "bug", None, None],
        [ticket(1), "skip", None, None, None],
        [ticket(2), "label", "billing", None, None],
    ]
    wait_all_saved(widget)
    assert kernel.eval("proj.progress()['done'].tolist()") == [3]
    kernel.close()


def test_images_fields_focus_and_done_screen(lab_server, page, tmp_path):
    server = lab_server
    setup = (
        "import io, pandas as pd, nblabel as nl\n"
        "from PIL import Image\n"
        "def png(color, size):\n"
        "    out = io.BytesIO(); Image.new('RGB', size, color).save(out, format='PNG'); return out.getvalue()\n"
        "Image.new('RGB', (7, 5), 'red').save('red.png')\n"
        "df = pd.DataFrame({'img': ['red.png', png('blue', (9, 4)), Image.new('RGB', (3, 8), 'green'), 'missing.png'],\n"
        "                   'title': ['Red', 'Blue', 'Green', 'Gone'], 'note': ['a file', 'bytes', 'a PIL image', None]})\n"
        "task = nl.Classify(['keep', 'drop'], image='img', fields={'Title': 'title', 'Note': 'note'})\n"
        "proj = nl.Project(df, task, store='images.db')\n"
        "proj.label('viewer')"
    )
    path, widget = open_widget(server, page, "images.ipynb", setup)
    image = widget.locator("img.nbl-image")
    sizes = []
    for expected in [(7, 5), (9, 4), (3, 8)]:
        wait_until(lambda: image.evaluate("(img) => img.complete && img.naturalWidth > 0"), 10, "the image to load")
        sizes.append(tuple(image.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")))
        assert widget.locator(".nbl-fields dd").first.inner_text() in ("Red", "Blue", "Green")
        widget.click(position={"x": 5, "y": 5})
        page.keyboard.press("1")
        assert expected == sizes[-1]
    assert "Cannot show image: image file not found" in widget.locator(".nbl-image-error").inner_text()
    assert not image.is_visible()
    assert widget.locator(".nbl-fields dd").nth(1).inner_text() == "(missing)"

    # Images decoded ahead are swapped in: going back and forth shows each item's own image.
    def shown_size() -> tuple:
        wait_until(lambda: image.evaluate("(img) => img.complete && img.naturalWidth > 0"), 10, "the image to load")
        return tuple(image.evaluate("(img) => [img.naturalWidth, img.naturalHeight]"))

    for key, expected in [("ArrowLeft", (3, 8)), ("ArrowLeft", (9, 4)), ("ArrowRight", (3, 8)), ("ArrowLeft", (9, 4)), ("ArrowLeft", (7, 5))]:
        page.keyboard.press(key)
        assert shown_size() == expected, key
    assert widget.locator("img.nbl-image").count() == 1, "one image element on screen"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert not image.is_visible()

    # Keys act only while the widget has focus: after Esc, "u" is the notebook's, not an undo.
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    kernel = kernel_for(server, path)
    assert [e[1] for e in wait_for_events(kernel, "proj", 3)] == ["label"] * 3
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("2")
    assert wait_for_events(kernel, "proj", 4)[-1] == [3, "label", "drop", None, None]
    done = widget.locator(".nbl-done")
    wait_until(lambda: done.is_visible(), 10, "the done screen")
    assert "All done" in done.inner_text()
    wait_until(lambda: "4 labeled · 0 skipped" in done.inner_text(), 10, "the summary to count every answer")
    assert widget.locator(".nbl-summary-label").all_inner_texts() == ["keep", "drop"]
    kernel.close()


def test_suggestions_enter_accepts_keys_override(lab_server, page):
    server = lab_server
    setup = (
        "import pandas as pd, nblabel as nl\n"
        "df = pd.DataFrame({'text': ['crash on start', 'charged twice', 'love it'], 'llm': ['bug', 'billing', 'praise'],\n"
        "                   'conf': [0.92, 0.4, None]})\n"
        "proj = nl.Project(df, nl.Classify(['bug', 'billing', 'praise'], text='text', suggest='llm', suggest_confidence='conf'), store='s.db')\n"
        "proj.label('ana')"
    )
    path, widget = open_widget(server, page, "suggest.ipynb", setup)
    hint = widget.locator(".nbl-suggestion")
    assert hint.inner_text() == "suggested: bug (92%) — Enter accepts"
    assert widget.locator("button.nbl-suggested").inner_text().endswith("bug")
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")  # accept
    assert hint.inner_text() == "suggested: billing (40%) — Enter accepts"
    page.keyboard.press("1")  # override with bug
    assert hint.inner_text() == "suggested: praise — Enter accepts"
    page.keyboard.press("Enter")
    kernel = kernel_for(server, path)
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 3, 10, "three answers")
    assert kernel.eval("proj.annotations[['value', 'meta']].values.tolist()") == [
        ["bug", {"suggestion": "bug", "accepted": True}],
        ["bug", {"suggestion": "billing", "accepted": False}],
        ["praise", {"suggestion": "praise", "accepted": True}],
    ]
    kernel.close()


def test_labeling_goes_on_while_the_kernel_is_busy(lab_server, page):
    """A long cell holds the kernel: keys still answer and move on; the answers wait, shown as
    waiting, and are all stored once the kernel is free."""
    server = lab_server
    setup = (
        "import pandas as pd, nblabel as nl\n"
        "df = pd.DataFrame({'text': [f'ticket {i}' for i in range(40)]})\n"
        "proj = nl.Project(df, nl.Classify(['a', 'b'], text='text'), store='busy.db')\n"
        "proj.label('ana')"
    )
    path, widget = open_widget(server, page, "busy.ipynb", setup)
    Labeler(page, widget, {})  # clicks the widget and waits until it has the keyboard
    assert shown_item(widget) == "0"

    # A long cell, run by another client: the kernel says when it has started sleeping.
    sleeper = kernel_for(server, path)
    cell = sleeper.client.execute("print('sleeping', flush=True); import time; time.sleep(12)", store_history=False)
    while True:
        message = sleeper.client.get_iopub_msg(timeout=20)
        if message["parent_header"].get("msg_id") == cell and message["msg_type"] == "stream":
            break
    asleep = time.monotonic()
    for n in range(12):  # fewer than the browser's window of 20: every item is already here
        page.keyboard.press(str(1 + n % 2))
        assert shown_item(widget) == str(n + 1), "the next item at once, from the browser's window"
    # Either the answers wait, shown as waiting, until the cell ends; or the kernel handles
    # the widget's messages beside the running cell (ipykernel 7 can route a comm's messages
    # to a subshell) and they are saved at once. Never does a key wait, and nothing is lost.
    busy, saved = "kernel busy — 12 waiting to be saved", "all saved ✓"
    header = wait_until(lambda: (text := widget.locator(".nbl-save").inner_text()) in (busy, saved) and text, 10,
                        lambda: f"the answers to be shown waiting or saved; the header says {widget.locator('.nbl-save').inner_text()!r}")
    assert time.monotonic() - asleep < 12, f"all of this happened while the kernel slept ({header})"
    while sleeper.client.get_shell_msg(timeout=60)["parent_header"].get("msg_id") != cell:
        pass
    sleeper.close()
    kernel = kernel_for(server, path)
    wait_all_saved(widget)
    assert events_in_kernel(kernel, "proj") == [[n, "label", "ab"[n % 2], None, None] for n in range(12)]
    kernel.close()
