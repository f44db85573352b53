"""Ranking view: keypress → next pair painted, and bytes per answer, with two 5,000-character options.

Measured in JupyterLab + Chromium (headless), inside the page (tests/browser/lab.py's probe:
from the input event's ``timeStamp`` to the first DOM mutation in the item area and to the next
animation frame, the paint), with difference highlighting off and on. The view renders the next
pair from the window of items the browser already holds and diffs the two texts in the browser
(words, longest common subsequence after trimming the common start and end); while highlighting
is on it compares the next pair when the browser is idle, so at a human pace the keypress only
paints. ``--pause`` sets the time between keypresses (default 50 ms, faster than anyone reads).

Beside it, in the same run and page: the common notebook comparison built from ipywidgets — two
``HTML`` panes and "A better" / "B better" buttons whose click handler records the verdict and
puts the next pair into the panes from Python (one kernel round trip per pair); with highlighting
on, the handler marks the changed words with ``difflib.SequenceMatcher`` and sends the marked-up
HTML.

Bytes per answer are the kernel WebSocket frames the page sent (up) and received (down) during
each run, divided by the answers given: for nblabel the answer message up, and the ack, the
refill of the window (one new pair) and the progress update down; for ipywidgets the click up,
and the two panes' new HTML and the kernel's status messages down.

With ``--previous DIR``, the previous implementation of the view (``DIR/rank.js`` and ``rank.css``,
e.g. bundles built from an older commit) is driven through the same keys in the same page.

Run: .venv/bin/python benchmarks/rank_latency.py [--pairs 60] [--previous DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import lab  # noqa: E402
from tests.browser.jupyter_server import running_server  # noqa: E402

#: Two answers per question, about 5,000 characters each: B rewrites some of A's words and adds
#: a sentence now and then, as two models' answers to one prompt differ.
SETUP = """
import random
import pandas as pd, nblabel as nl

WORDS = ("the model answer explains how a request reaches the server and why caching helps "
         "when latency matters most for users who wait on slow networks every day").split()

def pair(seed):
    rng = random.Random(seed)
    a, b = [], []
    while len(" ".join(a)) < 5000:
        word = rng.choice(WORDS)
        a.append(word)
        b.append(rng.choice(WORDS) if rng.random() < 0.06 else word)
        if rng.random() < 0.01:
            b.extend(rng.choice(WORDS) for _ in range(8))
    return " ".join(a)[:5000], " ".join(b)[:5000]

texts = [pair(i) for i in range(PAIRS)]
df = pd.DataFrame({"prompt": [f"Question {i}: which answer is better?" for i in range(PAIRS)],
                   "a": [t[0] for t in texts], "b": [t[1] for t in texts]})
proj = nl.Project(df, nl.Rank(["a", "b"], prompt="prompt"), store="rank_latency.db")
proj.label("bench")
"""

NAIVE = """
import difflib, html
import ipywidgets as W

naive_answers = []
naive = {"i": 0, "diff": False}
panes = [W.HTML(), W.HTML()]
for pane in panes:
    pane.add_class("naive-pane")

def marked(a, b):
    x, y = a.split(" "), b.split(" ")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
        for words, side in ((x[i1:i2], left), (y[j1:j2], right)):
            text = html.escape(" ".join(words))
            side.append(text if op == "equal" or not text else f"<mark>{text}</mark>")
    return " ".join(left), " ".join(right)

def show(i):
    a, b = df.a[i], df.b[i]
    panes[0].value, panes[1].value = marked(a, b) if naive["diff"] else (html.escape(a), html.escape(b))

def on_click(button):
    naive_answers.append((naive["i"], button.description))
    naive["i"] += 1
    show(naive["i"])

buttons = [W.Button(description=text) for text in ("A better", "B better")]
for button, name in zip(buttons, ("naive-a", "naive-b")):
    button.on_click(on_click)
    button.add_class(name)
