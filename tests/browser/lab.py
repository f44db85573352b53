"""Helpers for driving notebooks in JupyterLab / Notebook 7 from Playwright (sync API).

Nothing here imports pytest or nblabel, so benchmarks can use it too.  Failures raise
``AssertionError`` (or ``TimeoutError`` from :func:`wait_until`) with a message that says what
was expected and what the page or kernel showed instead.  Every wait is bounded.

Typical use::

    path = copy_into_root(server, "notebooks/demo.ipynb")
    open_notebook(page, server, path)          # in server.app's UI: "lab" or "notebook"
    run_all_cells(page)
    widget = wait_for_widget(page, ".my-widget")
    widget.click()
    with kernel_for(server, path) as kernel:
        wait_until(lambda: kernel.eval("len(w.clicks)") == 1, 10, "the click in the kernel")
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import shutil
import signal
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .jupyter_server import JupyterServer

if TYPE_CHECKING:  # pragma: no cover
    from playwright.sync_api import Browser, Locator, Page

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "TEXT_RANGE_JS",
    "launch_chromium",
    "notebook_url",
    "Kernel",
    "KernelError",
    "copy_into_root",
    "install_paint_latency_probe",
    "main_thread_cpu",
    "kernel_for",
    "kill_kernel",
    "open_notebook",
    "page_kernel_status",
    "PAINT_LATENCY_PROBE_JS",
    "read_paint_latencies",
    "restart_kernel",
    "run_all_cells",
    "run_notebook",
    "wait_for_page_kernel_idle",
    "wait_for_widget",
    "wait_until",
    "write_notebook",
]

T = TypeVar("T")

#: The browser: Debian's Chromium, never a downloaded one.  Override with NBLABEL_CHROMIUM.
CHROMIUM = os.environ.get("NBLABEL_CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags Chromium floods its log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Default bounds (seconds).  Generous for a loaded CI machine, far below its 90 minutes.
OPEN_TIMEOUT = 60.0
RUN_TIMEOUT = 60.0
WIDGET_TIMEOUT = 20.0
KERNEL_TIMEOUT = 30.0

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# ------------------------------------------------------------------------------------------
# Browser
# ------------------------------------------------------------------------------------------
def launch_chromium(
    playwright: Any,
    *,
    executable: str = CHROMIUM,
    home: str | os.PathLike | None = None,
    timeout: float = 60.0,
) -> Browser:
    """Launch headless Chromium with :data:`CHROMIUM_ARGS` through a Playwright instance.

    ``playwright`` is what ``sync_playwright().start()`` returns.  Each launch uses a fresh
    temporary profile (Playwright's default).  ``home``, if given, receives Chromium's
    crash-report and cache files (``XDG_CONFIG_HOME``/``XDG_CACHE_HOME``) instead of ``~``.
    """
    env = dict(os.environ)
    if home is not None:
        env.update(XDG_CONFIG_HOME=str(home), XDG_CACHE_HOME=str(home))
    return playwright.chromium.launch(
        executable_path=executable,
        args=CHROMIUM_ARGS,
        headless=True,
        timeout=timeout * 1000,
        env=env,
    )


# ------------------------------------------------------------------------------------------
# Waiting
# ------------------------------------------------------------------------------------------
def wait_until(
    fn: Callable[[], T],
    timeout: float = 10.0,
    message: str | Callable[[], str] = "condition",
    *,
    interval: float = 0.05,
) -> T:
    """Call ``fn()`` until it returns something truthy; return that value.

    Exceptions raised by ``fn`` count as "not yet" (the last one is reported).  Raises
    ``TimeoutError`` after ``timeout`` seconds with ``message`` (a string, or a callable
    evaluated at that moment, e.g. to describe the page's state).
    """
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            value = fn()
        except Exception as exc:  # noqa: BLE001 - retried until the deadline
            last_exc, value = exc, None
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {text}{detail}")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------
def copy_into_root(
    server: JupyterServer, src_path: str | os.PathLike, name: str | None = None
) -> str:
    """Copy a file (a notebook, data, …) into the server's root dir.

    Returns its server path (relative to the root, ``/``-separated), to pass to
    :func:`open_notebook` and :func:`kernel_for`.  ``name`` may contain sub-directories.
    """
    src = Path(src_path)
    rel = name or src.name
    dest = server.root_dir / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return Path(rel).as_posix()


def write_notebook(
    server: JupyterServer, name: str, cells: list[str], *, kernel_name: str = "python3"
) -> str:
    """Write an nbformat-4 notebook of code cells (one source string each) into the root dir.

    The notebook names its kernelspec, so no kernel-selection dialog appears.  Returns its
    server path.
    """
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": kernel_name, "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": uuid.uuid4().hex[:12],
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": src,
            }
            for src in cells
        ],
    }
    dest = server.root_dir / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1))
    return Path(name).as_posix()


# ------------------------------------------------------------------------------------------
# The notebook in the page
# ------------------------------------------------------------------------------------------
# Finds the notebook panel for `path` (or the current widget) in Lab or Notebook 7 and
# describes its state.  Relies on window.jupyterapp (expose_app_in_browser).
_PANEL_JS = r"""
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return {panel: null, why: 'window.jupyterapp is not there yet'};
  let panel = null;
  try {
    for (const w of app.shell.widgets('main')) {
      if (w && w.context && w.sessionContext && (!path || w.context.path === path)) {
        panel = w; break;
      }
    }
  } catch (e) { /* shell not ready */ }
  if (!panel) {
    const w = app.shell.currentWidget;
    if (w && w.context && w.sessionContext && (!path || w.context.path === path)) panel = w;
  }
  return {panel};
}
"""

_STATE_JS = (
    r"""
(path) => {
  const find = """
    + _PANEL_JS
    + r""";
  const {panel, why} = find(path);
  const dialog = document.querySelector('.jp-Dialog');
  const dialogText = dialog ? dialog.innerText.slice(0, 500) : null;
  if (!panel) return {ready: false, why: why || `no notebook panel for ${path} yet`, dialogText};
  const sc = panel.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  const nb = panel.content;
  return {
    path: panel.context.path,
    ready: Boolean(panel.context.isReady && sc.isReady && kernel && kernel.status === 'idle'
                   && kernel.connectionStatus === 'connected'),
    contextReady: panel.context.isReady,
    sessionReady: sc.isReady,
    kernelId: kernel ? kernel.id : null,
    kernelStatus: kernel ? kernel.status : null,
    connectionStatus: kernel ? kernel.connectionStatus : null,
    windowingMode: nb && nb.notebookConfig ? nb.notebookConfig.windowingMode : null,
    cells: nb && nb.model ? nb.model.cells.length : null,
    dialogText,
  };
}
"""
)


def page_kernel_status(page: Page, path: str | None = None) -> dict[str, Any]:
    """The state of the notebook panel for ``path`` (default: the current one), as a dict.

    Keys: ``path``, ``ready`` (context and session ready, kernel idle and connected), ``kernelId``,
    ``kernelStatus``, ``connectionStatus``, ``windowingMode``, ``cells``, ``dialogText``
    (text of an open dialog, if any) and ``why`` when there is no panel yet.
    """
    return page.evaluate(_STATE_JS, path)


def _dismiss_kernel_dialogs(page: Page) -> None:
    """Accept "Kernel Restarting"/"Kernel Restarted" style dialogs (they block input)."""
    page.evaluate(
        r"""() => {
      for (const d of document.querySelectorAll('.jp-Dialog')) {
        const text = d.innerText || '';
        if (/kernel/i.test(text) && /restart/i.test(text)) {
          const ok = d.querySelector('.jp-mod-accept');
          if (ok) ok.click();
        }
      }
    }"""
    )


def _watch_page_status(page: Page, path: str | None) -> None:
    """Record, from now on, every kernel status the page's notebook goes through."""
    page.evaluate(
        "(path) => { const find = "
        + _PANEL_JS
        + r"""; const {panel} = find(path);
        if (!panel) throw new Error(`no notebook panel for ${path}`);
        const seen = window.__nblabelStatusSeen = [];
        if (window.__nblabelStatusWatch) {
          const [ctx, fn] = window.__nblabelStatusWatch;
          ctx.statusChanged.disconnect(fn);
        }
        const fn = (_, status) => { seen.push(status); };
        panel.sessionContext.statusChanged.connect(fn);
        window.__nblabelStatusWatch = [panel.sessionContext, fn];
      }""",
        path,
    )


def wait_for_page_kernel_idle(
    page: Page, path: str | None = None, timeout: float = KERNEL_TIMEOUT
) -> dict[str, Any]:
    """Wait until the page's notebook is loaded and its kernel idle and connected.

    Fails fast if a dialog the harness does not expect (e.g. kernel selection) is open.
    Returns the final :func:`page_kernel_status`.
    """
    state: dict[str, Any] = {}

    def check() -> bool:
        nonlocal state
        try:
            _dismiss_kernel_dialogs(page)
            state = page_kernel_status(page, path)
        except Exception as exc:  # noqa: BLE001 - the page may be (re)loading right now
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                state = {"ready": False, "why": f"page navigating: {exc}"}
                return False
            raise
        if state.get("dialogText") and not re.search(
            r"kernel.*restart|restart.*kernel", state["dialogText"], re.I | re.S
        ):
            raise AssertionError(f"unexpected dialog in the page: {state['dialogText']!r}")
        return bool(state.get("ready"))

    deadline = time.monotonic() + timeout
    while True:
        if check():
            return state
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"notebook {path or '(current)'} not ready with an idle kernel after "
                f"{timeout:.0f} s; last state: {state}"
            )
        time.sleep(0.1)


