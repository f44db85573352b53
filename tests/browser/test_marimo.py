"""nblabel in a real marimo server (``marimo run``) and Chromium: every view labels by keys, the
dashboard draws, and its clicks work.

marimo shows anywidgets through ``mo.ui.anywidget``, inside a shadow root. Each app is a file of
``@app.cell`` functions whose project writes to a store beside it; the test reads that store
itself, so what it checks is what reached the disk, not what the page says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from textwrap import indent

import pandas as pd
import pytest

import nblabel as nl
from nblabel._preference_data import load_answer_pairs

from .conftest import serve_peer
from .lab import TEXT_RANGE_JS, wait_until
from .peers import PeerServer

pytestmark = pytest.mark.browser

APP = '''import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo
    import pandas as pd
    import nblabel as nl
    from nblabel._preference_data import load_answer_pairs
    from sklearn.linear_model import LogisticRegression

    store = str(mo.notebook_dir() / "{name}.db")
{setup}
    return {names}


{cells}

if __name__ == "__main__":
    app.run()
'''

TICKETS = """\
df = nl.datasets.load_support_tickets().head(12)
task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
proj = nl.Project(df, task, store=store, name="tickets")
"""
SENTENCES = {"s1": "Ana Lima moved to Paris.", "s2": "Bob met Cy in Rome.", "s3": "Nothing here."}
SPANS = f"""\
df = pd.DataFrame({{"text": {SENTENCES!r}}})
task = nl.Spans(["PER", "LOC"], text="text", keys=["1", "2"])
proj = nl.Project(df, task, store=store, name="sentences")
"""
RANK = """\
df = load_answer_pairs().head(4)
task = nl.Rank(["brief", "thorough"], prompt="prompt")
proj = nl.Project(df, task, store=store, name="pairs")
"""
DASHBOARD = """\
df = nl.datasets.load_support_tickets()
intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
proj = nl.Project(df, nl.Classify(intents, text="text"), store=store, name="tickets")
seed = df["intent"].groupby(df["intent"]).head(8)  # a colleague labeled 8 of each intent
if len(proj.annotations) == 0:
    for item, intent in seed.items():
        proj.add(item, intent, "ben")
    for item, intent in seed.head(12).items():
        proj.add(item, intent, "ana")
proj.learn(LogisticRegression(max_iter=300), retrain_every=1000, seed=0, cv=3)
assert proj.learner.wait(60)
dash = proj.dashboard(annotator="cy", min_interval=0.2, agreement_resamples=20)
board = mo.ui.anywidget(dash)
"""
LABELER = '''@app.cell
def _(mo, proj):
    mo.ui.anywidget(proj.label("ana", window=6))
    return
'''
BOARD = '''@app.cell
def _(board):
    board
    return


@app.cell
def _(board, dash, mo):
    view = dash.view_for(board.value["request"])  # runs again at each "Relabel these" / "Review these"
    mo.ui.anywidget(view) if view else None
    return
'''


def app(name: str, setup: str, names: str, cells: str) -> str:
    return APP.format(name=name, setup=indent(setup, "    "), names=names, cells=cells)


APPS = {
    "classify.py": app("classify", TICKETS, "mo, proj", LABELER),
    "spans.py": app("spans", SPANS, "mo, proj", LABELER),
    "rank.py": app("rank", RANK, "mo, proj", LABELER),
    "dashboard.py": app("dashboard", DASHBOARD, "board, dash, mo", BOARD),
}


@pytest.fixture(scope="module")
def marimo(request: pytest.FixtureRequest) -> Iterator[PeerServer]:
    """A ``marimo run`` server of the apps above (fails under CI if it cannot start)."""
    yield from serve_peer(request, "marimo", APPS)


#: The project each app labels, by app.
PROJECTS = {"classify": "tickets", "spans": "sentences", "rank": "pairs", "dashboard": "tickets"}


def stored(server: PeerServer, name: str, df: pd.DataFrame, task) -> pd.DataFrame:
    """The events of an app's project, read from its store by this process."""
    proj = nl.Project(df, task, store=server.root / f"{name}.db", name=PROJECTS[name])
    try:
        return proj.annotations
    finally:
        proj.close()


