"""Smoke tests of the end-to-end harness itself, in JupyterLab and in Notebook 7."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .lab import (
    KernelError,
    install_paint_latency_probe,
    kernel_for,
    kill_kernel,
    open_notebook,
    read_paint_latencies,
    restart_kernel,
    run_all_cells,
    wait_for_page_kernel_idle,
    wait_for_widget,
    wait_until,
    write_notebook,
)

pytestmark = pytest.mark.browser

# A trivial anywidget, defined inline: a <div class="probe"> showing the synced `text` trait;
# a click sends a custom message to the kernel, a key press shows the key (for the probe).
PROBE_CELL = '''
import anywidget, traitlets

class Probe(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const div = document.createElement("div");
      div.className = "probe";
      div.tabIndex = 0;
      // Keep JupyterLab's command-mode shortcuts (a, b, c, ...) away from the widget's keys.
      div.dataset.lmSuppressShortcuts = "true";
      const show = () => { div.textContent = model.get("text"); };
      show();
      model.on("change:text", show);
      div.addEventListener("click", () => model.send({ kind: "clicked", text: model.get("text") }));
      div.addEventListener("keydown", (event) => {
        event.stopPropagation();
        div.textContent = "key:" + event.key;
      });
      el.appendChild(div);
    }
    export default { render };
    """
    text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.received = []
        self.on_msg(lambda widget, content, buffers: self.received.append(content))