def notebook_url(server: JupyterServer, path: str, ui: str = "lab") -> str:
    """URL (with token) that opens ``path`` in ``ui`` ("lab" or "notebook").

    Lab pages get a fresh, uniquely named workspace so that notebooks opened by earlier tests
    are not restored (and their kernels not started) again.
    """
    quoted = urllib.parse.quote(path)
    if ui == "lab":
        return server.url_for(f"lab/workspaces/t{uuid.uuid4().hex[:10]}/tree/{quoted}")
    if ui == "notebook":
        return server.url_for(f"notebooks/{quoted}")
    raise ValueError(f"ui must be 'lab' or 'notebook', not {ui!r}")


def open_notebook(
    page: Page,
    server: JupyterServer,
    path: str,
    ui: str | None = None,
    *,
    timeout: float = OPEN_TIMEOUT,
) -> dict[str, Any]:
    """Open ``path`` in JupyterLab (``ui="lab"``) or Notebook 7 (``ui="notebook"``).

    ``ui`` defaults to the server's own front end (``server.app``); a Lab server also serves
    the Notebook 7 UI and vice versa.

    Returns when the notebook panel is loaded and its kernel is idle (the page's view); the
    returned dict is :func:`page_kernel_status`.  Raises ``AssertionError`` naming what was not
    ready, or the text of an unexpected dialog.
    """
    page.goto(
        notebook_url(server, path, ui or server.app),
        wait_until="domcontentloaded",
        timeout=timeout * 1000,
    )
    return wait_for_page_kernel_idle(page, path, timeout=timeout)


