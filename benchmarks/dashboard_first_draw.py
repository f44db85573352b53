"""Dashboard first draw: from running the cell to every chart on screen, in JupyterLab and Chromium.

A project of 1,000 answers (5 annotators on 500 items, most items answered twice, a model in the
loop trained with cross-validation) is opened in a fresh kernel, which then imports altair (timed
on its own: every chart nblabel draws is an altair chart, and in a kernel with JupyterLab
installed the import takes seconds, most of it jsonschema compiling the grammars of its
``rfc3987-syntax`` format checker); a second cell builds the dashboard. The page records the
moment the ninth chart's SVG appears (a MutationObserver); the figure is that moment minus the
time the dashboard cell started, on the machine's one clock. Beside it: how long the cell took to
return (nblabel's returns at once and computes the charts on the kernel's loop afterwards, part
by part, while the browser draws the parts already sent; the ipywidgets one computed every chart
first). A first dashboard in a kernel that never drew a chart takes the import plus the figure.

Beside it, in the same run:

- the ipywidgets dashboard nblabel had before (a VBox of altair ``JupyterChart`` widgets with
  Vega bundled by vl-convert at first use), taken from the last commit of this repository that
  has it (``git archive`` into a temporary directory, imported by the kernel in its place);
- the obvious static alternative: every chart's spec rendered to SVG by vl-convert in the
  kernel (no browser time counted).

Run: .venv/bin/python benchmarks/dashboard_first_draw.py [--runs 3] [--answers 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import lab  # noqa: E402
from tests.browser.jupyter_server import running_server  # noqa: E402

CHARTS = 9
SETUP = """
import sys, time
{path_line}
import numpy as np, pandas as pd, nblabel as nl
from sklearn.linear_model import LogisticRegression
rng = np.random.default_rng(0)
labels = ["bug", "feature_request", "billing", "account", "praise", "other"]
n_items = {answers} // 2
truth = rng.integers(len(labels), size=n_items)
words = np.array("app crash slow pay card login password love great feature add please".split())
df = pd.DataFrame(
    {{"text": [" ".join(words[[2 * t, 2 * t + 1, *rng.integers(len(words), size=4)]]) for t in truth]}},
    index=pd.Index([f"I{{i:05d}}" for i in range(n_items)], name="item"),
)
proj = nl.Project(df, nl.Classify(labels, text="text"), store=f"first-{{time.time_ns()}}.db", name="bench")
for i in range({answers}):
    pos = (i // 2) if i % 10 else int(rng.integers(n_items))
    right = rng.random() < 0.85
    proj.add(df.index[pos], labels[truth[pos]] if right else labels[i % 6], f"a{{i % 5}}")
learner = proj.learn(LogisticRegression(max_iter=300), retrain_every=10**9, seed=0, cv=3)
learner.request()
assert learner.wait(120)
start = time.time()
import altair
altair_import = time.time() - start
"""
DASHBOARD = """
started = time.time()
dash = {build}
built = time.time() - started
dash
"""
#: Records, in the page, when the CHARTS-th chart of a dashboard has drawn its SVG.
WATCH = """
(want) => {
  window.__drawn = null;
  const check = () => {
    if (window.__drawn === null && document.querySelectorAll('.nbl-dashboard svg.marks').length >= want) {
      window.__drawn = Date.now() / 1000;
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true});
}
"""


def last_commit_with_the_old_dashboard() -> str | None:
    """The newest commit whose dashboard is an ipywidgets VBox (None without git history)."""
    try:
        commits = subprocess.run(
            ["git", "rev-list", "HEAD", "--", "nblabel/dashboard/widget.py"], cwd=ROOT,
            capture_output=True, text=True, check=True,
        ).stdout.split()
        for commit in commits:
            source = subprocess.run(
                ["git", "show", f"{commit}:nblabel/dashboard/widget.py"], cwd=ROOT,
                capture_output=True, text=True, check=True,
            ).stdout
            if "widgets.VBox" in source:
                return commit
    except (OSError, subprocess.CalledProcessError):
        return None
    return None


def unpack(commit: str, into: Path) -> None:
    """Write the ``nblabel`` package of ``commit`` into ``into``."""
    archive = subprocess.run(["git", "archive", commit, "nblabel"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def first_draw(page, server, name: str, setup: str, build: str) -> tuple[float, float, float]:
    """Run the setup, then the dashboard cell; return seconds to every chart, seconds until
    the cell returned, and the import of altair before."""
    path = lab.write_notebook(server, f"{name}.ipynb", [setup, DASHBOARD.format(build=build)])
    lab.open_notebook(page, server, path)
    page.evaluate(WATCH, CHARTS)
    lab.run_all_cells(page, timeout=300)
    lab.wait_until(lambda: page.evaluate("() => window.__drawn"), 120, f"{CHARTS} charts drawn")
    with lab.kernel_for(server, path) as kernel:
        started, built, imported = kernel.eval("[started, built, altair_import]")
        drawn = page.evaluate("() => window.__drawn")
        assert kernel.eval("len(proj.annotations)") >= 1000
    server.shutdown_kernels()
    return drawn - started, built, imported


def static_svgs(answers: int) -> float:
    """Seconds to build every chart's spec and render it to SVG with vl-convert, in-process."""
    namespace: dict = {}
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the project's store goes there
        try:
            exec(SETUP.format(path_line="", answers=answers), namespace)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pairs of annotators with no item in common
                exec(SVGS, namespace)
        finally:
            os.chdir(here)
    return namespace["seconds"]


#: Every chart of the dashboard, built from the project of SETUP and rendered by vl-convert.
SVGS = """
import vl_convert as vlc
from nblabel import charts
start = time.time()
events = proj.annotations
state = learner.state
frame = state.predictions()
given = frame[frame["label"].notna()]
built = [
    charts.label_distribution(events, labels), charts.progress(events), charts.throughput(events),
    charts.agreement(proj.agreement(n=200)),
    charts.pairwise_heatmap(nl.agreement.pairwise(events, "cohen_kappa"), "cohen_kappa"),
    charts.uncertainty_histogram(frame[frame["label"].isna()]), charts.confusion(given, labels),
    charts.learning_curve(learner.history), charts.calibration(given),
]
svgs = [vlc.vegalite_to_svg(chart.to_dict()) for chart in built]
seconds = time.time() - start
proj.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    commit = last_commit_with_the_old_dashboard()
    rows: dict[str, list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as old, running_server("lab") as server, \
            sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        cases = [("nblabel's dashboard (one anywidget, Vega bundled)", "",
                  "proj.dashboard(agreement_resamples=200)")]
        if commit is not None:
            unpack(commit, Path(old))
            cases.append((f"ipywidgets dashboard (commit {commit[:8]})",
                          f"sys.path.insert(0, {old!r})",
                          "nl.dashboard.dashboard(proj, agreement_resamples=200)"))
        for run in range(args.runs):
            for i, (name, path_line, build) in enumerate(cases):
                setup = SETUP.format(path_line=path_line, answers=args.answers)
                rows.setdefault(name, []).append(
                    first_draw(page, server, f"run{run}-{i}", setup, build))
        browser.close()
    print(f"first draw of a dashboard, {args.answers:,} answers, model in the loop "
          f"(median of {args.runs} fresh kernels)")
    print(f"{'':<58}{'to every chart':>15}{'cell':>9}{'altair import before':>22}")
    for name, figures in rows.items():
        total, kernel, imported = (statistics.median(f[i] for f in figures) for i in range(3))
        print(f"{name:<58}{total:>13.2f} s{kernel:>7.2f} s{imported:>20.2f} s")
    if commit is None:
        print("(no git history with the ipywidgets dashboard: it is left out)")
    print(f"{'every spec + vl-convert SVG in the kernel (no browser)':<58}"
          f"{static_svgs(args.answers):>13.2f} s")


if __name__ == "__main__":
    main()
