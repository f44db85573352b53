"""No notebook reaches off the machine: every example notebook runs in JupyterLab with the page's
requests intercepted, and fails on any request to a host other than 127.0.0.1.

All notebooks run one after another in one server (each in its own directory, so their stores
start empty). Each must run to the end with no error output, no "Error loading script" (what a
chart that fetches Vega from a CDN shows offline) and no widget left loading; every chart shown
must have been drawn. A canary notebook with a plain altair chart (altair's default renderer
loads Vega from a CDN) checks that the interception sees such a request, and nblabel's charts,
alone, combined and as a widget, are also drawn offline in Notebook 7.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from .lab import copy_into_root, open_notebook, run_all_cells, wait_until, write_notebook

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT = 600.0
DRAW_TIMEOUT = 60.0

#: What the outputs of the page's notebook show: error outputs and messages that tell of a problem,
#: widgets still loading, and the charts (outputs whose text is an altair chart's repr, or a chart
#: widget's) not drawn by Vega. Model outputs and their views are matched by position.
_OUTPUTS_JS = r"""
() => {
  const problems = [], undrawn = [];
  let charts = 0, loading = 0;
  for (const panel of window.jupyterapp.shell.widgets('main')) {
    if (!(panel && panel.content && panel.content.widgets)) continue;
    panel.content.widgets.forEach((cell, i) => {
      if (cell.model.type !== 'code') return;
      const views = cell.outputArea ? cell.outputArea.widgets : [];
      cell.model.outputs.toJSON().forEach((o, j) => {
        if (o.output_type === 'error') {
          const tb = (o.traceback || []).join('\n').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
          problems.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}\n${tb}`.slice(0, 3000));
        }
        const node = views[j] ? views[j].node : null;
        const shown = node ? node.innerText || '' : '';
        if (/Error loading script|Error displaying widget|JavaScript Error/.test(shown)) {
          problems.push(`cell ${i + 1}: ${shown.slice(0, 1000)}`);
        }
        if (/Loading widget/.test(shown)) loading += 1;
        const text = [].concat((o.data || {})['text/plain'] || []).join('');
        if (/^alt\.\w+\(\.\.\.\)$|OfflineChart object/.test(text)) {
          charts += 1;
          if (!(node && node.querySelector('.vega-embed svg, .vega-embed canvas'))) {
            undrawn.push(`cell ${i + 1}`);
          }
        }
      });
    });
  }
  return {problems, charts, undrawn, loading};
}
"""


def _is_local(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname == "127.0.0.1"


@pytest.fixture
def off_machine(context: Any, page: Any) -> list[str]:
    """Requests (and WebSockets) of the page to anywhere but 127.0.0.1: recorded, then refused."""
    seen: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            seen.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("websocket", lambda ws: None if _is_local(ws.url) else seen.append(ws.url))
    return seen


def _outputs(page: Any) -> dict[str, Any]:
    return page.evaluate(_OUTPUTS_JS)


def _run_offline(page: Any, server: Any, path: str) -> dict[str, Any]:
    """Open and run a notebook, wait for its widgets and charts; return what the page shows."""
    open_notebook(page, server, path, timeout=120)
    run_all_cells(page, timeout=RUN_TIMEOUT, check=False, path=path)
    deadline = time.monotonic() + DRAW_TIMEOUT
    state = _outputs(page)
    while (state["loading"] or state["undrawn"]) and not state["problems"]:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
        state = _outputs(page)
    return state


CHARTS_CELLS = [
    "import pandas as pd, nblabel as nl\n"
    "a = nl.charts.label_distribution(pd.Series(['</script><b>x', 'y', 'y']))\n"
    "b = nl.charts.confusion(pd.DataFrame({'label': ['a', 'b'], 'heldout': ['a', 'a']}))\n"
    "a",
    "a | b",
    "(a & b.properties(title='below')) | a + a.mark_point()",
    "nl.charts.widget(b)",
]


def test_charts_draw_offline_in_notebook_7(notebook_server, page, off_machine):
    path = write_notebook(notebook_server, "charts7/charts.ipynb", CHARTS_CELLS)
    state = _run_offline(page, notebook_server, path)
    assert not off_machine and not state["problems"], (off_machine, state["problems"])
    assert state["charts"] == len(CHARTS_CELLS) and not state["undrawn"], state
    assert page.locator(".jp-OutputArea-output b").count() == 0, "data is text, not markup"


def test_the_interception_sees_a_chart_that_loads_vega_from_a_cdn(
    lab_server, page, off_machine
):
    path = write_notebook(lab_server, "canary/canary.ipynb", [
        "import altair as alt, pandas as pd\n"
        "alt.Chart(pd.DataFrame({'x': [1, 2]})).mark_bar().encode(x='x:Q')",
    ])
    open_notebook(page, lab_server, path, timeout=120)
    run_all_cells(page, timeout=RUN_TIMEOUT, check=False, path=path)
    wait_until(lambda: off_machine, 30, "the CDN request of altair's default renderer")
    assert not any(_is_local(url) for url in off_machine)
    wait_until(
        lambda: any("Error loading script" in p for p in _outputs(page)["problems"]),
        30, "altair's 'Error loading script' message",
    )


@pytest.mark.slow
def test_every_notebook_runs_with_no_request_off_the_machine(lab_server, page, off_machine):
    assert NOTEBOOKS
    failures: dict[str, list[str]] = {}
    for notebook in NOTEBOOKS:
        path = copy_into_root(lab_server, notebook, f"{notebook.stem}/{notebook.name}")
        before = len(off_machine)
        state = _run_offline(page, lab_server, path)
        found = [f"request off the machine: {url}" for url in off_machine[before:]]
        found += state["problems"]
        if state["loading"]:
            found.append(f"{state['loading']} widget(s) still loading")
        if state["undrawn"]:
            found.append(f"charts not drawn (of {state['charts']}): {state['undrawn']}")
        if found:
            failures[notebook.name] = found
        lab_server.shutdown_kernels()
    assert not failures, "\n\n".join(
        f"{name}:\n" + "\n---\n".join(found) for name, found in failures.items()
    )