def open_app(page, server: PeerServer, name: str, selector: str):
    page.goto(server.url_for(name))
    widget = page.locator(selector).first
    wait_until(lambda: widget.is_visible(), 60, f"{selector} in the {name} app")
    return widget


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def test_classification_by_keys_reaches_the_store(marimo, page):
    df = nl.datasets.load_support_tickets().head(12)
    task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
    widget = open_app(page, marimo, "classify.py", ".nbl-root")
    wait_until(lambda: shown_item(widget) == df.index[0], 30, "the first item")
    keys = {label: str(i + 1) for i, label in enumerate(task.labels)}
    widget.click(position={"x": 5, "y": 5})
    for item in df.index[:6]:
        wait_until(lambda item=item: shown_item(widget) == item, 10, f"item {item}")
        page.keyboard.press(keys[df.at[item, "intent"]])
    wait_until(lambda: len(stored(marimo, "classify", df, task)) == 6, 20, "six answers stored")
    events = stored(marimo, "classify", df, task)
    assert events["item"].tolist() == df.index[:6].tolist()
    assert events["value"].tolist() == df["intent"].iloc[:6].tolist()
    assert set(events["annotator"]) == {"ana"} and set(events["event"]) == {"label"}


def char_box(widget, start: int, end: int) -> dict:
    """The client rectangle of text[start:end] in the span view (inside marimo's shadow root)."""
    return widget.locator(".nbl-spans-text").evaluate(
        """(el, [start, end]) => {
          """ + TEXT_RANGE_JS + """
          const range = textRange(el, start, end);
          const r = range.getClientRects()[0];
          return {x: r.left, y: r.top, width: r.width, height: r.height};
        }""",
        [start, end],
    )


def test_spans_by_keys_and_a_double_click_inside_the_shadow_root(marimo, page):
    df = pd.DataFrame({"text": SENTENCES})
    task = nl.Spans(["PER", "LOC"], text="text", keys=["1", "2"])
    widget = open_app(page, marimo, "spans.py", ".nbl-root")
    text = SENTENCES["s1"]
    wait_until(lambda: widget.locator(".nbl-spans-text").text_content() == text, 30, "the first text")
    assert widget.evaluate("(el) => el.getRootNode() instanceof ShadowRoot"), "marimo's shadow root"
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Shift+ArrowRight")  # the first word, by keys
    page.keyboard.press("1")
    paris = text.index("Paris")
    box = char_box(widget, paris, paris + len("Paris"))
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_until(lambda: len(stored(marimo, "spans", df, task)) == 1, 20, "the answer stored")
    [value] = stored(marimo, "spans", df, task)["value"]
    assert [(text[s["start"]:s["end"]], s["label"]) for s in value] == [("Ana", "PER"), ("Paris", "LOC")]


def test_rankings_by_keys_reach_the_store(marimo, page):
    df = load_answer_pairs().head(4)
    task = nl.Rank(["brief", "thorough"], prompt="prompt")
    widget = open_app(page, marimo, "rank.py", ".nbl-root")
    wait_until(lambda: shown_item(widget) == df.index[0], 30, "the first pair")
    widget.click(position={"x": 5, "y": 5})
    expected = []
    for item, key in zip(df.index[:3], ["1", "2", "t"], strict=True):
        wait_until(lambda item=item: shown_item(widget) == item, 10, f"pair {item}")
        page.keyboard.press(key)
        shown = task.order_for(item, "ana")
        expected.append({"1": [[shown[0]], [shown[1]]], "2": [[shown[1]], [shown[0]]],
                         "t": [sorted(shown)]}[key])
    wait_until(lambda: len(stored(marimo, "rank", df, task)) == 3, 20, "three rankings stored")
    events = stored(marimo, "rank", df, task)
    assert events["item"].tolist() == df.index[:3].tolist()
    assert [[sorted(group) for group in value] for value in events["value"]] == expected


SLOT = ".nbl-dashboard .nbl-dash-slot-{}"


def marks(page, slot: str, role: str) -> list[str]:
    """The ARIA labels of the marks Vega drew in a chart of the dashboard."""
    return page.locator(f"{SLOT.format(slot)} svg path[aria-roledescription='{role}']").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('aria-label'))"
    )


