"""Text from data stays text in a real JupyterLab: reports, tables, the dashboard, its charts and tooltips, the labeler."""

from __future__ import annotations

import pytest

from .lab import open_notebook, run_all_cells, wait_for_widget, wait_until, write_notebook

pytestmark = pytest.mark.browser

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "&lt;b&gt;",
)

SETUP = f"""
import pandas as pd, nblabel as nl
from sklearn.linear_model import LogisticRegression
HOSTILE = {HOSTILE!r}
LABELS = [f"{{h}} label" for h in HOSTILE]
ANNOTATORS = [f"{{h}} annotator" for h in HOSTILE]
ITEMS = [f"{{h}} item {{i}}" for i, h in enumerate(HOSTILE * 2)]
df = pd.DataFrame({{"text": [f"{{h}} text {{i}}" for i, h in enumerate(HOSTILE * 2)]}}, index=ITEMS)
NAME = " ".join(HOSTILE) + " project"
for round_, name in enumerate(f"{{h}} guideline" for h in HOSTILE[:2]):
    task = nl.Classify(LABELS, text="text", guidelines=nl.Guideline(f"Round {{round_}}.", name=name))
    proj = nl.Project(df, task, store="hostile.db", name=NAME)
    for a, annotator in enumerate(ANNOTATORS):
        for i, item in enumerate(ITEMS):
            proj.add(item, LABELS[(i + round_ + (a == 3)) % 4], annotator=annotator, comment=" ".join(HOSTILE))
"""
STRENGTHS = """
options = [f"{h} option" for h in HOSTILE]
pairs = pd.DataFrame({"chosen": [options[i] for i in (0, 1, 2, 3, 0, 2)],
                      "rejected": [options[i] for i in (1, 2, 3, 0, 2, 1)],
                      "tie": [False, False, True, False, False, False]})
nl.rank.bradley_terry(pairs, prior=1.0)
"""
PILOT = "proj.pilot_report(n=20)"
CONSENSUS = "nl.consensus.dawid_skene(proj.annotations)"
DASHBOARD = """
class Broken(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise ValueError(" ".join(HOSTILE) + " error")

learner = proj.learn(Broken(), retrain_every=1, cv=0)
proj.add(ITEMS[0], LABELS[1], annotator=ANNOTATORS[0])
assert learner.wait(30)
dash = proj.dashboard(min_interval=0, agreement_resamples=20)
dash.select(ITEMS[:4], " ".join(HOSTILE) + " why")
dash
"""
LABELER = 'proj.label("reader")'

#: Elements and attributes that only data could have put in the page.
FROM_DATA = "img[src='x'], [onerror], [onload], svg[onload]"


def scripts_from_data(page) -> list[str]:
    return page.locator("script").evaluate_all(
        "nodes => nodes.map(n => n.textContent).filter(t => t.includes('alert(1)'))"
    )


def test_hostile_text_is_shown_as_text(lab_server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server = lab_server
    cells = [SETUP, STRENGTHS, PILOT, CONSENSUS, DASHBOARD, LABELER]
    path = write_notebook(server, "hostile.ipynb", cells)
    open_notebook(page, server, path)
    run_all_cells(page, timeout=120)
    wait_for_widget(page, ".nbl-dashboard")
    labeler = wait_for_widget(page, ".nbl-root")
    bars = page.locator(".nbl-dash-slot-labels svg path[aria-roledescription='bar']")
    wait_until(lambda: bars.count() > 0, 60, "the label chart of the dashboard")

    bars.first.scroll_into_view_if_needed()
    bars.first.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    wait_until(lambda: tooltip.count() == 1, 10, "the tooltip of a bar")

    assert page.locator(FROM_DATA).count() == 0, page.locator(FROM_DATA).evaluate_all(
        "nodes => nodes.map(n => n.outerHTML)"
    )
    assert scripts_from_data(page) == []
    assert dialogs == []

    outputs = "\n".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    shown = [
        f"{HOSTILE[0]} option", f"{HOSTILE[3]} option",  # Bradley–Terry
        f"{HOSTILE[1]} guideline", f"{HOSTILE[2]} annotator",  # pilot report
        f"p_{HOSTILE[3]} label", f"{HOSTILE[0]} item 0",  # Dawid–Skene
        f"Dashboard of {' '.join(HOSTILE)} project", f"{' '.join(HOSTILE)} why",
        f"ValueError: {' '.join(HOSTILE)} error", f"{HOSTILE[1]} text 1",  # dashboard
    ]
    assert [s for s in shown if s not in outputs] == []
    texts = [f"{h} text {i}" for i, h in enumerate(HOSTILE * 2)]
    wait_until(lambda: any(t in labeler.inner_text() for t in texts), 20, "an item's text")
    assert labeler.locator("button.nbl-label", has_text=f"{HOSTILE[2]} label").count() == 1

    # Vega draws data as SVG text and attributes, and its tooltip escapes what it shows.
    aria = bars.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert any(f"{HOSTILE[0]} label" in label for label in aria), aria
    assert any(f"{h} label" in tooltip.inner_text() for h in HOSTILE), tooltip.inner_text()
