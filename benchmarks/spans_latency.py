"""The span view on a 100,000-character document with 2,000 spans, in JupyterLab + Chromium.

Measured inside the page with tests/browser/lab.py's probe, from the key's input event to the
next animation frame after the first DOM change in the widget ("frame") and to the end of that
frame's style, layout and paint on the page's main thread ("shown"); and, from a trace, the CPU
time the page's main thread spent on each key ("main-thread CPU", which unlike the latencies
hardly grows when other processes load the machine):

* first paint: PageUp from a short item to the long one (its text, 2,000 spans, tags in view);
* keypress → update on the long document: caret by character, by word and by line, Shift
  selection, applying a label by key, focusing the next span, deleting it, undoing an edit;
* keys needed to label one entity by keyboard.

Beside it, in the same page and run:

* with ``--previous DIR``, the previous implementation of the view (``DIR/spans.js`` and
  ``spans.css``, e.g. bundles built from an older commit), driven through the same keys on the
  same document, so both see the same load;
* the obvious alternative: a view that renders spans as <mark> elements and rebuilds the text's
  DOM on every change (timed from the start of the rebuild to the next animation frame, with the
  same text, spans and font).

Bytes per answer: the answer's comm message as the browser sent it over the kernel WebSocket
(framing included), and the stored value + details, for a typical short item with suggestions
and for the long document; beside them, the same spans in Label Studio's result format.

Run: .venv/bin/python benchmarks/spans_latency.py [--keys 40] [--previous DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import lab  # noqa: E402
from tests.browser.jupyter_server import running_server  # noqa: E402

SETUP = r'''
import random, re, pandas as pd, nblabel as nl
from nblabel.tasks import Spans
rng = random.Random(0)
WORDS = ["Ana", "Lima", "moved", "to", "São", "Paulo", "with", "👩‍👩‍👧", "e\u0301te\u0301", "東京", "תל", "אביב",
         "ACME", "Corp.", "in", "2021", "and", "the", "of", "🇫🇷", "data", "sync", "notes", "Zoë"]
words, size = [], 0
while size < 100_000:
    word = rng.choice(WORDS) + ("\r\n" if rng.random() < 0.02 else " ")
    words.append(word)
    size += len(word)
LONG = "".join(words)[:100_000]
tokens = [m.span() for m in re.finditer(r"\S+", LONG)]
step = len(tokens) // 2000
SPANS = [{"start": a, "end": b, "label": ["PER", "LOC", "ORG"][i % 3]} for i, (a, b) in enumerate(tokens[::step][:2000])]
SHORT = "Ana Lima moved from São Paulo to Tel Aviv with 👩‍👩‍👧 in 2021."
df = pd.DataFrame({"text": [SHORT, LONG, SHORT, SHORT],
                   "guess": [[(0, 8, "PER"), (20, 29, "LOC")], None, [(0, 8, "PER")], None]})
task = Spans(["PER", "LOC", "ORG"], text="text", suggest="guess")
proj = nl.Project(df, task, store="spans_bench.db")
proj.add(1, SPANS, annotator="bench")
widget = proj.label("bench")
widget
'''

NAIVE_JS = r"""
async ({ text, spans, updates }) => {
  // The obvious view: the text as <mark> segments, rebuilt from scratch on every change.
  const host = document.querySelector('.jp-OutputArea-output .nbl-spans-content');
  const box = document.createElement('div');
  box.className = 'nbl-text nbl-spans-text';
  box.style.cssText = 'max-height: 60vh; overflow: auto; border: 1px solid #ccc; padding: 10px;';
  host.closest('.nbl-root').append(box);
  const points = Array.from(text);
  const u16 = [0];
  for (const p of points) u16.push(u16[u16.length - 1] + p.length);
  const list = spans.map(s => ({ start: u16[s.start], end: u16[s.end], label: s.label }));
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  function build() {
    const cuts = [...new Set([0, text.length, ...list.flatMap(s => [s.start, s.end])])].sort((a, b) => a - b);
    const nodes = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const [a, b] = [cuts[k], cuts[k + 1]];
      const covering = list.filter(s => s.start <= a && b <= s.end);
      if (!covering.length) { nodes.push(document.createTextNode(text.slice(a, b))); continue; }
      const mark = document.createElement('mark');
      mark.dataset.labels = covering.map(s => s.label).join(' ');
      mark.textContent = text.slice(a, b);
      nodes.push(mark);
    }
    box.replaceChildren(...nodes);
  }
  const times = [];
  for (let i = 0; i <= updates; i++) {
    if (i) list.push({ start: list[i].end + 1, end: list[i].end + 2, label: 'PER' });
    const t0 = performance.now();
    build();
    box.getBoundingClientRect();
    await frame();
    times.push(performance.now() - t0);
  }
  box.remove();
  return times;
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cell(values: list[float]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return f"{'(nothing painted)':>23}"
    return f"{statistics.median(values):7.1f} / {percentile(values, 0.95):7.1f} ms"


def press(page, keys: list[str], pause: float = 0.05) -> list[dict]:
    """Press ``keys`` one by one; return the probe's records of those that are not modifiers."""
    lab.read_paint_latencies(page, wait=0.1)  # clear
    for key in keys:
        page.keyboard.press(key)
        time.sleep(pause)
    records = lab.read_paint_latencies(page, wait=10)
    return [r for r in records if r["key"] not in ("Control", "Shift", "Alt", "Meta")]


class Rows(dict):
    """Row name → {"records": probe records, "cpu": main-thread CPU ms per key}."""

    def add(self, name: str, page, keys: list[str], pause: float = 0.05) -> None:
        with lab.main_thread_cpu(page) as cpu:
            records = press(page, keys, pause)
        row = self.setdefault(name, {"records": [], "cpu": []})
        row["records"] += records
        row["cpu"] += cpu


def measure(page, widget, n: int) -> Rows:
    """Every row's figures for one widget (its first item short, its second the long document)."""
    widget.click(position={"x": 5, "y": 5})
    lab.install_paint_latency_probe(page, f".jp-OutputArea-output .nbl-root[data-bench='{widget.get_attribute('data-bench')}']")
    rows = Rows()
    for k in range(6):
        rows.add("first paint of the long document (PageUp)" if k == 0 else "  showing it again (PageUp)", page, ["PageUp"], pause=0.6)
        assert "item 1" in widget.locator(".nbl-position").inner_text()
        press(page, ["PageDown"], pause=0.3)
    press(page, ["PageUp"], pause=0.6)
    spans_shown = widget.locator(".nbl-spans-counts").inner_text()
    assert spans_shown.startswith("2000 spans"), spans_shown
    rows.add("caret by character (→)", page, ["ArrowRight"] * n)
    rows.add("caret by word (Ctrl+→)", page, ["Control+ArrowRight"] * n)
    rows.add("caret by line (↓)", page, ["ArrowDown"] * n)
    rows.add("extend the selection (Shift+Ctrl+→)", page, ["Shift+Control+ArrowRight"] * n)
    for _ in range(n):
        press(page, ["Control+ArrowRight", "Control+ArrowRight"], pause=0.02)
        press(page, ["Shift+Control+ArrowRight"], pause=0.02)
        rows.add("apply a label by key (2)", page, ["2"])
    rows.add("focus the next span (])", page, ["]"] * n)
    for _ in range(min(n, 20)):
        press(page, ["]"], pause=0.02)
        rows.add("delete the focused span (Delete)", page, ["Delete"])
    rows.add("undo an edit (Ctrl+Z)", page, ["Control+z"] * min(n, 20))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="keypresses per kind of key")
    parser.add_argument("--previous", type=Path, help="folder with the previous implementation's spans.js and spans.css")
    args = parser.parse_args()
    n = args.keys
    cells = [SETUP]
    if args.previous:
        cells.append(lab.previous_view_cell("spans", "SpansWidget", args.previous.resolve(), 'proj.add(1, SPANS, annotator="previous")'))
    with running_server("lab") as server, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        answers_sent: list[int] = []

        def on_frame(payload) -> None:
            data = payload if isinstance(payload, bytes) else payload.encode()
            if b'"kind":"answer"' in data:
                answers_sent.append(len(data))

        page.on("websocket", lambda ws: ws.on("framesent", on_frame))
        path = lab.write_notebook(server, "spans_bench.ipynb", cells)
        lab.open_notebook(page, server, path)
        lab.run_all_cells(page, timeout=120)
        lab.wait_for_widget(page, ".nbl-root")
        lab.wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == len(cells), 30, "every widget")
        widgets = page.locator(".jp-OutputArea-output .nbl-root").all()
        for k, w in enumerate(widgets):
            w.evaluate("(el, k) => { el.dataset.bench = String(k); }", k)
            lab.wait_until(lambda w=w: "item 0" in w.locator(".nbl-position").inner_text(), 30, "the first item")
        widget = widgets[0]
        print(f"JupyterLab + Chromium (headless); a 100,000-character document with 2,000 spans ({n} keypresses per row); "
              f"load average {os.getloadavg()[0]:.1f} at the start")
        results = []
        for w in widgets:
            w.scroll_into_view_if_needed()
            results.append(measure(page, w, n))
            press(page, ["PageDown"], pause=0.5)  # a short item again, while the other view is measured
        names = ["this view"] + (["previous view"] if args.previous else [])
        for name, rows in zip(names, results, strict=True):
            print(f"{name}: {'frame p50 / p95':>59}  {'shown p50 / p95':>21}  {'main-thread CPU p50 / p95':>27}")
            for row, got in rows.items():
                frame = cell([r["frame"] for r in got["records"]])
                shown = cell([r["shown"] for r in got["records"]])
                print(f"  {row:<42}{frame:>23}  {shown:>21}  {cell(got['cpu']):>27}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        print("keys to label one entity by keyboard: 2–4 (Ctrl+→ to its start, Shift+Ctrl+→ per word, "
              "then the label key); by mouse: a double click (or a drag) and the label key")

        with lab.kernel_for(server, path) as kernel:
            text = kernel.eval("LONG")
            spans = kernel.eval("SPANS")
        naive = page.evaluate(NAIVE_JS, {"text": text, "spans": spans, "updates": min(n, 15)})
        print(f"{'naive <mark> rebuild: first paint':<38}  {cell(naive[:1]):>27}")
        print(f"{'naive <mark> rebuild: per change':<38}  {cell(naive[1:]):>27}")

        # Bytes per answer: submit the long document and a short item with suggestions.
        widget.scroll_into_view_if_needed()
        widget.click(position={"x": 5, "y": 5})
        press(page, ["PageUp"], pause=0.5)
        assert "item 1" in widget.locator(".nbl-position").inner_text()
        press(page, ["Control+ArrowRight", "Shift+Control+ArrowRight", "1"], pause=0.1)  # surely edited
        answers_sent.clear()
        page.keyboard.press("Enter")  # the long document, edited: a new answer
        lab.wait_until(lambda: widget.locator(".nbl-save").inner_text() == "all saved ✓", 60, "the long answer to be saved")
        page.keyboard.press("Enter")  # item 0: accept its two suggestions
        page.keyboard.press("Enter")  # then submit
        lab.wait_until(lambda: widget.locator(".nbl-save").inner_text() == "all saved ✓", 60, "the short answer to be saved")
        with lab.kernel_for(server, path) as kernel:
            stored = kernel.eval(
                "[len(__import__('json').dumps(v, ensure_ascii=False).encode()) + "
                "(len(__import__('json').dumps(m, ensure_ascii=False).encode()) if m else 0) "
                "for v, m in proj.annotations[proj.annotations.annotator == 'bench'][['value', 'meta']].values[-2:]]"
            )
            studio = kernel.eval(
                "[len(__import__('json').dumps([{'id': f'r{i:08d}', 'from_name': 'label', 'to_name': 'text', 'type': 'labels', "
                "'origin': 'manual', 'value': {'start': s['start'], 'end': s['end'], 'text': df.text[p][s['start']:s['end']], 'labels': [s['label']]}} "
                "for i, s in enumerate(v)], ensure_ascii=False).encode()) "
                "for p, v in proj.annotations[proj.annotations.annotator == 'bench'][['item', 'value']].values[-2:]]"
            )
        assert len(answers_sent) == 2, answers_sent
        print(f"bytes per answer on the wire (comm message):  long document {answers_sent[0]:,} · short item {answers_sent[1]:,}")
        print(f"bytes stored (value + details as JSON):       long document {stored[0]:,} · short item {stored[1]:,}")
        print(f"same spans in Label Studio's result format:   long document {studio[0]:,} · short item {studio[1]:,}")
        browser.close()


if __name__ == "__main__":
    main()
