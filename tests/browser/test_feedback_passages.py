"""A reviewer cites a guideline passage; the annotator's feedback panel quotes it, in every view.

In a real JupyterLab and Chromium: the reviewer's comment box cites a passage by keyboard (Tab to
the passage, arrows, Enter) or by mouse (the toolbar's comment button, the passage chosen, the
answer to pick clicked); the annotator's "!" panel, in the classification, span and ranking
views, shows the decision with the reviewer's comment and the passage, both as text.
"""

from __future__ import annotations

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

GUIDE = '''GUIDE = """# Support tickets
Label what the customer needs.

## Bugs
Something that *stopped working*.

## Billing
Charges, refunds and <b>invoices</b>.

## People and companies
A person is PER, a company ORG.
"""
'''

COMMENT = "<b>x</b> is not what it seems"


def views(page, server, name: str, cells: list[str], kind_selector: str):
    """Run ``cells`` in a new notebook; return the annotator's and the reviewer's widgets."""
    path = run_notebook(page, server, name, cells)
    wait_for_widget(page, kind_selector)
    roots = page.locator(".jp-OutputArea-output .nbl-root")
    wait_until(lambda: roots.count() == 2, 30, "the annotator's and the reviewer's views")
    return roots.nth(0), roots.nth(1), path


def disputed(page, server, name: str, cells: list[str], kind_selector: str):
    """:func:`views`, once the reviewer's view lists both answers under review."""
    ana, lead, _ = views(page, server, name, cells, kind_selector)
    rows = lead.locator(".nbl-review-row")
    wait_until(lambda: rows.count() == 2, 20, "both answers under review")
    return ana, lead, rows


def cite_by_keys(page, lead, presses: int) -> None:
    """Comment, then Tab to the passage, arrow down ``presses`` times, Enter to keep both."""
    lead.click(position={"x": 5, "y": 5})
    page.keyboard.press("c")
    box = lead.locator(".nbl-comment-input")
    wait_until(lambda: box.is_visible(), 5, "the comment box")
    page.keyboard.type(COMMENT)
    page.keyboard.press("Tab")
    wait_until(lambda: lead.locator(".nbl-passage-input").evaluate("el => el === document.activeElement"),
               5, "the passage select, focused by Tab")
    for _ in range(presses):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_until(lambda: not box.is_visible(), 5, "the box folded by Enter")


def assert_feedback(page, ana, heading: str, text: str, answers: str) -> None:
    """Ana's "!" panel shows one overruled answer with the comment and the passage, as text."""
    panel = ana.locator(".nbl-feedback")
    wait_until(lambda: panel.is_visible(), 20, "the feedback panel, live in ana's view")
    ana.click(position={"x": 5, "y": 5})
    page.keyboard.press("!")
    entry = panel.locator(".nbl-feedback-entry")
    wait_until(lambda: entry.first.is_visible(), 10, "the open panel")
    assert entry.count() == 1
    assert entry.locator(".nbl-feedback-heading").inner_text().startswith("Overruled by lead · item 0 · ")
    assert entry.locator(".nbl-feedback-answers").inner_text() == answers
    assert entry.locator(".nbl-feedback-why").inner_text() == f"lead’s comment: {COMMENT}"
    assert entry.locator(".nbl-feedback-passage-heading").inner_text() == f"Guideline · {heading}"
    assert entry.locator(".nbl-feedback-passage-text").inner_text() == text
    assert panel.locator("b").count() == 0, "comment and passage are text, not HTML"
    quote, why = (entry.locator(sel).evaluate("el => getComputedStyle(el).borderLeftStyle")
                  for sel in (".nbl-feedback-passage", ".nbl-feedback-why"))
    assert (quote, why) == ("solid", "none"), "the passage is set apart from the comment"


CLASSIFY = [
    GUIDE + """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"text": ["card charged twice", "app crashes"]})
proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text", guidelines=GUIDE), store="fb.db")
for annotator, value in {"ana": "bug", "ben": "billing"}.items():
    proj.add(0, value, annotator=annotator)
proj.label("ana")
""",
    'proj.review("lead")',
]