def _output_errors(page: Page) -> list[str]:
    """Error outputs (Python tracebacks) and widget errors in the page's notebooks."""
    return page.evaluate(
        r"""() => {
      const out = [];
      const app = window.jupyterapp;
      const panels = [];
      try {
        for (const w of app.shell.widgets('main')) {
          if (w && w.content && w.content.model) panels.push(w);
        }
      } catch (e) { /* not ready */ }
      for (const panel of panels) {
        for (const cell of panel.content.model.cells) {
          if (cell.type !== 'code') continue;
          for (const o of cell.outputs.toJSON()) {
            if (o.output_type === 'error') {
              const tb = (o.traceback || []).join('\n').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
              out.push(`${o.ename}: ${o.evalue}\n${tb}`.slice(0, 4000));
            }
          }
        }
      }
      for (const n of document.querySelectorAll('.jp-OutputArea-output')) {
        const t = n.innerText || '';
        if (t.includes('Error displaying widget')) out.push(t.slice(0, 4000));
      }
      return [...new Set(out)];
    }"""
    )


def run_all_cells(
    page: Page,
    *,
    timeout: float = RUN_TIMEOUT,
    check: bool = True,
    path: str | None = None,
) -> None:
    """Run every cell (``notebook:run-all-cells``) and wait until done and the kernel is idle.

    Works in Lab and Notebook 7 (it goes through ``window.jupyterapp.commands``).  With
    ``check=True`` raises ``AssertionError`` with the traceback if a cell failed.
    """
    page.evaluate(
        r"""() => {
      const s = window.__nblabelRunAll = {done: false, ok: null, error: null};
      window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        (ok) => { s.done = true; s.ok = ok; },
        (err) => { s.done = true; s.ok = false; s.error = String(err); });
    }"""
    )

    def finished() -> bool:
        s = page.evaluate("() => window.__nblabelRunAll")
        return bool(s and s.get("done") and page_kernel_status(page, path).get("ready"))

    wait_until(
        finished,
        timeout,
        lambda: f"all cells to run; page state: {page_kernel_status(page, path)}",
        interval=0.1,
    )
    result = page.evaluate("() => window.__nblabelRunAll")
    if result.get("error"):
        raise AssertionError(f"notebook:run-all-cells failed in the page: {result['error']}")
    if check:
        errors = _output_errors(page)
        if errors or result.get("ok") is False:
            raise AssertionError(
                "a cell failed while running all cells:\n" + "\n---\n".join(errors or ["?"])
            )


