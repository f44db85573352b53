"""Classifying images: keypress → next image painted, with 1-megapixel JPEGs, in JupyterLab + Chromium.

"Painted" is the image's render time as the browser reports it (the Element Timing API: when the
frame showing the new image was presented, its decoding included), measured from the key's input
event. Keys are ``--pause`` seconds apart (default 150 ms: a fast annotator), pressed in rounds of
ten per view in turn.

Side by side in the same page and run, on the same images:

* nblabel's classification view, which scales the next items' images ahead to the device pixels
  they cover on screen, decodes them (HTMLImageElement.decode()) and swaps a ready element in on
  the keypress;
* the obvious alternative: an <img> whose ``src`` is set to the next image (a blob URL already in
  the browser, so no network) on each keypress, decoded when it is first painted;
* with ``--previous DIR``, the previous implementation of the view (``DIR/classify.js`` and
  ``classify.css``), e.g. bundles built from an older commit.

Run: .venv/bin/python benchmarks/image_latency.py [--keys 60] [--pause 0.15] [--previous DIR]
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

#: 1000 × 1000 photo-like JPEGs (gradients, shapes and grain), written next to the notebook.
SETUP = r"""
import random
from pathlib import Path
import pandas as pd, nblabel as nl
from PIL import Image, ImageDraw, ImageFilter