def test_a_reviewer_cites_a_passage_by_keys_and_the_annotator_sees_it(lab_server, page):
    server = lab_server
    ana, lead, path = views(page, server, "passage_classify.ipynb", CLASSIFY, ".nbl-root")
    wait_until(lambda: lead.locator(".nbl-text").inner_text() == "card charged twice", 20, "the dispute")
    assert ana.locator(".nbl-passage-input").count() == 0, "only a reviewer cites passages"
    options = lead.locator(".nbl-passage-input option").all_inner_texts()
    assert options == ["no passage cited", "Support tickets", "Bugs", "Billing", "People and companies"]
    cite_by_keys(page, lead, presses=3)  # no passage → Support tickets → Bugs → Billing
    status = lead.locator(".nbl-answer").inner_text()
    assert f"comment: “{COMMENT}”" in status and "cites “Billing”" in status
    page.keyboard.press("Shift+Digit2")  # decide with ben's answer: billing
    assert_feedback(page, ana, "Billing", "Charges, refunds and <b>invoices</b>.",
                    "You answered “bug”; the decision is “billing”.")
    with kernel_for(server, path) as kernel:
        assert kernel.eval("proj.annotations.iloc[-1]['meta']") == {
            "picked": "ben",
            "passage": {"heading": "Billing", "text": "Charges, refunds and <b>invoices</b>.",
                        "guideline": kernel.eval("proj.task.guideline_version")},
        }
        assert kernel.eval("proj.feedback('ana')['passage'][0].heading") == "Billing"


SPANS = [
    GUIDE + """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"text": ["Ana works at Acme", "Bo"]})
proj = nl.Project(df, nl.Spans(["PER", "ORG"], text="text", guidelines=GUIDE), store="fb.db", name="spans")
proj.add(0, [(0, 3, "PER"), (13, 17, "PER")], annotator="ana")
proj.add(0, [(0, 3, "PER"), (13, 17, "ORG")], annotator="ben")
proj.add(1, [], annotator="ana")
proj.label("ana")
""",
    'proj.review("lead")',
]


def test_the_span_views_feedback_shows_a_decision_cited_by_mouse(lab_server, page):
    ana, lead, rows = disputed(page, lab_server, "passage_spans.ipynb", SPANS, ".nbl-spans-text")
    lead.locator(".nbl-toolbar button:has-text('comment')").click()  # by mouse, never Enter
    select = lead.locator(".nbl-passage-input")
    wait_until(lambda: select.is_visible(), 5, "the box, opened by its button")
    lead.locator(".nbl-comment-input").click()
    page.keyboard.type(COMMENT)  # typed, not confirmed: the click that decides keeps it
    select.select_option("People and companies")
    wait_until(lambda: "cites “People and companies”" in lead.locator(".nbl-answer").inner_text(),
               5, "the passage kept at once")
    rows.nth(1).click()  # decide with ben's answer
    assert_feedback(page, ana, "People and companies", "A person is PER, a company ORG.",
                    "You answered “Ana” PER, “Acme” PER; the decision is “Ana” PER, “Acme” ORG.")


RANK = [
    GUIDE + """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"q": ["which reply is better?"], "a": ["a refund is on its way"], "b": ["<i>no</i>"]})
proj = nl.Project(df, nl.Rank(["a", "b"], prompt="q", guidelines=GUIDE), store="fb.db", name="rank")
proj.add(0, [["b"], ["a"]], annotator="ana")
proj.add(0, [["a"], ["b"]], annotator="ben")
proj.label("ana")
""",
    'proj.review("lead")',
]


def test_the_rank_views_feedback_shows_a_decision_cited_by_keys(lab_server, page):
    ana, lead, rows = disputed(page, lab_server, "passage_rank.ipynb", RANK, ".nbl-rank-pane")
    cite_by_keys(page, lead, presses=3)
    assert "cites “Billing”" in lead.locator(".nbl-answer").inner_text()
    page.keyboard.press("Shift+Digit2")  # decide with ben's ranking
    assert_feedback(page, ana, "Billing", "Charges, refunds and <b>invoices</b>.",
                    "You answered “b > a”; the decision is “a > b”.")