def run_notebook(page: Page, server: JupyterServer, name: str, cells: list[str]) -> str:
    """Write a notebook of ``cells``, open it in ``page`` and run all its cells; return its path."""
    path = write_notebook(server, name, cells)
    open_notebook(page, server, path)
    run_all_cells(page)
    return path


def wait_for_widget(page: Page, selector: str, timeout: float = WIDGET_TIMEOUT) -> Locator:
    """Wait for an element matching ``selector`` inside a notebook output area; return it.

    Fails fast (``AssertionError``) when an output shows "Error displaying widget" or a Python
    traceback, and at the deadline says whether "Loading widget..." was still showing.
    """
    scoped = f".jp-OutputArea-output {selector}"
    deadline = time.monotonic() + timeout
    while True:
        if page.locator(scoped).count() > 0:
            return page.locator(scoped).first
        errors = _output_errors(page)
        if errors:
            raise AssertionError(
                f"widget {selector!r} not shown; an output shows an error:\n"
                + "\n---\n".join(errors)
            )
        if time.monotonic() >= deadline:
            loading = page.evaluate(
                r"""() => [...document.querySelectorAll('.jp-OutputArea-output')]
                       .some(n => /Loading widget/.test(n.innerText || ''))"""
            )
            why = (
                '"Loading widget..." is still showing (the widget manager or the widget\'s '
                "front-end module did not load)"
                if loading
                else "no output contains it"
            )
            raise AssertionError(f"widget {selector!r} not shown after {timeout:.0f} s: {why}")
        time.sleep(0.05)


# ------------------------------------------------------------------------------------------
# The kernel, from the test process
# ------------------------------------------------------------------------------------------
class KernelError(AssertionError):
    """Code run through :class:`Kernel` raised; the message holds the traceback."""


