"""The live dashboard in JupyterLab and Notebook 7 with Chromium: charts follow answers and the model, clicks pick items."""

from __future__ import annotations

import re

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)
from .test_model_suggestions import CORPUS

pytestmark = pytest.mark.browser

SETUP = """
import nblabel as nl
from nblabel.dashboard import dashboard
from sklearn.linear_model import LogisticRegression
df = nl.datasets.load_support_tickets()
intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
proj = nl.Project(df, nl.Classify(intents, text="text"), store="dash.db", name="dash")
seed = df["intent"].groupby(df["intent"]).head(8)  # a colleague labeled 8 of each intent
for item, intent in seed.items():
    proj.add(item, intent, "ben")
proj.learn(LogisticRegression(max_iter=300), retrain_every=3, seed=0, cv=3)
assert proj.learner.wait(60)
dash = dashboard(proj, annotator="cy", min_interval=0.5, agreement_resamples=20)
dash
"""

LABEL = 'proj.label("ana", window=6)'
CLICKED = "[dash.selection['caption'], dash.selected.tolist()]"
COUNTS = (
    "(f := dash.project.learner.state.predictions(), "
    "nl.charts.confusion(f[f['label'].notna()], intents).data['count'].tolist())[1]"
)
SLOT = ".nbl-dashboard .nbl-dash-slot-{}"
TABLE = ".nbl-dashboard table.nbl-dash-table"


def marks(page, slot: str, role: str) -> list[str]:
    """The ARIA labels of the marks Vega drew in a chart of the dashboard (its SVG)."""
    return page.locator(f"{SLOT.format(slot)} svg path[aria-roledescription='{role}']").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('aria-label'))"
    )


def drawn_counts(page) -> list[int]:
    return [int(field(m, "count")) for m in marks(page, "confusion", "rect mark")]


def field(label: str, name: str) -> str:
    return re.search(rf"(?:^|; ){re.escape(name)}: ([^;]*)", label).group(1)


def answers_drawn(page, annotator: str) -> int:
    bars = [b for b in marks(page, "labels", "bar") if field(b, "annotator") == annotator]
    return sum(int(field(b, "count")) for b in bars)


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def pair_heatmap(page) -> list:
    """The pair heatmap's cells; presses "Update" if agreement lags (it was slow to compute)."""
    update = page.locator(f"{SLOT.format('pairs')} .nbl-dash-stale button")
    if update.count() and update.is_visible():
        update.click()
    return marks(page, "pairs", "rect mark")


