"""Team quality workflows in a real JupyterLab and Chromium: gold, teaching, qualification."""

from __future__ import annotations

import pytest

from .lab import (
    kernel_for,
    run_notebook,
    wait_for_widget,
    wait_until,
)

pytestmark = pytest.mark.browser

SETUP = """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"text": [f"ticket {i}: " + t for i, t in enumerate(
    ["app crashes on start", "charged twice", "love it", "sync fails", "refund please", "great update",
     "login loop", "invoice missing", "thanks!", "export broken"])]})
df["known"] = None
df.loc[[0, 1, 2], "known"] = ["bug", "billing", "praise"]
df["why"] = None
df.loc[1, "why"] = "Charges and refunds are billing."
gold = nl.Gold("known", explanation="why", rate=0, teach=True, qualify=3, threshold=0.6)
proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text"), store="quality.db", gold=gold)
proj.label("trainee")
"""


def test_teaching_and_qualification(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "quality.ipynb", [SETUP])
    widget = wait_for_widget(page, ".nbl-root")
    header = widget.locator(".nbl-qualification")
    wait_until(lambda: header.inner_text() == "qualification 0 / 3", 10, "the qualification counter")
    teach = widget.locator(".nbl-teach")
    assert not teach.is_visible()
    widget.click(position={"x": 5, "y": 5})

    page.keyboard.press("1")  # ticket 0: bug — right
    assert teach.is_visible() and teach.inner_text().startswith("✓ Right.")
    assert "the answer is “bug”" in teach.inner_text()
    page.keyboard.press("1")  # ticket 1: billing — wrong, with the explanation
    assert teach.inner_text().startswith("✗ Not quite.")
    assert "the answer is “billing” (you answered “bug”)" in teach.inner_text()
    assert "Why: Charges and refunds are billing." in teach.inner_text()
    widget.locator("button.nbl-label", has_text="praise").click()  # ticket 2 by mouse: right
    assert teach.inner_text().startswith("✓ Right.")
    wait_until(lambda: header.inner_text() == "qualified ✓ (2 / 3 right)", 10, "the qualification result")
    page.keyboard.press("2")  # ticket 3 is a regular item: no lesson
    assert not teach.is_visible()

    kernel = kernel_for(server, path)
    wait_until(lambda: kernel.eval("len(proj.annotations)") == 4, 10, "four answers")
    assert kernel.eval("proj.qualified('trainee')") is True
    assert kernel.eval("proj.gold_accuracy().loc['trainee'].tolist()") == [3, 2, 2 / 3]
    assert kernel.eval("proj.labels().dropna().to_dict()") == {"0": "bug", "1": "bug", "2": "praise", "3": "billing"}
    kernel.close()


REVIEW = """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"text": ["card charged twice", "app crashes", "love the new editor"]})
proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text"), store="review.db")
for item, given in {0: {"ana": "bug", "ben": "billing"}, 1: {"ana": "bug", "ben": "bug"}, 2: {"ana": "praise", "ben": "bug"}}.items():
    for annotator, value in given.items():
        proj.add(item, value, annotator=annotator, comment="hmm <b>" if annotator == "ben" else None)
proj.review("lead")
"""