class Kernel:
    """A client on a notebook's kernel, talking to it directly over ZMQ.

    Code runs on the same kernel the browser uses (a second client), without touching the
    notebook's outputs.  Use :func:`kernel_for` to get one.
    """

    def __init__(
        self, server: JupyterServer, path: str, kernel_id: str, timeout: float = KERNEL_TIMEOUT
    ):
        from jupyter_client import BlockingKernelClient

        self.server, self.path, self.kernel_id, self.timeout = server, path, kernel_id, timeout
        self.connection_file = server.runtime_dir / f"kernel-{kernel_id}.json"
        self.client = BlockingKernelClient(connection_file=str(self.connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        server.add_closer(self.close)
        try:
            self.client.wait_for_ready(timeout=timeout)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the client's channels (the kernel keeps running)."""
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            client.stop_channels()
            self.server.remove_closer(self.close)

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, code: str, timeout: float | None = None) -> str:
        """Run ``code``; return what it printed plus the ``text/plain`` of its result.

        It runs after whatever the kernel is already doing (e.g. a cell still executing).

        Raises :class:`KernelError` with the (ANSI-stripped) traceback if it raised, and
        ``TimeoutError`` if it did not finish within ``timeout`` (default: the client's).
        """
        if self.client is None:
            raise RuntimeError("this Kernel client is closed")
        chunks: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                chunks.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                text = content.get("data", {}).get("text/plain")
                if text is not None:
                    chunks.append(text + "\n")

        reply = self.client.execute_interactive(
            code,
            store_history=False,
            allow_stdin=False,
            timeout=timeout or self.timeout,
            output_hook=hook,
        )
        content = reply["content"]
        if content["status"] != "ok":
            tb = _ANSI.sub("", "\n".join(content.get("traceback", [])))
            raise KernelError(
                f"kernel raised {content.get('ename')}: {content.get('evalue')}\n"
                f"--- code ---\n{code}\n--- traceback ---\n{tb}"
            )
        return "".join(chunks)

    def eval(self, expr: str, timeout: float | None = None) -> Any:
        """Evaluate a Python expression in the kernel; return its value, JSON round-tripped.

        The value must be JSON-serialisable (``json.dumps`` runs in the kernel).  Nothing is
        printed and the execution count does not move (uses ``user_expressions``).
        """
        if self.client is None:
            raise RuntimeError("this Kernel client is closed")
        msg_id = self.client.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"v": f"__import__('json').dumps({expr})"},
        )
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"kernel did not evaluate {expr!r} in time")
            reply = self.client.get_shell_msg(timeout=remaining)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result = reply["content"].get("user_expressions", {}).get("v")
        if reply["content"]["status"] != "ok" or result is None:
            raise KernelError(
                f"kernel could not run the evaluation of {expr!r}: {reply['content']}"
            )
        if result["status"] != "ok":
            tb = _ANSI.sub("", "\n".join(result.get("traceback", [])))
            raise KernelError(
                f"evaluating {expr!r} raised {result.get('ename')}: {result.get('evalue')}\n{tb}"
            )
        return json.loads(ast.literal_eval(result["data"]["text/plain"]))

    def pid(self) -> int:
        """The kernel process id (as the kernel sees it)."""
        return int(self.eval("__import__('os').getpid()"))


def _session_for(server: JupyterServer, path: str) -> dict[str, Any] | None:
    for session in server.api("GET", "api/sessions"):
        session_path = session.get("path") or (session.get("notebook") or {}).get("path")
        if session_path == path and session.get("kernel"):
            return session
    return None


def kernel_for(
    server: JupyterServer, notebook_path: str, timeout: float = KERNEL_TIMEOUT
) -> Kernel:
    """A :class:`Kernel` client on the kernel of the open notebook ``notebook_path``.

    Finds the notebook's session through ``/api/sessions`` (waiting up to ``timeout`` for it
    to appear) and connects to the kernel's connection file in the server's runtime dir.
    After a kernel restart, get a new client (ports may change).
    """
    session = wait_until(
        lambda: _session_for(server, notebook_path),
        timeout,
        lambda: (
            f"a session for {notebook_path!r}; sessions: "
            f"{[s.get('path') for s in server.api('GET', 'api/sessions')]}"
        ),
        interval=0.1,
    )
    kernel_id = session["kernel"]["id"]
    wait_until(
        lambda: (server.runtime_dir / f"kernel-{kernel_id}.json").exists(),
        timeout,
        f"the connection file of kernel {kernel_id}",
    )
    return Kernel(server, notebook_path, kernel_id, timeout=timeout)


def _new_kernel_answers(server: JupyterServer, path: str, old_pid: int, timeout: float) -> Kernel:
    """Wait until the notebook's kernel is a process other than ``old_pid`` that answers."""
    deadline = time.monotonic() + timeout
    found: list[Kernel] = []

    def started() -> bool:
        session = _session_for(server, path)
        pids = server.kernel_pids(session["kernel"]["id"]) if session else []
        return bool(pids) and old_pid not in pids

    def answers() -> bool:
        session = _session_for(server, path)
        remaining = max(1.0, min(5.0, deadline - time.monotonic()))
        k = Kernel(server, path, session["kernel"]["id"], timeout=remaining)
        try:
            if k.pid() != old_pid:
                found.append(k)
                return True
        except Exception:
            k.close()
            raise
        k.close()
        return False

    what = f"a new kernel process (not pid {old_pid}) for {path!r}"
    wait_until(started, timeout, what, interval=0.05)
    wait_until(answers, max(1.0, deadline - time.monotonic()), what + " to answer", interval=0.1)
    found[0].timeout = KERNEL_TIMEOUT
    return found[0]


