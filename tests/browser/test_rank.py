"""The ranking widget in a real JupyterLab / Notebook 7 and Chromium, end to end."""

from __future__ import annotations

import pytest

from nblabel.tasks import Rank

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

ROOT = ".jp-OutputArea-output .nbl-root"
AB = Rank(["brief", "thorough"], prompt="prompt", rating=(1, 5))
FOUR = Rank(["w", "x", "y", "z"], prompt="q")
BOTH = ["brief", "thorough"]
AB_LONG = Rank(["a", "b"])
LONG = " ".join(f"word{i}" for i in range(900))  # about 5,000 characters
FOUR_TEXTS = {
    "w": ["<script>window.__xss = 'w'</script>", "w two", "w three"],
    "x": ["<img src=x onerror=\"window.__xss = 'x'\">", "x two", "x three"],
    "y": ["שלום עולם — مرحبا 👩‍👩‍👧 e\u0301", "y two", "y three"],
    "z": ["line one\n  line two\n\nline four", "z two", "z three"],
}

SETUP = f"""
import pandas as pd
from nblabel import Project
from nblabel.tasks import Rank
from nblabel._preference_data import load_answer_pairs
pairs = load_answer_pairs().head(6)
long = pd.DataFrame({{"prompt": ["A long one"], "brief": [{LONG!r}], "thorough": [{LONG!r}.replace("word450", "WORD")]}}, index=["P99"])
pairs = pd.concat([pairs, long])
ab = Project(pairs, Rank(["brief", "thorough"], prompt="prompt", rating=(1, 5)), store="ab.db")
ab.label("ana")
"""
FOUR_SETUP = f"""
four_df = pd.DataFrame({FOUR_TEXTS!r}, index=["r1", "r2", "r3"]).assign(q=["Which reads best?"] * 3)
four = Project(four_df, Rank(["w", "x", "y", "z"], prompt="q"), store="four.db")
four.label("ana")
"""


def events(kernel, project: str) -> list[list]:
    """The project's events as [item, event, value, meta, flag, comment], oldest first."""
    return kernel.eval(
        f"{project}.annotations[['item', 'event', 'value', 'meta', 'flag', 'comment']]"
        ".astype(object).where(lambda t: t.notna(), None).values.tolist()"
    )


def wait_for_events(kernel, project: str, expected: list[list]) -> None:
    wait_until(lambda: len(events(kernel, project)) >= len(expected), 20, f"{len(expected)} events in {project}")
    stored = events(kernel, project)
    assert stored == expected, "the kernel's events:\n" + "\n".join(map(repr, stored)) + "\nexpected:\n" + "\n".join(map(repr, expected))


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def wait_item(widget, item: str) -> None:
    wait_until(lambda: shown_item(widget) == item, 20, f"item {item} on screen")


def card_names(widget) -> list[str]:
    return widget.locator(".nbl-rank-list .nbl-rank-card .nbl-rank-name").all_inner_texts()


