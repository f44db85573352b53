"""Keypress → next item painted while a model retrains, in JupyterLab + Chromium.

Three runs in the same page, keys paced like a fast annotator:

- nblabel, no model: the baseline;
- nblabel with ``proj.learn(...)`` and a model whose every fit takes several seconds and holds
  the GIL (a pure-Python loop before a real fit: the worst case for the kernel), retraining every
  5 answers in the background;
- the usual notebook loop: ipywidgets buttons whose click handler stores the answer and, every 5
  answers, refits the same model before showing the next item.

Latency is measured inside the page (tests/browser/lab.py's probe): from the input event to the
next animation frame after the item area changed.

Run: .venv/bin/python benchmarks/retrain_latency.py [--items 60] [--fit-seconds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.keypress_latency import summary  # noqa: E402
from tests.browser import lab  # noqa: E402
from tests.browser.jupyter_server import running_server  # noqa: E402

SETUP = """
import time, pandas as pd, nblabel as nl
from sklearn.linear_model import LogisticRegression

class SlowFit(LogisticRegression):
    \"\"\"A model whose fit takes FIT seconds of pure Python (holding the GIL) before fitting.\"\"\"
    def fit(self, X, y, sample_weight=None):
        end = time.perf_counter() + FIT
        while time.perf_counter() < end:
            sum(range(1000))
        return super().fit(X, y, sample_weight)

words = {"bug": "crashes freezes error", "billing": "charged invoice refund", "praise": "lovely great thanks", "feature": "please add dark mode"}
labels = list(words)
texts = [f"Ticket {i}: " + words[labels[i % 4]] + " and more words follow here. " * (1 + i % 5) for i in range(2000)]
df = pd.DataFrame({"text": texts})
plain = nl.Project(df, nl.Classify(labels, text="text"), store="retrain.db", name="plain")
plain.label("bench", window=30)
"""

LEARNING = """
proj = nl.Project(df, nl.Classify(labels, text="text"), store="retrain.db", name="learning")
for i in range(8):  # one example of each label, so the first retrain fits a model
    proj.add(i, labels[i % 4], annotator="seed")
learner = proj.learn(SlowFit(max_iter=200), retrain_every=5, cv=0, seed=0)
learner.wait(60)
proj.label("bench", window=30)
"""

NAIVE = """
import ipywidgets as W
naive_X, naive_y = [], []
state = {"i": 0, "fits": 0}
text = W.HTML(value=df.text[0])
text.add_class("naive-text")
def on_click(button):
    naive_X.append(df.text[state["i"]]); naive_y.append(button.description)
    if len(naive_y) % 5 == 0 and len(set(naive_y)) > 1:
        from sklearn.pipeline import make_pipeline
        from sklearn.feature_extraction.text import TfidfVectorizer
        make_pipeline(TfidfVectorizer(), SlowFit(max_iter=200)).fit(naive_X, naive_y)  # retrain, then show the next item
        state["fits"] += 1
    state["i"] += 1
    text.value = df.text[state["i"]]
buttons = [W.Button(description=label) for label in labels]
for b in buttons:
    b.on_click(on_click)
    b.add_class("naive-" + b.description)
W.VBox([text, W.HBox(buttons)])
"""


def press_keys(page, widget, count: int, pace: float) -> list[dict]:
    widget.evaluate("el => el.classList.add('bench-target')")
    widget.click(position={"x": 5, "y": 5})
    lab.install_paint_latency_probe(page, ".bench-target .nbl-content")
    for i in range(count):
        page.keyboard.press("1234"[i % 4])
        time.sleep(pace)
    records = [r for r in lab.read_paint_latencies(page, wait=20) if r["key"] in "1234"]
    widget.evaluate("el => el.classList.remove('bench-target')")
    return records


def click_naive(page, server, path: str, count: int, pace: float) -> list[dict]:
    lab.install_paint_latency_probe(page, ".jp-OutputArea-output .naive-text")
    buttons = [page.locator(f"button.naive-{label}").first for label in ("bug", "billing", "praise", "feature")]
    kernel = lab.kernel_for(server, path)
    for i in range(count):
        buttons[0].scroll_into_view_if_needed()
        box = buttons[i % 4].bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        lab.wait_until(lambda taken=i + 1: kernel.eval("len(naive_y)") >= taken, 120, "the click to be handled")
        lab.wait_until(lambda: page.evaluate("() => (window.__nblabelProbe.records.at(-1) || {}).frame !== null"), 30, "the click to paint")
        time.sleep(pace)
    fits = kernel.eval("state['fits']")
    kernel.close()
    print(f"    (the naive loop refitted {fits} times)")
    return [r for r in lab.read_paint_latencies(page, wait=20) if r["key"] == "pointerdown"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--fit-seconds", type=float, default=3.0)
    parser.add_argument("--pace", type=float, default=0.15, help="seconds between keys")
    args = parser.parse_args()
    with running_server("lab") as server, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        setup = SETUP.replace("FIT", str(args.fit_seconds))
        path = lab.write_notebook(server, "retrain.ipynb", [setup, LEARNING, NAIVE])
        lab.open_notebook(page, server, path)
        lab.run_all_cells(page)
        lab.wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == 2, 120, "both widgets")
        lab.wait_for_widget(page, ".naive-text")
        plain, learning = page.locator(".jp-OutputArea-output .nbl-root").all()
        print(f"{args.items} keys per run, one every {args.pace:g} s; each fit takes {args.fit_seconds:g} s holding the GIL")

        baseline = summary("nblabel, no model", press_keys(page, plain, args.items, args.pace))
        kernel = lab.kernel_for(server, path)
        started = time.monotonic()
        during = summary("nblabel, retraining every 5", press_keys(page, learning, args.items, args.pace))
        lab.wait_until(lambda: learning.locator(".nbl-save").inner_text() == "all saved ✓", 120, "answers to be saved")
        saved_after = time.monotonic() - started
        busy = kernel.eval("learner.history['fit_seconds'].sum()")
        fits = kernel.eval("len(learner.history)")
        kernel.close()
        print(f"    ({fits} retrains, {busy:.1f} s of fitting; every answer saved {saved_after:.1f} s after the first key)")
        naive = summary("ipywidgets, refit in the click handler", click_naive(page, server, path, args.items // 3, args.pace))
        browser.close()
    print(f"p95 during retrains / no model: {during['p95'] / baseline['p95']:.2f}x")
    print(f"naive p95 / nblabel p95 during retrains: {naive['p95'] / during['p95']:.0f}x")


if __name__ == "__main__":
    main()