def kill_kernel(
    server: JupyterServer,
    notebook_path: str,
    *,
    page: Page | None = None,
    timeout: float = 60.0,
) -> Kernel:
    """SIGKILL the notebook's kernel (a crash) and return a client on its replacement.

    The server's restarter notices the death and starts a new kernel (same kernel id); if it
    has not within 20 s, the kernel is restarted through the REST API.  Returns once the new
    kernel answers.  With ``page``, also dismisses the "Kernel Restarting" dialog and waits
    until the page's kernel is idle and connected again.
    """
    with kernel_for(server, notebook_path) as k:
        old_pid, kernel_id = k.pid(), k.kernel_id
    if page is not None:
        _watch_page_status(page, notebook_path)
    if old_pid not in server.kernel_pids():
        raise AssertionError(f"pid {old_pid} is not a kernel of this server; not killing it")
    os.kill(old_pid, signal.SIGKILL)

    def gone() -> bool:
        try:
            status = Path(f"/proc/{old_pid}/status").read_text()
        except OSError:
            return True
        return "\nState:\tZ" in status  # dead, waiting for the server to reap it

    wait_until(gone, 10, f"killed kernel pid {old_pid} to exit")
    try:
        new = _new_kernel_answers(server, notebook_path, old_pid, min(20.0, timeout))
    except TimeoutError:  # the restarter gave up or is off: restart through the API instead
        server.api("POST", f"api/kernels/{kernel_id}/restart", timeout=timeout)
        new = _new_kernel_answers(server, notebook_path, old_pid, timeout)
    if page is not None:
        wait_until(
            lambda: (
                set(page.evaluate("() => window.__nblabelStatusSeen || []"))
                & {"autorestarting", "restarting", "dead", "starting", "unknown"}
            ),
            timeout,
            "the page to notice the kernel died",
            interval=0.1,
        )
        wait_for_page_kernel_idle(page, notebook_path, timeout=timeout)
    return new


def restart_kernel(
    target: Page | JupyterServer,
    notebook_path: str | None = None,
    *,
    server: JupyterServer | None = None,
    timeout: float = 60.0,
) -> Kernel | None:
    """Restart a notebook's kernel and wait until the new kernel is idle.

    ``target`` is either

    * a ``Page``: restart through the front end (the notebook's session context, as the
      "Restart Kernel" menu does, without its confirmation dialog) and wait until the page's
      kernel is idle again; pass ``server`` too to get a :class:`Kernel` on the new process;
    * a :class:`JupyterServer`: restart through the REST API (``notebook_path`` required).

    Returns a :class:`Kernel` client on the new kernel, or ``None`` (page without server).
    """
    if isinstance(target, JupyterServer):
        server = target
        if notebook_path is None:
            raise ValueError("notebook_path is required to restart through the server")
        with kernel_for(server, notebook_path) as k:
            old_pid, kernel_id = k.pid(), k.kernel_id
        server.api("POST", f"api/kernels/{kernel_id}/restart", timeout=timeout)
        return _new_kernel_answers(server, notebook_path, old_pid, timeout)

    page = target
    old_pid = None
    if server is not None:
        notebook_path = notebook_path or page_kernel_status(page)["path"]
        with kernel_for(server, notebook_path) as k:
            old_pid = k.pid()
    page.evaluate(
        "(path) => { const find = "
        + _PANEL_JS
        + r"""; const {panel} = find(path);
        window.__nblabelRestart = {done: false, error: null};
        panel.sessionContext.session.kernel.restart().then(
          () => { window.__nblabelRestart.done = true; },
          (e) => { Object.assign(window.__nblabelRestart, {done: true, error: String(e)}); });
      }""",
        notebook_path,
    )
    wait_until(
        lambda: page.evaluate("() => window.__nblabelRestart.done"),
        timeout,
        "the page's kernel restart to finish",
        interval=0.1,
    )
    error = page.evaluate("() => window.__nblabelRestart.error")
    if error:
        raise AssertionError(f"kernel restart failed in the page: {error}")
    wait_for_page_kernel_idle(page, notebook_path, timeout=timeout)
    if server is None:
        return None
    return _new_kernel_answers(server, notebook_path, old_pid, timeout)