def test_pairs_and_rankings_by_key_and_drag_reload_and_resume(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "rank.ipynb", [SETUP, FOUR_SETUP])
    wait_for_widget(page, ".nbl-rank-pane")
    wait_until(lambda: page.locator(ROOT).count() == 2, 20, "both widgets")
    ab, four = page.locator(ROOT).all()
    kernel = kernel_for(server, path)
    texts = kernel.eval("pairs[['brief', 'thorough']].to_dict('index')")

    # -- A/B: the options side by side in the order drawn for the annotator ---------------------
    ab.click(position={"x": 5, "y": 5})
    expected = []
    s = AB.order_for("P01", "ana")
    assert ab.locator(".nbl-rank-prompt").inner_text() == "What is the capital of Australia?"
    assert ab.locator(".nbl-rank-pane .nbl-rank-text").all_inner_texts() == [texts["P01"][k] for k in s]
    page.keyboard.press("d")  # highlight differences: the texts stay whole, changes are spans
    panes = ab.locator(".nbl-rank-pane .nbl-rank-text")
    assert [panes.nth(i).evaluate("(el) => el.textContent") for i in (0, 1)] == [texts["P01"][k] for k in s]
    assert ab.locator(".nbl-rank-changed").count() > 0
    assert ab.locator(".nbl-rank-text *:not(.nbl-rank-changed)").count() == 0
    page.keyboard.press("1")
    expected.append(["P01", "label", [[s[0]], [s[1]]], {"shown": s}, None, None])
    wait_item(ab, "P02")
    s = AB.order_for("P02", "ana")
    page.keyboard.press("2")
    expected.append(["P02", "label", [[s[1]], [s[0]]], {"shown": s}, None, None])
    s = AB.order_for("P03", "ana")
    page.keyboard.press("t")
    expected.append(["P03", "label", [BOTH], {"shown": s}, None, None])
    s = AB.order_for("P04", "ana")
    page.keyboard.press("x")
    expected.append(["P04", "label", [BOTH], {"shown": s, "all_bad": True}, None, None])
    wait_item(ab, "P05")
    s5 = AB.order_for("P05", "ana")
    for key in ["r", "4", "2"]:  # rate A 4, then B 2
        page.keyboard.press(key)
    assert ab.locator(".nbl-rank-chip.nbl-on").all_inner_texts() == ["4", "2"]
    page.keyboard.press("c")
    page.keyboard.type("clear and correct")
    page.keyboard.press("Enter")
    page.keyboard.press("1")
    expected.append(["P05", "label", [[s5[0]], [s5[1]]], {"shown": s5, "ratings": {s5[0]: 4, s5[1]: 2}}, None, "clear and correct"])
    s = AB.order_for("P06", "ana")
    page.keyboard.press("2")
    expected.append(["P06", "label", [[s[1]], [s[0]]], {"shown": s}, None, None])
    wait_item(ab, "P99")
    page.keyboard.press("u")  # undo: P06 comes back
    expected.append(["P06", "retract", None, None, None, None])
    wait_item(ab, "P06")
    assert ab.locator(".nbl-rank-pane.nbl-rank-winner").count() == 0
    page.keyboard.press("?")
    page.keyboard.press("t")
    expected.append(["P06", "label", [BOTH], {"shown": s}, "unsure", None])
    wait_item(ab, "P99")
    wait_for_events(kernel, "ab", expected)

    # Long texts scroll together, by wheel and by key.
    left, right = panes.nth(0), panes.nth(1)
    assert left.evaluate("(el) => el.scrollHeight > el.clientHeight"), "the long text overflows its pane"
    box = left.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    wait_until(lambda: left.evaluate("(el) => el.scrollTop") > 0, 10, "the left pane to scroll")
    wait_until(lambda: abs(right.evaluate("(el) => el.scrollTop") - left.evaluate("(el) => el.scrollTop")) <= 2, 10, "the right pane to follow")
    before = right.evaluate("(el) => el.scrollTop")
    page.keyboard.press("ArrowDown")
    wait_until(lambda: right.evaluate("(el) => el.scrollTop") > before, 10, "ArrowDown to scroll both panes")
    assert [p.evaluate("(el) => el.querySelectorAll('.nbl-rank-changed').length") for p in (left, right)] == [1, 1]

    # -- four options: keyboard ----------------------------------------------------------------------
    four.click(position={"x": 5, "y": 5})
    s = FOUR.order_for("r1", "ana")
    cards = four.locator(".nbl-rank-card .nbl-rank-text")
    assert [cards.nth(i).evaluate("(el) => el.textContent") for i in range(4)] == [FOUR_TEXTS[k][0] for k in s]
    assert four.locator(".nbl-rank-text *").count() == 0, "data never becomes elements"
    for key in ["4", "ArrowUp", "ArrowUp", "ArrowUp"]:  # the option shown last goes to the top
        page.keyboard.press(key)
    assert card_names(four) == ["Option 4", "Option 1", "Option 2", "Option 3"]
    page.keyboard.press("3")
    page.keyboard.press("t")  # tie it with the one above
    assert four.locator(".nbl-rank-place").all_inner_texts() == ["#1", "#2", "#3 (tie)", "#3 (tie)"]
    page.keyboard.press("Enter")
    four_expected = [["r1", "label", [[s[3]], [s[0]], sorted([s[1], s[2]])], {"shown": s}, None, None]]
    wait_item(four, "r2")

    # -- four options: drag and drop --------------------------------------------------------------
    s = FOUR.order_for("r2", "ana")
    four.locator(".nbl-rank-list").evaluate("(el) => el.scrollIntoView({block: 'center'})")  # no scrolling mid-drag
    heads = four.locator(".nbl-rank-card .nbl-rank-head")
    groups = four.locator(".nbl-rank-group")
    heads.nth(2).drag_to(groups.nth(0), target_position={"x": 40, "y": 3})  # above the first
    assert card_names(four) == ["Option 3", "Option 1", "Option 2", "Option 4"]
    middle = groups.nth(1).bounding_box()["height"] / 2
    heads.nth(3).drag_to(groups.nth(1), target_position={"x": 40, "y": middle})  # onto the second: a tie
    assert card_names(four) == ["Option 3", "Option 1", "Option 4", "Option 2"]
    assert four.locator(".nbl-rank-place").all_inner_texts() == ["#1", "#2 (tie)", "#2 (tie)", "#4"]
    four.click(position={"x": 5, "y": 5})
    page.keyboard.press("Enter")
    four_expected.append(["r2", "label", [[s[2]], sorted([s[0], s[3]]), [s[1]]], {"shown": s}, None, None])
    wait_item(four, "r3")
    s = FOUR.order_for("r3", "ana")
    page.keyboard.press("x")  # all bad
    four_expected.append(["r3", "label", [["w", "x", "y", "z"]], {"shown": s, "all_bad": True}, None, None])
    wait_until(lambda: four.locator(".nbl-done").is_visible(), 10, "the done screen")
    page.keyboard.press("u")
    four_expected.append(["r3", "retract", None, None, None, None])
    wait_item(four, "r3")
    for key in ["j", "ArrowDown", "Enter"]:  # select the second, move it down, submit
        page.keyboard.press(key)
    four_expected.append(["r3", "label", [[s[0]], [s[2]], [s[1]], [s[3]]], {"shown": s}, None, None])
    wait_until(lambda: four.locator(".nbl-done").is_visible(), 10, "the done screen")
    wait_until(lambda: "3 labeled · 0 skipped" in four.locator(".nbl-done").inner_text(), 20, "the summary to count every answer")
    wait_for_events(kernel, "four", four_expected)
    assert page.evaluate("() => window.__xss") is None
    wait_until(lambda: ab.locator(".nbl-save").inner_text() == "all saved ✓", 20, "every answer to be saved")
    kernel.close()

    # -- reload: both widgets resume; a rated answer shows its ratings and can be changed ------------
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    wait_until(lambda: page.evaluate("() => !window.jupyterapp.shell.currentWidget.context.model.dirty"), 20, "the notebook to be saved")
    page.reload(wait_until="domcontentloaded")
    wait_for_widget(page, ".nbl-rank-pane")
    wait_until(lambda: page.locator(ROOT).count() == 2, 20, "both widgets after reload")
    ab, four = page.locator(ROOT).all()
    wait_item(ab, "P99")
    wait_until(lambda: four.locator(".nbl-done").is_visible(), 20, "the four-option widget to be done")
    ab.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_item(ab, "P05")
    assert ab.locator(".nbl-rank-chip.nbl-on").all_inner_texts() == ["4", "2"]
    assert "answered: A better · rated A 4, B 2" in ab.locator(".nbl-answer").inner_text()
    assert ab.locator(".nbl-rank-pane").nth(0).get_attribute("class").endswith("nbl-rank-winner")
    for key in ["r", "5", "Escape"]:  # A is a 5 after all
        page.keyboard.press(key)
    assert "Changed — press Enter to save." in ab.locator(".nbl-rank-status").inner_text()
    page.keyboard.press("Enter")
    expected.append(["P05", "label", [[s5[0]], [s5[1]]], {"shown": s5, "ratings": {s5[0]: 5, s5[1]: 2}}, None, "clear and correct"])
    wait_item(ab, "P06")
    kernel = kernel_for(server, path)
    wait_for_events(kernel, "ab", expected)
    assert kernel.eval("ab.progress()['labeled'].tolist()") == [6]
    kernel.close()

    # Dark theme: the panes follow JupyterLab's theme.
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
    wait_until(lambda: page.evaluate("() => document.body.dataset.jpThemeLight") == "false", 20, "the dark theme")
    pane = ab.locator(".nbl-rank-pane").first
    background = pane.evaluate("(el) => getComputedStyle(el).backgroundColor")
    text = pane.locator(".nbl-rank-text").evaluate("(el) => getComputedStyle(el).color")
    assert _brightness(background) < 80, f"the pane stays light in the dark theme: {background}"
    assert _brightness(text) > 150, f"text is not light on dark: {text}"
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")