show(0)
W.VBox([W.HBox(buttons), W.HBox(panes, layout=W.Layout(align_items="flex-start"))]).add_class("naive-root")
"""



class Wire:
    """Counts the kernel WebSocket bytes the page sends and receives."""

    def __init__(self) -> None:
        self.up = 0
        self.down = 0

    @staticmethod
    def _size(payload: str | bytes) -> int:
        return len(payload) if isinstance(payload, bytes) else len(payload.encode("utf-8"))

    def attach(self, websocket) -> None:
        if "/api/kernels/" not in websocket.url:
            return
        websocket.on("framesent", lambda payload: setattr(self, "up", self.up + self._size(payload)))
        websocket.on("framereceived", lambda payload: setattr(self, "down", self.down + self._size(payload)))

    def mark(self) -> tuple[int, int]:
        return self.up, self.down


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, records: list[dict], wire: tuple[int, int], answers: int) -> dict[str, float]:
    painted = [r["frame"] for r in records if r["frame"] is not None]
    row = {
        "n": len(records),
        "p50": statistics.median(painted) if painted else float("nan"),
        "p95": percentile(painted, 0.95) if painted else float("nan"),
        "up": wire[0] / answers,
        "down": wire[1] / answers,
    }
    print(
        f"{name:<36} n={row['n']:>3} painted={len(painted):>3}  p50 {row['p50']:8.1f} ms  "
        f"p95 {row['p95']:8.1f} ms   up {row['up']:8,.0f} B  down {row['down']:8,.0f} B per answer"
    )
    return row


def judge_with_keys(
    page, wire: Wire, count: int, kernel, done_before: int, pause: float, bench: str = "0"
) -> tuple[list[dict], tuple[int, int]]:
    lab.install_paint_latency_probe(page, f".jp-OutputArea-output .nbl-root[data-bench='{bench}'] .nbl-body")
    up, down = wire.mark()
    for i in range(count):
        page.keyboard.press("12"[i % 2])
        time.sleep(pause)
    records = [r for r in lab.read_paint_latencies(page, wait=10) if r["key"] in "12"]
    lab.wait_until(lambda: kernel.eval("len(proj.annotations)") >= done_before + count, 120, "every answer to be saved")
    time.sleep(1.0)  # the last refills and progress updates arrive
    return records, (wire.up - up, wire.down - down)


def judge_naive(page, wire: Wire, count: int, kernel) -> tuple[list[dict], tuple[int, int]]:
    lab.install_paint_latency_probe(page, ".jp-OutputArea-output .naive-root")
    buttons = [page.locator(f"button.{name}").first for name in ("naive-a", "naive-b")]
    start = kernel.eval("len(naive_answers)")
    up, down = wire.mark()
    for i in range(count):
        # The buttons sit above the panes and never move; click their centre (not locator.click,
        # which waits for animations) so Playwright's own waiting is not counted.
        box = buttons[i % 2].bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        taken = start + i + 1
        lab.wait_until(lambda taken=taken: kernel.eval("len(naive_answers)") >= taken, 30, "the click to reach the kernel")
        lab.wait_until(lambda: page.evaluate("() => (window.__nblabelProbe.records.at(-1) || {}).frame !== null"), 20, "the click to paint")
    time.sleep(1.0)
    records = [r for r in lab.read_paint_latencies(page, wait=10) if r["key"] == "pointerdown"]
    return records, (wire.up - up, wire.down - down)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=60, help="answers per run")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between keypresses")
    parser.add_argument("--previous", type=Path, help="folder with the previous implementation's rank.js and rank.css")
    args = parser.parse_args()
    n = args.pairs
    setup = SETUP.replace("PAIRS", str(2 * n + 21))  # each answer refills the window of 20
    with running_server("lab") as server, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        wire = Wire()
        page.on("websocket", wire.attach)
        cells = [setup, NAIVE]
        if args.previous:
            cells.append(lab.previous_view_cell("rank", "RankWidget", args.previous.resolve()))
        path = lab.write_notebook(server, "rank_latency.ipynb", cells)
        lab.open_notebook(page, server, path)
        lab.run_all_cells(page, timeout=120)
        widget = lab.wait_for_widget(page, ".nbl-rank-pane").locator("xpath=ancestor::*[contains(@class, 'nbl-root')][1]")
        lab.wait_for_widget(page, ".naive-pane")
        views = 2 if args.previous else 1
        lab.wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-rank-pane").count() == 2 * views, 60, "every view")
        roots = page.locator(".jp-OutputArea-output .nbl-root").all()
        for k, root in enumerate(roots):
            root.evaluate("(el, k) => { el.dataset.bench = String(k); }", k)
        kernel = lab.kernel_for(server, path)
        lengths = kernel.eval("sorted({len(t) for t in df.a} | {len(t) for t in df.b})")
        print(
            f"JupyterLab + Chromium (headless); {n} answers per run, keys {args.pause * 1000:.0f} ms apart; "
            f"options of {min(lengths):,}–{max(lengths):,} characters"
        )

        rows = {}
        widget.scroll_into_view_if_needed()
        widget.click(position={"x": 5, "y": 5})
        records, moved = judge_with_keys(page, wire, n, kernel, 0, args.pause)
        rows["nb_off"] = summary("nblabel, highlighting off", records, moved, n)
        page.keyboard.press("d")
        lab.wait_until(lambda: widget.locator(".nbl-rank-changed").count() > 0, 10, "differences to be highlighted")
        records, moved = judge_with_keys(page, wire, n, kernel, n, args.pause)
        rows["nb_on"] = summary("nblabel, highlighting on", records, moved, n)

        if args.previous:
            previous = roots[1]
            previous.scroll_into_view_if_needed()
            previous.click(position={"x": 5, "y": 5})
            records, moved = judge_with_keys(page, wire, n, kernel, 2 * n, args.pause, "1")
            rows["prev_off"] = summary("previous view, highlighting off", records, moved, n)
            page.keyboard.press("d")
            lab.wait_until(lambda: previous.locator(".nbl-rank-changed").count() > 0, 10, "differences to be highlighted")
            records, moved = judge_with_keys(page, wire, n, kernel, 3 * n, args.pause, "1")
            rows["prev_on"] = summary("previous view, highlighting on", records, moved, n)

        page.locator("button.naive-a").first.scroll_into_view_if_needed()
        records, moved = judge_naive(page, wire, n, kernel)
        rows["naive_off"] = summary("ipywidgets round trip, no highlighting", records, moved, n)
        kernel.execute("naive['diff'] = True; show(naive['i'])")
        lab.wait_until(lambda: page.locator(".naive-pane mark").count() > 0, 10, "the naive panes to highlight")
        records, moved = judge_naive(page, wire, n, kernel)
        rows["naive_on"] = summary("ipywidgets round trip, difflib marks", records, moved, n)
        kernel.close()
        browser.close()

    for mode in ("off", "on"):
        ours, theirs = rows[f"nb_{mode}"], rows[f"naive_{mode}"]
        if f"prev_{mode}" in rows:
            before = rows[f"prev_{mode}"]
            print(
                f"ratio previous view / nblabel, highlighting {mode}: p50 {before['p50'] / ours['p50']:.1f}x, "
                f"p95 {before['p95'] / ours['p95']:.1f}x"
            )
        print(
            f"ratio ipywidgets / nblabel, highlighting {mode}: p50 {theirs['p50'] / ours['p50']:.1f}x, "
            f"p95 {theirs['p95'] / ours['p95']:.1f}x; bytes down {theirs['down'] / ours['down']:.1f}x"
        )


if __name__ == "__main__":
    main()
