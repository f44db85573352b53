"""A model in the loop, seen from the browser: cold start, suggestions after a retrain, failures."""

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
import nblabel as nl
from sklearn.linear_model import LogisticRegression
df = nl.datasets.load_support_tickets()
intents = list(nl.datasets.SUPPORT_TICKET_INTENTS)
proj = nl.Project(df, nl.Classify(intents, text="text"), store="learn.db", name="learn")
learner = proj.learn(LogisticRegression(max_iter=1000), retrain_every=4, seed=0, cv=0)
proj.label("ana", window=6)
"""

BROKEN = """
class Broken(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise ValueError("the GPU is on fire")

small = nl.Project(df.head(6), nl.Classify(["bug", "billing"], text="text"), store="learn.db", name="broken")
small.learn(Broken(), retrain_every=1, cv=0)
small.label("ana")
"""


def shown_item(widget) -> str:
    return widget.locator(".nbl-position").inner_text().removeprefix("item ")


def test_suggestions_appear_after_a_retrain_and_enter_accepts(lab_server, page):
    server = lab_server
    path = run_notebook(page, server, "learn.ipynb", [SETUP, BROKEN])
    wait_for_widget(page, ".nbl-root")
    wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == 2, 30, "both widgets")
    widget, broken = page.locator(".jp-OutputArea-output .nbl-root").all()
    status = widget.locator(".nbl-model")
    wait_until(lambda: status.inner_text().startswith("Cold start: no labels yet."), 20, "the cold-start line")
    kernel = kernel_for(server, path)
    truth = kernel.eval("df['intent'].to_dict()")
    keys = {label: str(i + 1) for i, label in enumerate(kernel.eval("intents"))}
    suggestion = widget.locator(".nbl-suggestion")

    # Answer with the right label until the model is trained and an item shows its suggestion.
    widget.click(position={"x": 5, "y": 5})
    answered = 0
    pane = widget.locator(".nbl-item-pane")
    while not suggestion.is_visible():
        assert answered < 60, f"no suggestion after {answered} answers; status: {status.inner_text()!r}"
        # As a person would, answer once an item is on screen: a key on the waiting screen
        # (the window re-ranked after a retrain) answers nothing.
        wait_until(pane.is_visible, 20, "an item on screen")
        page.keyboard.press(keys[truth[shown_item(widget)]])
        answered += 1
        if answered % 10 == 0:
            page.wait_for_timeout(300)  # let a retrain finish and the window re-rank
    wait_until(lambda: status.inner_text().startswith("Model v"), 20, "the trained model's status line")
    assert "trained on" in status.inner_text()

    # The suggestion on screen is the one the model of its time made; a retrain may end (and the
    # learner's latest state change) while the test reads it, so compare with what is shown.
    item = shown_item(widget)
    text = suggestion.inner_text()
    assert text.startswith("model suggests: ") and text.endswith("— Enter accepts"), text
    shown = text.removeprefix("model suggests: ").split(" (")[0]
    assert shown in keys, text
    page.keyboard.press("Enter")
    wait_until(lambda: kernel.eval("len(proj.annotations)") == answered + 1, 20, "the accepted suggestion")
    last = kernel.eval("proj.annotations.iloc[-1][['item', 'value', 'source', 'meta']].tolist()")
    assert last == [item, shown, "human", {"suggestion": shown, "accepted": True}]
    assert kernel.eval("int(proj.learner.history['version'].max())") >= 1

    # A model whose fit fails: the message shows in its widget, and labeling goes on.
    broken.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("1")
    line = broken.locator(".nbl-model")
    wait_until(lambda: "ValueError: the GPU is on fire" in line.inner_text(), 20, "the failure in the widget")
    assert line.get_attribute("data-status") == "failed"
    wait_until(lambda: kernel.eval("len(small.annotations)") == 3, 20, "three answers despite the failing model")
    kernel.close()