def test_notebook7_pair_key_and_drag(notebook_server, page):
    server = notebook_server
    setup = (
        "import pandas as pd\nfrom nblabel import Project\nfrom nblabel.tasks import Rank\n"
        "df = pd.DataFrame({'a': ['alpha 1', 'alpha 2'], 'b': ['beta 1', 'beta 2'], 'c': ['gamma 1', 'gamma 2']}, index=['i1', 'i2'])\n"
        "pair = Project(df, Rank(['a', 'b'], ties=False), store='pair.db')\n"
        "pair.label('nb')"
    )
    three = "trio = Project(df, Rank(['a', 'b', 'c']), store='trio.db')\ntrio.label('nb')"
    path = run_notebook(page, server, "rank7.ipynb", [setup, three])
    wait_for_widget(page, ".nbl-rank-pane")
    wait_until(lambda: page.locator(ROOT).count() == 2, 20, "both widgets")
    pair, trio = page.locator(ROOT).all()
    assert pair.locator("button:has-text('tie')").count() == 0, "no tie without ties"
    pair.click(position={"x": 5, "y": 5})
    page.keyboard.press("t")  # not a key of this task: nothing happens
    page.keyboard.press("2")
    wait_item(pair, "i2")
    s = Rank(["a", "b"]).order_for("i1", "nb")
    trio.click(position={"x": 5, "y": 5})
    trio.locator(".nbl-rank-list").evaluate("(el) => el.scrollIntoView({block: 'center'})")  # no scrolling mid-drag
    heads = trio.locator(".nbl-rank-card .nbl-rank-head")
    last = trio.locator(".nbl-rank-group").nth(2)
    heads.nth(0).drag_to(last, target_position={"x": 40, "y": last.bounding_box()["height"] * 0.9})  # below the last
    assert card_names(trio) == ["Option 2", "Option 3", "Option 1"]
    trio.locator("button:has-text('submit ranking')").click()
    t = Rank(["a", "b", "c"]).order_for("i1", "nb")
    wait_item(trio, "i2")
    with kernel_for(server, path) as kernel:
        wait_for_events(kernel, "pair", [["i1", "label", [[s[1]], [s[0]]], {"shown": s}, None, None]])
        wait_for_events(kernel, "trio", [["i1", "label", [[t[1]], [t[2]], [t[0]]], {"shown": t}, None, None]])