def test_dashboard_follows_answers_and_model_and_clicks_pick_items(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "dash.ipynb", [SETUP, LABEL])
    wait_for_widget(page, ".nbl-dashboard")
    labeler = wait_for_widget(page, ".nbl-root")
    kernel = kernel_for(server, path)
    truth = kernel.eval("df['intent'].to_dict()")
    keys = {label: str(i + 1) for i, label in enumerate(kernel.eval("intents"))}

    # Drawn from the start: the colleague's answers, the trained model, and the agreement note.
    wait_until(lambda: answers_drawn(page, "ben") == 48, 60, "ben's 48 answers in the label chart")
    assert answers_drawn(page, "ana") == 0
    note = page.locator(SLOT.format("agreement"))
    assert "needs two annotators on the same items" in note.inner_text()
    wait_until(lambda: marks(page, "confusion", "rect mark"), 30, "the confusion matrix")
    status = page.locator(".nbl-dashboard .nbl-dash-status")
    assert status.get_attribute("data-status") == "ready" and status.inner_text().startswith("Model v")
    curve = marks(page, "learning_curve", "line mark") + marks(page, "learning_curve", "circle")
    assert curve, "the learning curve is drawn"
    versions = kernel.eval("int(proj.learner.state.version)")

    # A grid that uses the width, each chart's purpose in a line under its title.
    boxes = {name: page.locator(SLOT.format(name)).bounding_box() for name in ("labels", "progress", "throughput")}
    assert boxes["labels"]["y"] == boxes["progress"]["y"], f"side by side on a wide screen: {boxes}"
    assert boxes["progress"]["x"] > boxes["labels"]["x"] + boxes["labels"]["width"] - 1
    shown = page.locator(".nbl-dashboard .nbl-dash-panel:visible")
    purposes = shown.locator(".nbl-dash-purpose").all_inner_texts()
    assert len(purposes) == shown.count() >= 7 and all(purposes), purposes

    # Answers given in the labeling widget reach the chart in the browser; the model retrains.
    labeler.click(position={"x": 5, "y": 5})
    for _ in range(7):
        page.keyboard.press(keys[truth[shown_item(labeler)]])
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 55, 20, "ana's 7 answers stored")
    assert kernel.eval("bool(proj.learner.history['accuracy'].notna().all())")
    wait_until(lambda: answers_drawn(page, "ana") == 7, 20, "ana's 7 answers in the label chart")
    wait_until(lambda: kernel.eval("int(proj.learner.state.version)") > versions, 60, "a retrain")
    assert kernel.eval("proj.learner.wait(60)")
    n_labels = kernel.eval("int(proj.learner.state.n_labels)")
    wait_until(
        lambda: sum(int(field(m, "count")) for m in marks(page, "confusion", "rect mark")) == n_labels,
        30,
        "the confusion matrix of the retrained model",
    )

    # Once two annotators answered the same item, agreement and the pair heatmap appear.
    kernel.execute("for i, v in zip(seed.index[[0, 8, 16]], ['billing', 'bug', 'praise']): proj.add(i, v, 'ana')")
    wait_until(lambda: pair_heatmap(page), 30, "the annotator-pair heatmap")
    assert "needs two annotators" not in note.inner_text()

    # Clicking a confusion cell lists its items in the table below (once the retrain those
    # answers caused is drawn, so the click lands on the chart that stays).
    assert kernel.eval("proj.learner.wait(60)")
    wait_until(lambda: drawn_counts(page) == kernel.eval(COUNTS), 30, "the latest confusion matrix")
    cells = page.locator(f"{SLOT.format('confusion')} svg path[aria-roledescription='rect mark']")
    labels = cells.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
    busiest = max(range(len(labels)), key=lambda i: int(field(labels[i], "count")))
    cell = labels[busiest]
    given, predicted, count = field(cell, "label"), field(cell, "predicted"), int(field(cell, "count"))
    cells.nth(busiest).scroll_into_view_if_needed()
    box = cells.nth(busiest).bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # off the centred count text
    kernel.execute("f = proj.learner.state.predictions(); given = f[f['label'].notna()]")
    expected = kernel.eval(f"nl.charts.cell_items(given, [{{'label': {given!r}, 'predicted': {predicted!r}}}]).tolist()")
    assert len(expected) == count
    wait_until(
        lambda: kernel.eval("dash.selected.tolist()") == expected,
        20,
        lambda: f"the click in the kernel: {kernel.eval(CLICKED)}, expected {expected}",
    )
    caption = page.locator(".nbl-dashboard .nbl-dash-caption")
    wait_until(lambda: caption.count() and caption.inner_text().startswith(f"{count} item"), 20, "the caption")
    assert f"given {given}, model {predicted}" in caption.inner_text()
    table = page.locator(TABLE)
    wait_until(lambda: table.locator("tbody tr").count() == count, 20, "the table of chosen items")
    rows = table.locator("tbody th").all_inner_texts()
    assert rows == expected
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["item", "text", "label", "suggestion", "confidence"]

    # "Relabel these" opens a labeling widget over exactly those items, right below.
    page.get_by_role("button", name="Relabel these").click()
    cell = page.locator(".jp-Cell", has=page.locator(".nbl-dashboard"))
    relabel = cell.locator(".jp-OutputArea-output .nbl-root")
    wait_until(lambda: relabel.count() == 1, 30, "the relabeling widget below the dashboard")
    opened = page.locator(".nbl-dashboard .nbl-dash-opened")
    assert opened.inner_text() == f"Relabeling {count} item{'s' if count != 1 else ''} below."
    wait_until(lambda: shown_item(relabel) == expected[0], 20, "the first chosen item on screen")
    positions = kernel.eval("[str(df.index[p]) for p in dash.opened._session.positions]")
    assert positions == expected
    assert kernel.eval("dash.opened.annotator") == "cy"
    kernel.close()