def field(label: str, name: str) -> str:
    return re.search(rf"(?:^|; ){re.escape(name)}: ([^;]*)", label).group(1)


def answers_drawn(page, annotator: str) -> int:
    bars = [b for b in marks(page, "labels", "bar") if field(b, "annotator") == annotator]
    return sum(int(field(b, "count")) for b in bars)


def test_dashboard_draws_and_a_click_lists_items_to_relabel(marimo, page):
    df = nl.datasets.load_support_tickets()
    task = nl.Classify(list(nl.datasets.SUPPORT_TICKET_INTENTS), text="text")
    open_app(page, marimo, "dashboard.py", ".nbl-dashboard")
    assert page.locator(".nbl-dashboard").evaluate("(el) => el.getRootNode() instanceof ShadowRoot")
    assert "Jupyter widgets are not supported" not in page.locator("body").inner_text()
    wait_until(lambda: answers_drawn(page, "ben") == 48, 60, "ben's 48 answers in the label chart")
    assert answers_drawn(page, "ana") == 12
    wait_until(lambda: marks(page, "pairs", "rect mark"), 30, "the annotator-pair heatmap")
    status = page.locator(".nbl-dashboard .nbl-dash-status")
    assert status.get_attribute("data-status") == "ready" and status.inner_text().startswith("Model v")
    purposes = page.locator(".nbl-dashboard .nbl-dash-panel:visible .nbl-dash-purpose").all_inner_texts()
    assert len(purposes) == 9 and all(purposes)

    # A click on the busiest confusion cell: the kernel lists its items under the charts.
    wait_until(lambda: marks(page, "confusion", "rect mark"), 30, "the confusion matrix")
    cells = page.locator(f"{SLOT.format('confusion')} svg path[aria-roledescription='rect mark']")
    labels = cells.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
    busiest = max(range(len(labels)), key=lambda i: int(field(labels[i], "count")))
    given, predicted = field(labels[busiest], "label"), field(labels[busiest], "predicted")
    count = int(field(labels[busiest], "count"))
    cells.nth(busiest).scroll_into_view_if_needed()
    box = cells.nth(busiest).bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # off the centred count text
    caption = page.locator(".nbl-dashboard .nbl-dash-caption")
    wait_until(lambda: caption.inner_text() == f"{count} item{'s' if count != 1 else ''}: "
               f"given {given}, model {predicted}", 20, lambda: f"the caption, not {caption.inner_text()!r}")
    table = page.locator(".nbl-dashboard table.nbl-dash-table")
    rows = table.locator("tbody tr")
    assert rows.count() == count
    header = table.locator("thead th").all_inner_texts()
    chosen = table.locator("tbody th").all_inner_texts()
    assert {row.split("\t")[header.index("label")] for row in rows.all_inner_texts()} == {given}
    assert all(df.loc[item, "text"].startswith(row.split("\t")[1].rstrip("…"))
               for item, row in zip(chosen, rows.all_inner_texts(), strict=True))

    # "Relabel these": the app's cell that follows the dashboard shows the labeling widget.
    page.get_by_role("button", name="Relabel these").click()
    relabel = page.locator(".nbl-root")
    wait_until(lambda: relabel.count() == 1 and shown_item(relabel) == chosen[0], 30,
               "the relabeling widget on the first chosen item")
    opened = page.locator(".nbl-dashboard .nbl-dash-opened")
    assert opened.inner_text() == f"Relabeling {count} item{'s' if count != 1 else ''} in the widget your code shows."
    relabel.click(position={"x": 5, "y": 5})
    page.keyboard.press(str(task.labels.index(predicted) + 1))
    wait_until(lambda: (stored(marimo, "dashboard", df, task)["annotator"] == "cy").sum() == 1, 20,
               "cy's answer stored")
    events = stored(marimo, "dashboard", df, task)
    assert events[events["annotator"] == "cy"][["item", "value"]].values.tolist() == [[chosen[0], predicted]]
    wait_until(lambda: answers_drawn(page, "cy") == 1, 20, "cy's answer in the label chart")
