"""Team quality workflows in a real JupyterLab and Chromium: gold, teaching, qualification."""

from __future__ import annotations

import pytest

from .lab import (
    kernel_for,
    open_notebook,
    run_all_cells,
    wait_for_widget,
    wait_until,
    write_notebook,
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
    path = write_notebook(server, "quality.ipynb", [SETUP])
    open_notebook(page, server, path)
    run_all_cells(page)
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
    path = write_notebook(server, "review.ipynb", [REVIEW])
    open_notebook(page, server, path)
    run_all_cells(page)
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