probe = Probe(text="hello from the kernel")
probe
'''

# Enough tall outputs before the widget that most cells are far outside the viewport.
FILLER_CELLS = [f"print('filler-{i}\\n' * 8)" for i in range(30)]


def _probe_notebook(server, name):
    return write_notebook(server, name, [*FILLER_CELLS, PROBE_CELL])


def test_widget_roundtrip_windowing_and_latency_probe(server, page):
    path = _probe_notebook(server, f"probe-{server.app}.ipynb")
    state = open_notebook(page, server, path, ui=server.app)
    assert state["windowingMode"] == "none", state
    run_all_cells(page)

    # The widget manager and anywidget come from the environment's share/jupyter.
    federated = page.evaluate(
        """() => JSON.parse(document.getElementById('jupyter-config-data').textContent)
                   .federated_extensions.map(e => e.name)"""
    )
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget"} <= set(federated), federated

    probe = wait_for_widget(page, ".probe")
    assert probe.text_content() == "hello from the kernel"

    # Windowing mode "none": every cell is attached and laid out, even far off screen (with
    # "full", off-screen cells stay in the DOM but are display:none; "contentVisibility" skips
    # their layout).
    counts = page.evaluate(
        """() => {
          const shown = (n) => n.isConnected && n.offsetParent !== null
                               && getComputedStyle(n).contentVisibility !== 'auto';
          const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
          return {
            cells: cells.length,
            shown: cells.filter(shown).length,
            fillers: [...document.querySelectorAll('.jp-OutputArea-output')]
                       .filter(n => shown(n) && /filler-\\d+/.test(n.textContent)).length,
          };
        }"""
    )
    n = len(FILLER_CELLS)
    assert counts == {"cells": n + 1, "shown": n + 1, "fillers": n}, counts

    with kernel_for(server, path) as kernel:
        # The kernel runs in this environment's Python, with the server's private dirs.
        assert kernel.eval("__import__('sys').prefix") == sys.prefix
        profile = kernel.eval("get_ipython().profile_dir.location")
        assert profile.startswith(str(server.base_dir)), profile
        probe.click()
        received = wait_until(
            lambda: kernel.eval("probe.received"), 10, "the click message to reach the kernel"
        )
        assert received == [{"kind": "clicked", "text": "hello from the kernel"}]

        # Kernel -> browser: a trait set from another client reaches the page.
        kernel.execute("probe.text = 'changed in the kernel'")
        wait_until(
            lambda: probe.text_content() == "changed in the kernel", 10, "the new text in the DOM"
        )

        assert kernel.execute("print(6 * 7)") == "42\n"
        with pytest.raises(KernelError, match="ZeroDivisionError"):
            kernel.execute("1 / 0")

    # Keypress -> paint latency, measured inside the page.
    probe.focus()
    install_paint_latency_probe(page, ".jp-OutputArea-output:has(.probe)")
    for key in "abc":
        page.keyboard.press(key)
    records = read_paint_latencies(page)
    assert [r["key"] for r in records] == ["a", "b", "c"], records
    for r in records:
        assert r["mutation"] is not None and 0 <= r["mutation"] < 1000, records
        assert r["frame"] is not None and r["frame"] >= r["mutation"], records
        assert r["raf"] is not None and 0 <= r["raf"] < 1000, records
    assert probe.text_content() == "key:c"
    assert read_paint_latencies(page) == []  # cleared by the first read


def test_isolated_environment(lab_server):
    """Private config/data/runtime dirs, yet the environment's extensions and kernel are seen."""
    env = lab_server.env

    def jupyter(*args):
        out = subprocess.run(
            [lab_server.python, "-m", "jupyter", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return out.stdout + out.stderr

    paths = json.loads(jupyter("--paths", "--json"))
    env_data = str(Path(sys.prefix, "share", "jupyter"))
    assert paths["config"][:2] == [
        str(Path(sys.prefix, "etc", "jupyter")),
        str(lab_server.config_dir),
    ]
    assert paths["data"][:2] == [env_data, str(lab_server.data_dir)], paths["data"]
    assert paths["runtime"] == [str(lab_server.runtime_dir)]
    assert not any(p.startswith(str(Path.home())) for p in paths["config"] + paths["data"])

    listing = jupyter("labextension", "list")
    for name in (
        "@jupyter-widgets/jupyterlab-manager",
        "anywidget",
        "@jupyter-notebook/lab-extension",
    ):
        assert name in listing, listing

    spec = lab_server.api("GET", "api/kernelspecs")["kernelspecs"]["python3"]["spec"]
    assert spec["argv"][0] in ("python", "python3", sys.executable), spec
    settings = lab_server.api("GET", "lab/api/settings/@jupyterlab/notebook-extension:tracker")
    assert settings["settings"]["windowingMode"] == "none"


def test_errors_fail_fast(lab_server, page):
    path = write_notebook(lab_server, "boom.ipynb", ["raise ValueError('boom-42')"])
    open_notebook(page, lab_server, path, ui="lab")
    with pytest.raises(AssertionError, match="boom-42"):
        run_all_cells(page)
    start = time.monotonic()
    with pytest.raises(AssertionError, match="boom-42"):
        wait_for_widget(page, ".probe", timeout=30)
    assert time.monotonic() - start < 5


def test_kill_kernel(server, page):
    path = write_notebook(server, f"crash-{server.app}.ipynb", ["x = 1"])
    open_notebook(page, server, path, ui=server.app)
    with kernel_for(server, path) as kernel:
        kernel.execute("survivor = 42")
        assert kernel.eval("survivor") == 42
        old_pid = kernel.pid()

    with kill_kernel(server, path, page=page) as kernel:
        assert kernel.pid() != old_pid
        assert kernel.eval("'survivor' in globals()") is False
    # (Our own executions above flash the page's kernel status to busy: wait, don't sample.)
    state = wait_for_page_kernel_idle(page, path, timeout=10)
    assert state["dialogText"] is None, state
    assert old_pid not in server.kernel_pids()


def test_restart_kernel(lab_server, page):
    path = write_notebook(lab_server, "restart.ipynb", ["x = 1"])
    open_notebook(page, lab_server, path, ui="lab")
    run_all_cells(page)
    with kernel_for(lab_server, path) as kernel:
        assert kernel.eval("x") == 1
    with restart_kernel(page, path, server=lab_server) as kernel:
        assert kernel.eval("'x' in globals()") is False
        kernel.execute("x = 2")
    with restart_kernel(lab_server, path) as kernel:
        assert kernel.eval("'x' in globals()") is False
