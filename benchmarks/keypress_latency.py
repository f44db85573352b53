"""Keypress → next item painted, in JupyterLab + Chromium, with the kernel idle and busy.

Beside it, in the same run and the same page: the common notebook labeler built from ipywidgets
buttons whose click handler rebuilds the item from Python (one kernel round trip per item).

Latency is measured inside the page (tests/browser/lab.py's probe): from the input event's
``timeStamp`` to the first DOM mutation in the item area and to the next animation frame (the
paint). "Busy" means the kernel is running ``time.sleep(30)``, as a long cell would.

Run: .venv/bin/python benchmarks/keypress_latency.py [--items 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import lab  # noqa: E402
from tests.browser.jupyter_server import running_server  # noqa: E402

SETUP = """
import pandas as pd, nblabel as nl
texts = [f"Ticket {i}: " + "the app " + ["crashes on start", "double-charged me", "is lovely", "needs dark mode"][i % 4] + " " * (i % 7) + "and more words follow here. " * (1 + i % 5) for i in range(1000)]
df = pd.DataFrame({"text": texts})
proj = nl.Project(df, nl.Classify(["bug", "billing", "praise", "feature"], text="text"), store="latency.db")
widget = proj.label("bench", window=WINDOW)
widget
"""

NAIVE = """
import ipywidgets as W
naive_answers = []
state = {"i": 0}
text = W.HTML(value=df.text[0])
text.add_class("naive-text")
def on_click(button):
    naive_answers.append((state["i"], button.description))
    state["i"] += 1
    text.value = df.text[state["i"]]   # the next item is built in Python, after a round trip
buttons = [W.Button(description=label) for label in ["bug", "billing", "praise", "feature"]]
for b in buttons:
    b.on_click(on_click)
    b.add_class("naive-" + b.description)
W.VBox([text, W.HBox(buttons)])
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, records: list[dict]) -> dict[str, float]:
    painted = [r["frame"] for r in records if r["frame"] is not None]
    mutated = [r["mutation"] for r in records if r["mutation"] is not None]
    row = {
        "name": name,
        "n": len(records),
        "painted": len(painted),
        "p50": statistics.median(painted) if painted else float("nan"),
        "p95": percentile(painted, 0.95) if painted else float("nan"),
        "dom_p50": statistics.median(mutated) if mutated else float("nan"),
    }
    print(f"{name:<34} n={row['n']:>3} painted={row['painted']:>3}  p50 {row['p50']:9.1f} ms  p95 {row['p95']:9.1f} ms  (DOM change p50 {row['dom_p50']:.1f} ms)")
    return row


def busy_kernel(server, path: str, seconds: float) -> threading.Thread:
    """Run ``time.sleep(seconds)`` in the notebook's kernel from another client, in a thread."""

    def run() -> None:
        with lab.kernel_for(server, path) as kernel:
            kernel.execute(f"import time; time.sleep({seconds})", timeout=seconds + 60)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(1.0)  # let the sleep start before the first key
    return thread


def label_with_keys(page, count: int) -> list[dict]:
    lab.install_paint_latency_probe(page, ".jp-OutputArea-output .nbl-content")
    for i in range(count):
        page.keyboard.press("1234"[i % 4])
        time.sleep(0.03)
    return [r for r in lab.read_paint_latencies(page, wait=10) if r["key"] in "1234"]


def label_naive(page, server, path: str, count: int, busy_seconds: float = 0.0) -> list[dict]:
    lab.install_paint_latency_probe(page, ".jp-OutputArea-output .naive-text")
    page.locator("button.naive-bug").first.scroll_into_view_if_needed()
    buttons = [page.locator(f"button.naive-{label}").first for label in ("bug", "billing", "praise", "feature")]
    kernel = lab.kernel_for(server, path)
    start = kernel.eval("len(naive_answers)")
    sleeper = busy_kernel(server, path, busy_seconds) if busy_seconds else None
    for i in range(count):
        # The item's text changes length, so the buttons move: find them again before each click
        # (outside the measured interval), cycling through them so clicks never pair up as double clicks.
        box = buttons[i % 4].bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        taken = start + i + 1
        lab.wait_until(lambda taken=taken: kernel.eval("len(naive_answers)") >= taken, busy_seconds + 30, "the naive labeler to take the click")
        lab.wait_until(lambda: page.evaluate("() => (window.__nblabelProbe.records.at(-1) || {}).frame !== null"), 20, "the click to paint")
    kernel.close()
    if sleeper is not None:
        sleeper.join(busy_seconds + 60)
    return [r for r in lab.read_paint_latencies(page, wait=10) if r["key"] == "pointerdown"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--busy-seconds", type=float, default=30.0)
    args = parser.parse_args()
    window = args.items + 50  # the whole busy run fits in the browser's window
    with running_server("lab") as server, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        path = lab.write_notebook(server, "latency.ipynb", [SETUP.replace("WINDOW", str(window)), NAIVE])
        lab.open_notebook(page, server, path)
        lab.run_all_cells(page)
        widget = lab.wait_for_widget(page, ".nbl-root")
        lab.wait_for_widget(page, ".naive-text")
        print(f"{args.items} items per run; JupyterLab + Chromium (headless); kernel busy = time.sleep({args.busy_seconds:g})")
        rows = []

        widget.click(position={"x": 5, "y": 5})
        rows.append(summary("nblabel, kernel idle", label_with_keys(page, args.items)))
        # Let the kernel acknowledge everything, so the browser again holds `window` items ahead.
        lab.wait_until(lambda: widget.locator(".nbl-save").inner_text() == "all saved ✓", 60, "answers to be saved")
        done_before = args.items
        sleeper = busy_kernel(server, path, args.busy_seconds)
        started = time.monotonic()
        busy_records = label_with_keys(page, args.items)
        took = time.monotonic() - started
        rows.append(summary("nblabel, kernel busy", busy_records))
        print(f"    ({args.items} keypresses took {took:.1f} s, all while the kernel slept)")
        sleeper.join(args.busy_seconds + 60)
        kernel = lab.kernel_for(server, path)
        lab.wait_until(lambda: kernel.eval("len(proj.annotations)") >= done_before + args.items, 120, "the busy run's answers to be saved")
        kernel.close()

        rows.append(summary("naive ipywidgets, kernel idle", label_naive(page, server, path, args.items)))
        # Busy: the first click waits for the sleep to end, so three clicks tell the story.
        naive_busy = label_naive(page, server, path, 3, args.busy_seconds)
        rows.append({**summary("naive ipywidgets, kernel busy", naive_busy), "first": naive_busy[0]["frame"]})
        print(f"    (its first click waited {naive_busy[0]['frame'] / 1000:.1f} s for the sleeping kernel)")
        browser.close()

    nb_idle, nb_busy, naive_idle, naive_busy = rows
    print(f"ratio naive / nblabel, idle: p50 {naive_idle['p50'] / nb_idle['p50']:.1f}x, p95 {naive_idle['p95'] / nb_idle['p95']:.1f}x")
    print(f"ratio naive / nblabel, busy: naive's first click / nblabel's p95 keypress = {naive_busy['first'] / nb_busy['p95']:.0f}x")


if __name__ == "__main__":
    main()