REVIEW_SETUP = """
from nblabel import Project
from nblabel.tasks import Rank
from nblabel._preference_data import load_answer_pairs
team = Project(load_answer_pairs().head(3), Rank(["brief", "thorough"], prompt="prompt", rating=(1, 5)), store="team.db")
VERDICTS = {  # as each annotator's widget sends them: value and the details it records
    "ana": {"P01": ([["brief"], ["thorough"]], {"ratings": {"brief": 4, "thorough": 2}}),
            "P02": ([["thorough"], ["brief"]], {}), "P03": ([["thorough"], ["brief"]], {})},
    "ben": {"P01": ([["brief", "thorough"]], {"all_bad": True}),
            "P02": ([["brief"], ["thorough"]], {}), "P03": ([["thorough"], ["brief"]], {})},
}
for annotator, verdicts in VERDICTS.items():
    widget = team.label(annotator)
    widget._on_message(widget, {"kind": "hello", "to": annotator}, [])
    for item, (value, meta) in verdicts.items():
        shown = team.task.order_for(item, annotator)
        widget._on_message(widget, {"kind": "answer", "req": item, "pos": int(team.df.index.get_loc(item)),
                                    "event": "label", "value": value, "meta": {"shown": shown, **meta}}, [])
assert len(team.annotations) == 6
team.review("lead")
"""