def picture(seed):
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((1000, 1000)).rotate(rng.randrange(360))
    image = Image.merge("RGB", [base.point(lambda v, k=k: (v * (k + 1) + rng.randrange(256)) % 256) for k in range(3)])
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.randrange(1000), rng.randrange(1000), rng.randrange(10, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    grain = Image.effect_noise((1000, 1000), 24).convert("RGB")
    return Image.blend(image.filter(ImageFilter.GaussianBlur(2)), grain, 0.15)

Path("images").mkdir(exist_ok=True)
paths = []
for i in range(COUNT):
    path = Path("images") / f"{i:04d}.jpg"
    picture(i).save(path, "JPEG", quality=85)
    paths.append(str(path))
df = pd.DataFrame({"path": paths})
proj = nl.Project(df, nl.Classify(["cat", "dog", "bird", "other"], image="path"), store="images.db")
proj.label("bench")
"""

#: Names every image in each widget for the Element Timing API (also images swapped in later: the
#: attribute is read when the image is painted) and records the entries and the keydowns.
OBSERVER_JS = r"""
(names) => {
  const widgets = document.querySelectorAll('.jp-OutputArea-output .nbl-root');
  names.forEach((name, k) => {
    const root = widgets[k];
    const tag = () => root.querySelectorAll('img.nbl-image').forEach((img) => img.setAttribute('elementtiming', name));
    tag();
    new MutationObserver(tag).observe(root, {subtree: true, childList: true});
  });
  window.__paints = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__paints.push({id: e.identifier, at: e.renderTime || e.loadTime, url: e.url});
  }).observe({type: 'element', buffered: true});
  window.__keys = [];
  window.addEventListener('keydown', (event) => window.__keys.push(event.timeStamp), true);
}
"""

#: The obvious alternative: an <img> whose src is set to the next image on each keypress.
NAIVE_JS = r"""
async ({ count, base, token }) => {
  const urls = [];
  for (let i = 0; i < count; i++) {
    const blob = await (await fetch(`${base}files/images/${String(i).padStart(4, '0')}.jpg?token=${token}`)).blob();
    urls.push(URL.createObjectURL(blob));
  }
  const box = document.createElement('div');
  box.className = 'naive-images';
  box.style.cssText = 'border: 1px solid #ccc; padding: 8px;';
  const img = document.createElement('img');
  img.setAttribute('elementtiming', 'naive');
  img.style.cssText = 'display: block; max-width: 100%; max-height: 50vh; margin: 0 auto;';
  img.src = urls[0];
  box.append(img);
  let at = 0;
  // While it is being measured (window.__naiveActive), it takes the label keys before JupyterLab
  // does (a click on it would focus the notebook cell around it).
  window.addEventListener('keydown', (event) => {
    if (!window.__naiveActive || !'1234'.includes(event.key)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    at = Math.min(at + 1, urls.length - 1);
    img.src = urls[at];
  }, true);
  document.querySelector('.jp-OutputArea-output .nbl-root').closest('.jp-Cell').after(box);
  await img.decode();
  return true;
}
"""


#: Keys per view in one round (the views take turns).
ROUND = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_keys(page, target, ident: str, keys: int, pause: float) -> list[float | None]:
    """Press label keys on ``target``; for each, the time to the next paint of an image of ``ident``."""
    page.evaluate("(on) => { window.__naiveActive = on; }", ident == "naive")
    target.click(position={"x": 5, "y": 5})
    time.sleep(0.5)  # let the images of the next items load
    page.evaluate("() => { window.__keys = []; window.__paints = []; }")
    for i in range(keys):
        page.keyboard.press("1234"[i % 4])
        time.sleep(pause)
    time.sleep(0.5)
    keys_at, paints = page.evaluate("() => [window.__keys, window.__paints]")
    mine = sorted(p["at"] for p in paints if p["id"] == ident)
    latencies: list[float | None] = []
    for k, t0 in enumerate(keys_at):
        t1 = keys_at[k + 1] if k + 1 < len(keys_at) else float("inf")
        painted = [at for at in mine if t0 <= at < t1]
        latencies.append(painted[0] - t0 if painted else None)
    return latencies


def line(name: str, values: list[float | None]) -> None:
    painted = [v for v in values if v is not None]
    if not painted:
        print(f"{name:<52} n={len(values):>3}  (no image painted)")
        return
    print(
        f"{name:<52} n={len(values):>3} painted={len(painted):>3}  p50 {statistics.median(painted):7.1f} ms  "
        f"p95 {percentile(painted, 0.95):7.1f} ms  max {max(painted):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60, help="keypresses per view")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between keypresses")
    parser.add_argument("--previous", type=Path, help="folder with the previous implementation's classify.js and classify.css")
    args = parser.parse_args()
    count = args.keys + 30  # each answer refills the window of 20
    cells = [SETUP.replace("COUNT", str(count))]
    if args.previous:
        cells.append(lab.previous_view_cell("classify", "ClassifyWidget", args.previous.resolve()))
    with running_server("lab") as server, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        path = lab.write_notebook(server, "images.ipynb", cells)
        lab.open_notebook(page, server, path)
        lab.run_all_cells(page, timeout=300)
        lab.wait_for_widget(page, ".nbl-image")
        lab.wait_until(lambda: page.locator(".jp-OutputArea-output .nbl-root").count() == len(cells), 60, "every widget")
        widgets = page.locator(".jp-OutputArea-output .nbl-root").all()
        page.evaluate(OBSERVER_JS, ["nbl-this", "nbl-previous"][: len(widgets)])
        page.evaluate(NAIVE_JS, {"count": count, "base": server.base_url, "token": server.token})
        print(f"JupyterLab + Chromium (headless); {args.keys} keys per view, {args.pause * 1000:.0f} ms apart; "
              f"1000 × 1000 JPEGs; load average {os.getloadavg()[0]:.1f} at the start")
        runs = [("nblabel, next images scaled and decoded ahead", widgets[0], "nbl-this")]
        if args.previous:
            runs.append(("previous nblabel view", widgets[1], "nbl-previous"))
        runs.append(("<img> src set on each key (no decoding ahead)", page.locator(".naive-images"), "naive"))
        # Rounds of ROUND keys per view in turn, so that a busy spell on the machine falls on
        # every view alike rather than on whichever happened to run then.
        results: dict[str, list[float | None]] = {ident: [] for _, _, ident in runs}
        for start in range(0, args.keys, ROUND):
            for _, target, ident in runs:
                target.scroll_into_view_if_needed()
                results[ident] += run_keys(page, target, ident, min(ROUND, args.keys - start), args.pause)
        for name, _, ident in runs:
            line(name, results[ident])
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        browser.close()


if __name__ == "__main__":
    main()