# ------------------------------------------------------------------------------------------
# Keypress -> paint latency, measured inside the page
# ------------------------------------------------------------------------------------------
#: Installs ``window.__nblabelProbe`` watching the first element matching the selector argument.
#: For each keydown or pointerdown (captured on ``window`` before any handler runs; ``key`` is
#: "pointerdown" for the latter) it records the event's
#: ``timeStamp`` and then, in the same clock (``performance.now()``):
#:   * ``mutation``: the first DOM mutation in the container after the keydown (a
#:     ``MutationObserver`` on its subtree: children, attributes, text);
#:   * ``frame``: the first ``requestAnimationFrame`` after that mutation (the frame that
#:     paints it);
#:   * ``raf``: a backup that needs no observer: the first animation frame in which the
#:     container's text/structure signature differs from the one at keydown.
#: All three are stored as milliseconds after the keydown (``null`` if not seen within 5 s).
#: A JavaScript function declaration, ``textRange(element, start, end)``: a DOM Range over the
#: UTF-16 offsets [start, end) of the element's text, which may be spread over many text nodes
#: (the span view cuts a long text into blocks and pieces). Paste it into a page script.
def previous_view_cell(kind: str, widget_class: str, bundles: Path, before: str = "") -> str:
    """Return notebook code that opens ``proj.label("previous")`` with the bundles in ``bundles``.

    Benchmarks compare a view with its previous implementation in the same page: the view
    class ``nblabel.widgets.<kind>.<widget_class>`` is subclassed with the older
    ``<kind>.js``/``<kind>.css`` and registered for that one widget only. ``before`` runs first
    (e.g. answers the previous view should start from).
    """
    return f"""
from pathlib import Path
from nblabel.widgets import register
from nblabel.widgets.{kind} import {widget_class}

class Previous({widget_class}):
    _esm = Path({str(bundles)!r}) / "{kind}.js"
    _css = Path({str(bundles)!r}) / "{kind}.css"
{before}
register("{kind}")(Previous)
try:
    previous = proj.label("previous")
finally:
    register("{kind}")({widget_class})
previous
"""


TEXT_RANGE_JS = r"""
function textRange(element, start, end) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!started && start < seen + length) { range.setStart(node, start - seen); started = true; }
    if (started && end <= seen + length) { range.setEnd(node, end - seen); return range; }
    seen += length;
  }
  throw new Error(`textRange: [${start}, ${end}) is outside the text (${seen} units)`);
}
"""

PAINT_LATENCY_PROBE_JS = r"""
(selector) => {
  const container = document.querySelector(selector);
  if (!container) throw new Error(`paint latency probe: nothing matches ${selector}`);
  const old = window.__nblabelProbe;
  if (old) {
    old.observer.disconnect();
    window.removeEventListener('keydown', old.onKey, true);
    window.removeEventListener('pointerdown', old.onKey, true);
  }
  // Cheap on purpose: it runs inside the keydown (capture) handler, before the widget's own.
  const signature = () => container.textContent + '|' + container.getElementsByTagName('*').length;
  const probe = {records: [], pending: []};
  probe.onKey = (event) => {
    const rec = {key: event.key || event.type, t0: event.timeStamp, mutation: null, frame: null, shown: null, raf: null};
    probe.records.push(rec);
    probe.pending.push(rec);
    const before = signature();
    const poll = (now) => {
      if (rec.raf !== null) return;
      if (signature() !== before) { rec.raf = performance.now() - rec.t0; return; }
      // A change that was shown without changing the text or the elements (an attribute, e.g. a
      // caret moved) leaves raf null; polling on would only load the page (a long text's
      // textContent every frame).
      if (rec.shown !== null) return;
      if (performance.now() - rec.t0 < 5000) requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  };
  probe.observer = new MutationObserver(() => {
    if (!probe.pending.length) return;
    const now = performance.now();
    const hit = probe.pending.filter((rec) => rec.t0 <= now);
    probe.pending = probe.pending.filter((rec) => rec.t0 > now);
    for (const rec of hit) rec.mutation = now - rec.t0;
    requestAnimationFrame(() => {
      const painted = performance.now();
      for (const rec of hit) rec.frame = painted - rec.t0;
      // A task queued from the frame's callbacks runs once the frame's style, layout and paint
      // are done: the change is on screen (as far as the page's main thread goes).
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const shown = performance.now();
        for (const rec of hit) rec.shown = shown - rec.t0;
        channel.port1.close();
      };
      channel.port2.postMessage(null);
    });
  });
  probe.observer.observe(container, {
    subtree: true, childList: true, attributes: true, characterData: true});
  window.addEventListener('keydown', probe.onKey, true);
  window.addEventListener('pointerdown', probe.onKey, true);
  window.__nblabelProbe = probe;
  return true;
}
"""