def test_notebook7_dashboard_updates_and_a_click_lists_items(notebook_server, page):
    server = notebook_server
    path = run_notebook(page, server, "dash7.ipynb", [SETUP])
    wait_for_widget(page, ".nbl-dashboard")
    kernel = kernel_for(server, path)
    wait_until(lambda: answers_drawn(page, "ben") == 48, 60, "ben's 48 answers in the label chart")
    kernel.execute("for i, v in seed.iloc[[0, 8]].items(): proj.add(i, v, 'ana')")
    wait_until(lambda: answers_drawn(page, "ana") == 2, 20, "answers from code in the label chart")
    assert kernel.eval("proj.learner.wait(60)")
    wait_until(lambda: drawn_counts(page) == kernel.eval(COUNTS), 30, "the latest confusion matrix")
    cells = page.locator(f"{SLOT.format('confusion')} svg path[aria-roledescription='rect mark']")
    labels = cells.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
    first = next(i for i, label in enumerate(labels) if int(field(label, "count")) > 0)
    cells.nth(first).scroll_into_view_if_needed()
    box = cells.nth(first).bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)
    count = int(field(labels[first], "count"))
    wait_until(lambda: len(kernel.eval("dash.selected.tolist()")) == count, 20, "the click in the kernel")
    table = page.locator(TABLE)
    wait_until(lambda: table.locator("tbody tr").count() == count, 20, "the table of chosen items")
    assert table.locator("tbody th").all_inner_texts() == kernel.eval("dash.selected.tolist()")[:100]
    kernel.close()


SPANS_SETUP = CORPUS + """
from nblabel.dashboard import dashboard
proj = nl.Project(people, nl.Spans(["PER", "LOC", "ORG"], text="text"), store="dash_spans.db", name="ner")
for item in range(24):
    proj.add(item, gold[item], "ben")
proj.learn(retrain_every=1000, seed=0, cv=3)
proj.learner.request()
assert proj.learner.wait(120)
dash = dashboard(proj, annotator="cy", min_interval=0.5, agreement_resamples=20)
dash
"""


def test_a_span_models_dashboard_is_drawn_per_label_and_a_click_lists_documents(lab_server, page):
    path = run_notebook(page, lab_server, "dash_spans.ipynb", [SPANS_SETUP])
    wait_for_widget(page, ".nbl-dashboard")
    with kernel_for(lab_server, path) as kernel:
        kernel.execute("f = proj.learner.state.predictions(); given = f[f['label'].notna()]")
        counts = kernel.eval("nl.charts.per_label(given, ['PER', 'LOC', 'ORG']).data"
                             "[['label', 'outcome', 'count']].values.tolist()")
        drawn = lambda: sorted([field(m, "label"), field(m, "outcome"), int(field(m, "count"))]  # noqa: E731
                               for m in marks(page, "confusion", "rect mark"))
        wait_until(lambda: drawn() == sorted(counts), 60, lambda: f"the per-label chart: {drawn()} vs {counts}")
        wait_until(lambda: marks(page, "calibration", "circle"), 30, "the calibration of the spans' confidences")
        assert "held-out spans" in page.locator(SLOT.format("calibration")).inner_text()
        spans = sum(count for label, outcome, count in counts if outcome == "agreed")
        wait_until(lambda: answers_drawn(page, "ben") == kernel.eval("sum(len(g) for g in gold[:24])"), 30,
                   "ben's spans counted per label")
        assert spans > 0

        cells = page.locator(f"{SLOT.format('confusion')} svg path[aria-roledescription='rect mark']")
        labels = cells.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
        chosen = next(i for i, m in enumerate(labels) if field(m, "label") == "PER" and field(m, "outcome") == "agreed")
        cells.nth(chosen).scroll_into_view_if_needed()
        box = cells.nth(chosen).bounding_box()
        page.mouse.click(box["x"] + 4, box["y"] + 4)  # off the centred count text
        expected = kernel.eval("nl.charts.outcome_items(given, [{'label': 'PER', 'outcome': 'agreed'}]).tolist()")
        wait_until(lambda: kernel.eval("dash.selected.tolist()") == expected, 20, "the click in the kernel")
        caption = page.locator(".nbl-dashboard .nbl-dash-caption")
        wait_until(lambda: caption.count() and caption.inner_text().startswith(f"{len(expected)} item"), 20, "the caption")
        assert "PER: given and predicted" in caption.inner_text()
        first = page.locator(f"{TABLE} tbody tr").first
        wait_until(first.is_visible, 20, "the table of chosen documents")
        text = kernel.eval(f"people.at[{expected[0]}, 'text']")
        shown = "; ".join(f"{text[s['start']:s['end']]} ({s['label']})" for s in kernel.eval(f"gold[{expected[0]}]"))
        assert first.locator("td").nth(1).inner_text() == shown, "spans as their text and label"