def test_adjudicating_rankings(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "rank_review.ipynb", [REVIEW_SETUP])
    widget = wait_for_widget(page, ".nbl-rank-pane").locator("xpath=ancestor::*[contains(@class, 'nbl-root')][1]")
    assert widget.locator(".nbl-who").inner_text() == "lead · reviewing"
    wait_item(widget, "P01")

    def name(item: str, option: str) -> str:  # the option's side on the reviewer's screen
        return "AB"[AB.order_for(item, "lead").index(option)]

    # Each annotator's verdict reads as the reviewer sees the pair: sides, ratings, "both bad".
    rows = widget.locator(".nbl-review-row")
    wait_until(lambda: rows.count() == 2, 10, "both annotators' answers")
    assert widget.locator(".nbl-review-who").all_inner_texts() == ["ana", "ben"]
    rated = ", ".join(f"{side} {4 if name('P01', 'brief') == side else 2}" for side in "AB")
    assert widget.locator(".nbl-review-value").all_inner_texts() == [f"{name('P01', 'brief')} better · rated {rated}", "both bad"]
    assert [rows.nth(i).locator("kbd").inner_text() for i in (0, 1)] == ["⇧1", "⇧2"]
    assert "⇧1–⇧9" in widget.locator(".nbl-legend").inner_text()

    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("Shift+Digit2")  # take ben's verdict: both bad
    wait_item(widget, "P02")
    assert widget.locator(".nbl-review-value").all_inner_texts() == [f"{name('P02', 'thorough')} better", f"{name('P02', 'brief')} better"]
    for key in ["r", "5", "3", "1"]:  # a verdict of one's own: rate A 5 and B 3, then A is better
        page.keyboard.press(key)
    wait_until(lambda: widget.locator(".nbl-done").is_visible(), 10, "the end of the review (P03 was agreed on)")

    # Back on P01, the reviewer changes their mind and takes ana's verdict, ratings included.
    page.keyboard.press("ArrowLeft")
    wait_item(widget, "P02")
    assert "answered: A better · rated A 5, B 3" in widget.locator(".nbl-answer").inner_text()
    page.keyboard.press("ArrowLeft")
    wait_item(widget, "P01")
    assert "answered: both bad" in widget.locator(".nbl-answer").inner_text()
    assert widget.locator(".nbl-rank-actions button[aria-pressed='true'] .nbl-label-text").all_inner_texts() == ["both bad"]
    page.keyboard.press("Shift+Digit1")
    wait_item(widget, "P02")

    s1, s2 = AB.order_for("P01", "lead"), AB.order_for("P02", "lead")
    expected = [
        ["P01", "label", [BOTH], {"shown": s1, "all_bad": True, "picked": "ben"}],
        ["P02", "label", [[s2[0]], [s2[1]]], {"shown": s2, "ratings": {s2[0]: 5, s2[1]: 3}}],
        ["P01", "label", [["brief"], ["thorough"]], {"shown": s1, "ratings": {"brief": 4, "thorough": 2}, "picked": "ana"}],
    ]
    with kernel_for(server, path) as kernel:
        decisions = (
            "team.annotations.query('source == \"adjudicated\"')"
            "[['item', 'event', 'value', 'meta']].values.tolist()"
        )
        wait_until(lambda: len(kernel.eval(decisions)) == 3, 20, "three decisions in the kernel")
        assert kernel.eval(decisions) == expected
        assert kernel.eval("team.annotations.query('source == \"adjudicated\"')['annotator'].unique().tolist()") == ["lead"]
        assert kernel.eval("len(team.annotations)") == 9, "the annotators' own answers stay as they were"