def test_adjudication(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "review.ipynb", [REVIEW])
    widget = wait_for_widget(page, ".nbl-root")
    assert widget.locator(".nbl-who").inner_text() == "lead · reviewing"
    rows = widget.locator(".nbl-review-row")
    wait_until(lambda: rows.count() == 2, 10, "everyone's answer")
    assert widget.locator(".nbl-review-who").all_inner_texts() == ["ana", "ben"]
    assert widget.locator(".nbl-review-value").all_inner_texts() == ["bug", "billing"]
    assert rows.nth(1).locator("kbd").inner_text() == "⇧2"
    assert "“hmm <b>”" in rows.nth(1).inner_text(), "comments are shown as text"
    assert widget.locator(".nbl-text").inner_text() == "card charged twice"
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("Shift+Digit2")  # take ben's answer: billing
    wait_until(lambda: widget.locator(".nbl-text").inner_text() == "love the new editor", 10, "the next disputed item")
    page.keyboard.press("3")  # decide anew with the label key: praise
    done = widget.locator(".nbl-done")
    wait_until(lambda: done.is_visible(), 10, "the end of the review")
    kernel = kernel_for(server, path)
    wait_until(lambda: kernel.eval("int((proj.annotations['source'] == 'adjudicated').sum())") == 2, 10, "two decisions")
    decisions = kernel.eval(
        "proj.annotations[proj.annotations['source'] == 'adjudicated'][['item', 'annotator', 'value', 'meta']].values.tolist()"
    )
    assert decisions == [[0, "lead", "billing", {"picked": "ben"}], [2, "lead", "praise", None]]
    assert kernel.eval("proj.labels(how='majority').tolist()") == ["billing", "bug", "praise"]
    kernel.close()


REQUALIFY = """
import pandas as pd, nblabel as nl
texts = ["app crashes on start", "charged twice", "login loop", "refund please",
         "sync fails", "invoice missing", "export broken", "card declined", "slow search", "double charge"]
df = pd.DataFrame({"text": texts, "known": ["bug", "billing", "bug", "billing"] + [None] * 6})
gold = nl.Gold("known", qualify=2, threshold=1.0, rate=0, requalify_on_guideline=True)
labels = ["bug", "billing"]
v1 = nl.Classify(labels, text="text", guidelines=nl.Guideline("Crashes are bugs.", name="v1"))
with nl.Project(df, v1, store="requalify.db", gold=gold) as old:
    old.add(0, "bug", annotator="ana"), old.add(1, "billing", annotator="ana")  # qualified under v1
v2 = nl.Classify(labels, text="text", guidelines=nl.Guideline("Crashes are bugs. Refunds are billing.", name="v2"))
proj = nl.Project(df, v2, store="requalify.db", gold=gold)
proj.label("ana")
"""


def test_a_guideline_change_sends_an_annotator_back_to_qualification(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "requalify.ipynb", [REQUALIFY])
    widget = wait_for_widget(page, ".nbl-root")
    header = widget.locator(".nbl-qualification")
    text = widget.locator(".nbl-text")
    wait_until(lambda: header.inner_text() == "qualified ✓ (2 / 2 right)", 10, "qualified under v1")
    wait_until(lambda: text.inner_text() == "sync fails", 10, "a regular item")
    widget.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")  # the first answer under v2 opens a round
    kernel = kernel_for(server, path)
    version = kernel.eval("v2.guideline_version")
    wait_until(lambda: header.inner_text().startswith("back to qualification"), 10, "the new round in the header")
    assert header.inner_text() == (
        f"back to qualification (new guideline {version}): 0 / 2 · your answers count again once you pass"
    )
    assert text.inner_text() == "invoice missing", "the item already on screen stays"
    wait_until(lambda: kernel.eval("proj.qualified('ana')") is None, 10, "the round in the kernel")
    assert kernel.eval("bool(proj.labels().isna().all())") is True, "answers stop counting meanwhile"
    page.keyboard.press("2")  # invoice missing: billing
    wait_until(lambda: text.inner_text() == "login loop", 10, "the round's first gold item, served next")
    page.keyboard.press("1")  # login loop: bug (right)
    assert text.inner_text() == "refund please"
    page.keyboard.press("2")  # refund please: billing (right)
    wait_until(lambda: header.inner_text() == "qualified ✓ (2 / 2 right)", 10, "the round passed")
    assert kernel.eval("proj.qualification_history('ana')['reason'].tolist()") == [
        "first round", f"new guideline {version}",
    ]
    assert kernel.eval("proj.labels().dropna().to_dict()") == {
        "0": "bug", "1": "billing", "2": "bug", "3": "billing", "4": "bug", "5": "billing",
    }
    kernel.close()