def install_paint_latency_probe(page: Page, container_selector: str) -> None:
    """Install :data:`PAINT_LATENCY_PROBE_JS` on the element matching ``container_selector``.

    Watch only the widget's output (e.g. ``".jp-OutputArea-output .probe"``), never the cell
    source.  Installing again replaces the previous probe and its records.
    """
    page.evaluate(PAINT_LATENCY_PROBE_JS, container_selector)


def read_paint_latencies(
    page: Page, *, clear: bool = True, wait: float = 2.0
) -> list[dict[str, Any]]:
    """Return the probe's records: ``{"key", "t0", "mutation", "frame", "shown", "raf"}`` (ms).

    ``frame`` is the next animation frame after the first DOM change, ``shown`` the end of that
    frame's work on the main thread (style, layout, paint). Waits up to ``wait`` seconds for
    every recorded keydown to have been shown (``shown`` set, or, when no mutation was seen,
    ``raf``); ``clear`` empties the record list.
    """

    def settled() -> bool:
        return page.evaluate(
            r"""() => (window.__nblabelProbe ? window.__nblabelProbe.records : [])
                 .every(r => (r.mutation === null ? r.raf !== null : r.shown !== null))"""
        )

    try:
        wait_until(settled, wait, "keypresses to be painted")
    except TimeoutError:
        pass  # report what there is; unpainted keys show up as nulls
    return page.evaluate(
        r"""(clear) => {
      const p = window.__nblabelProbe;
      if (!p) throw new Error('paint latency probe not installed');
      const out = p.records.map(r => ({key: r.key, t0: r.t0, mutation: r.mutation,
                                       frame: r.frame, shown: r.shown, raf: r.raf}));
      if (clear) { p.records = []; p.pending = []; }
      return out;
    }""",
        clear,
    )


@contextlib.contextmanager
def main_thread_cpu(page: Page, *, window: float = 0.25) -> Iterator[list[float]]:
    """Trace the page's main thread; on exit, fill the yielded list with each key's CPU time (ms).

    A key's CPU time is the thread time of the main thread's tasks from its keydown until the
    next key or ``window`` seconds later, whichever comes first (work it scheduled for idle time
    or the next frame included). Keydowns less than 10 ms apart (a modifier and its key) count
    as one key. Unlike latency, thread time hardly grows when other processes load the machine,
    so two implementations can be compared on a busy one.
    """
    cdp = page.context.new_cdp_session(page)
    events: list[dict[str, Any]] = []
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda params: events.extend(params["value"]))
    cdp.on("Tracing.tracingComplete", lambda params: done.append(True))
    cdp.send("Tracing.start", {"categories": "toplevel,devtools.timeline", "transferMode": "ReportEvents"})
    found: list[float] = []
    try:
        yield found
    finally:
        cdp.send("Tracing.end")
        deadline = time.monotonic() + 60
        while not done and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # lets Playwright deliver the trace events
        cdp.detach()
    threads = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    on_main = [e for e in events if (e.get("pid"), e.get("tid")) in threads]
    tasks = sorted(
        (e["ts"], e.get("dur", 0), e["tdur"])
        for e in on_main
        if e.get("ph") == "X" and e.get("name") == "ThreadControllerImpl::RunTask" and "tdur" in e
    )
    keys: list[float] = []
    for e in sorted(on_main, key=lambda e: e["ts"]):
        if e.get("name") == "EventDispatch" and e.get("args", {}).get("data", {}).get("type") == "keydown":
            if not keys or e["ts"] - keys[-1] > 10_000:
                keys.append(e["ts"])
    for k, start in enumerate(keys):
        end = min(keys[k + 1] if k + 1 < len(keys) else float("inf"), start + window * 1e6)
        # Tasks running in the key's window, the one that dispatched the keydown included.
        found.append(sum(tdur for ts, dur, tdur in tasks if ts < end and ts + dur > start) / 1000)