def _brightness(css_color: str) -> float:
    inside = css_color[css_color.index("(") + 1 : css_color.index(")")]
    return sum(float(c) for c in inside.split(",")[:3]) / 3


#: Long options with paragraphs (CRLF), right-to-left text, emoji and combining marks; B changes a
#: few of A's words, so highlighting has runs to mark.
LONG_SETUP = """
import random
import pandas as pd
from nblabel import Project
from nblabel.tasks import Rank
WORDS = ["answer", "שלום", "مرحبا", "👩‍👩‍👧", "🇫🇷", "e\\u0301té", "日本語", "<b>bold</b>", "cache", "server"]
def option(seed, changed):
    rng = random.Random(seed)
    words = [rng.choice(WORDS) + ("\\r\\n\\r\\n" if rng.random() < 0.03 else "") for _ in range(900)]
    return " ".join(w if not changed or rng.random() > 0.05 else w.upper() + " extra words" for w in words)
long_df = pd.DataFrame({"a": [option(i, False) for i in range(4)], "b": [option(i, True) for i in range(4)]},
                       index=[f"L{i}" for i in range(4)])
longs = Project(long_df, Rank(["a", "b"]), store="longs.db")
longs.label("ana")
"""

#: Records, for each keypress, what the first frame after the panes changed showed: the drawn
#: text's length and whether it overflowed its pane (the pane is full).
FIRST_FRAME_JS = """
(root) => {
  const panes = [...root.querySelectorAll('.nbl-rank-pane .nbl-rank-text')];
  window.__firstFrames = [];
  let keyed = false;
  window.addEventListener('keydown', () => { keyed = true; }, true);
  new MutationObserver(() => {
    if (!keyed) return;
    keyed = false;
    requestAnimationFrame(() => {
      window.__firstFrames.push(panes.map((el) => ({
        length: el.textContent.length, full: el.scrollHeight > el.clientHeight + 10,
        hasMarks: el.querySelector('.nbl-rank-changed') !== null})));
    });
  }).observe(panes[0], {childList: true});
}
"""


def test_long_options_are_drawn_screen_first_and_then_whole(lab_server, page):
    path = run_notebook(page, lab_server, "rank_long.ipynb", [LONG_SETUP])
    widget = wait_for_widget(page, ".nbl-rank-pane").locator("xpath=ancestor::*[contains(@class, 'nbl-root')][1]")
    kernel = kernel_for(lab_server, path)
    texts = kernel.eval("long_df.to_dict('index')")
    panes = widget.locator(".nbl-rank-pane .nbl-rank-text")

    def whole(item: str) -> bool:
        order = AB_LONG.order_for(item, "ana")
        return [panes.nth(i).evaluate("(el) => el.textContent") for i in (0, 1)] == [texts[item][k] for k in order]

    widget.click(position={"x": 5, "y": 5})
    wait_until(lambda: whole("L0"), 10, "the first pair drawn whole")
    widget.evaluate(FIRST_FRAME_JS)
    for i, key in enumerate(["1", "d", "2"]):  # the second pair, then the same with highlights, then the third
        page.keyboard.press(key)
        item = ["L1", "L1", "L2"][i]
        wait_until(lambda item=item: whole(item), 10, f"{item}'s options drawn whole")
    frames = widget.evaluate("() => window.__firstFrames")
    assert len(frames) == 3, frames
    order = {item: AB_LONG.order_for(item, "ana") for item in ("L1", "L2")}
    for frame, item in zip(frames, ("L1", "L1", "L2"), strict=True):
        for side, drawn in enumerate(frame):
            full_length = len(texts[item][order[item][side]].encode("utf-16-le")) // 2
            assert drawn["full"], f"the first frame of {item} fills pane {side}: {frame}"
            assert drawn["length"] < full_length, f"{item} pane {side} was drawn screen first: {frame}"
    assert frames[1][0]["hasMarks"] and frames[2][1]["hasMarks"], "highlighted runs are drawn in the first frame"
    # What was drawn first and what followed are one text: highlighted runs stay whole.
    changed = widget.locator(".nbl-rank-changed").all_inner_texts()
    assert changed and all(part.strip() for part in changed)
    kernel.close()