FEEDBACK = [
    """
import pandas as pd, nblabel as nl
df = pd.DataFrame({"text": ["card charged twice", "app crashes", "love the new editor"]})
proj = nl.Project(df, nl.Classify(["bug", "billing", "praise"], text="text"), store="feedback.db")
for item, given in {0: {"ana": "bug", "ben": "billing"}, 1: {"ana": "bug", "ben": "bug"}, 2: {"ana": "praise", "ben": "bug"}}.items():
    for annotator, value in given.items():
        proj.add(item, value, annotator=annotator)
proj.label("ana")
""",
    'proj.review("lead")',
]


def test_feedback_reaches_the_annotator_when_a_reviewer_overrules_them(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "feedback.ipynb", FEEDBACK)
    wait_for_widget(page, ".nbl-root")
    roots = page.locator(".jp-OutputArea-output .nbl-root")
    wait_until(lambda: roots.count() == 2, 20, "the annotator's and the reviewer's views")
    ana, lead = roots.nth(0), roots.nth(1)
    wait_until(lambda: ana.locator(".nbl-done").is_visible(), 10, "ana has answered everything")
    panel = ana.locator(".nbl-feedback")
    assert not panel.is_visible(), "no feedback before a decision"
    assert "! feedback on your answers" in ana.locator(".nbl-legend").inner_text()
    assert lead.locator(".nbl-feedback").count() == 0, "a reviewer's view has no feedback panel"

    wait_until(lambda: lead.locator(".nbl-text").inner_text() == "card charged twice", 10, "the first dispute")
    lead.click(position={"x": 5, "y": 5})
    page.keyboard.press("c")
    page.keyboard.type("Charges are <b>billing</b> (§2)")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Digit2")  # decide with ben's answer: billing
    wait_until(lambda: panel.is_visible(), 10, "the feedback panel, live in ana's view")
    summary = panel.locator("summary")
    assert summary.inner_text() == "! Feedback · 1 answer to look at (1 new)"
    ana.click(position={"x": 5, "y": 5})
    page.keyboard.press("!")
    entry = panel.locator(".nbl-feedback-entry")
    wait_until(lambda: entry.first.is_visible(), 5, "the open panel")
    assert entry.locator(".nbl-feedback-heading").inner_text().startswith("Overruled by lead · item 0 · ")
    assert entry.locator(".nbl-feedback-snippet").inner_text() == "card charged twice"
    assert entry.locator(".nbl-feedback-answers").inner_text() == "You answered “bug”; the decision is “billing”."
    assert entry.locator(".nbl-feedback-why").inner_text() == "lead’s comment: Charges are <b>billing</b> (§2)"
    assert panel.locator("b").count() == 0, "the comment is text, not HTML"
    assert summary.inner_text() == "! Feedback · 1 answer to look at", "seen once opened"

    lead.click(position={"x": 5, "y": 5})
    wait_until(lambda: lead.locator(".nbl-text").inner_text() == "love the new editor", 10, "the second dispute")
    page.keyboard.press("1")  # decide anew: bug, overruling ana's praise
    wait_until(lambda: entry.count() == 2, 10, "the second decision, live")
    assert summary.inner_text() == "! Feedback · 2 answers to look at (1 new)"
    assert entry.first.locator(".nbl-feedback-answers").inner_text() == "You answered “praise”; the decision is “bug”."
    ana.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    assert not panel.evaluate("el => el.open"), "Esc folds the panel"
    page.keyboard.press("!")
    assert panel.evaluate("el => el.open")
    kernel = kernel_for(server, path)
    assert kernel.eval("proj.feedback('ana')[['item', 'kind', 'by']].values.tolist()") == [
        [2, "overruled", "lead"], [0, "overruled", "lead"],
    ]
    kernel.close()
