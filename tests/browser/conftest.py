"""Fixtures for end-to-end tests in a real JupyterLab / Notebook 7 and Chromium.

Session-scoped: ``lab_server``, ``notebook_server`` (isolated Jupyter servers, started on first
use) and ``browser`` (headless Debian Chromium through Playwright).  Per test: ``server``
(parametrized: the test runs once in Lab and once in Notebook 7), ``context`` and ``page``.

If Chromium or a server cannot start, tests fail when the ``CI`` environment variable is set
and are skipped (with the reason) otherwise.  On a failure the page's screenshot, its console
log and the server log are saved under ``tests/browser/artifacts/`` (override with
``NBLABEL_BROWSER_ARTIFACTS``) and the paths are added to the report.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from real_parts import unavailable

from .jupyter_server import JupyterServer, ServerStartError, start_server
from .lab import CHROMIUM, launch_chromium
from .peers import PeerServer, PeerStartError, start_peer

HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(os.environ.get("NBLABEL_BROWSER_ARTIFACTS", HERE / "artifacts"))
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the ``browser`` marker."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ------------------------------------------------------------------------------------------
# Servers
# ------------------------------------------------------------------------------------------
# Servers start in background threads as soon as the first one is needed, so Lab and
# Notebook 7 boot in parallel when the selected tests use both.
_STARTING: dict[str, concurrent.futures.Future] = {}
_NEEDED_APPS: set[str] = set()
_STARTUP_BOUND = 4 * 60.0  # start_server bounds each attempt itself; this is a backstop


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note which servers the selected tests need."""
    for item in session.items:
        names = set(getattr(item, "fixturenames", ()))
        if "server" in names:
            callspec = getattr(item, "callspec", None)
            param = callspec.params.get("server") if callspec else None
            _NEEDED_APPS.update([param] if param else ["lab", "notebook"])
        _NEEDED_APPS.update(app for app in ("lab", "notebook") if f"{app}_server" in names)


def _start_in_background(app: str) -> concurrent.futures.Future:
    if app not in _STARTING:
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"start-{app}")
        _STARTING[app] = pool.submit(start_server, app)
        pool.shutdown(wait=False)
    return _STARTING[app]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop servers that were started in advance but never used (stop is idempotent)."""
    for future in _STARTING.values():
        try:
            future.result(timeout=_STARTUP_BOUND).stop()
        except Exception:  # noqa: BLE001, S110 - it never started: nothing to stop
            pass


def _server(app: str) -> Iterator[JupyterServer]:
    for other in sorted(_NEEDED_APPS | {app}):
        _start_in_background(other)
    try:
        server = _STARTING[app].result(timeout=_STARTUP_BOUND)
    except ServerStartError as exc:
        log = _keep_startup_log(exc)
        unavailable(f"could not start jupyter {app}: {exc}\n(server log kept at {log})")
    except Exception as exc:  # noqa: BLE001 - e.g. jupyter not installed
        unavailable(f"could not start jupyter {app}: {exc!r}")
    try:
        yield server
    finally:
        server.stop()


def _keep_startup_log(exc: ServerStartError) -> str:
    match = re.search(r"log: (\S+server\.log)", str(exc))
    if not match:
        return "(unknown)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dest = ARTIFACTS / f"startup-{time.strftime('%Y%m%d-%H%M%S')}-server.log"
    try:
        shutil.copyfile(match.group(1), dest)
        shutil.rmtree(Path(match.group(1)).parent, ignore_errors=True)
    except OSError:
        return match.group(1)
    return str(dest)


@pytest.fixture(scope="session")
def lab_server() -> Iterator[JupyterServer]:
    """An isolated ``jupyter lab`` for the whole session (``server.app == "lab"``)."""
    yield from _server("lab")


@pytest.fixture(scope="session")
def notebook_server() -> Iterator[JupyterServer]:
    """An isolated Notebook 7 (``jupyter notebook``) for the whole session."""
    yield from _server("notebook")


@pytest.fixture(params=["lab", "notebook"])
def server(request: pytest.FixtureRequest) -> JupyterServer:
    """Runs the test once against ``lab_server`` and once against ``notebook_server``.

    ``server.app`` is the UI to open notebooks in: ``open_notebook(page, server, path,
    ui=server.app)``.
    """
    return request.getfixturevalue(f"{request.param}_server")


def serve_peer(request: pytest.FixtureRequest, kind: str, files: dict[str, str]) -> Iterator[PeerServer]:
    """Serve ``files`` with a marimo or Voilà server for a module's tests (a fixture's body).

    Fails under CI (skips otherwise) if the server cannot start; if a test of the module failed,
    the server's log is kept under the artifacts folder.
    """
    try:
        server = start_peer(kind, files)
    except (FileNotFoundError, PeerStartError) as error:
        unavailable(f"could not start {kind}: {error}")
    failed = request.session.testsfailed
    print(f"{kind} log: {server.log_path}")
    try:
        yield server
    finally:
        if request.session.testsfailed > failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            kept = ARTIFACTS / f"{kind}-server-{request.node.name}.log"
            kept.write_text(server.log_tail(400))
            print(f"{kind} server log kept at {kept}")
        server.stop()


# ------------------------------------------------------------------------------------------
# Browser
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Headless Chromium (``/usr/bin/chromium``) driven by the run's Playwright driver.

    Launched with a fresh temporary profile; never downloads a browser.
    """
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    home = tempfile.mkdtemp(prefix="nblabel-chromium-")
    try:
        try:
            chromium = launch_chromium(playwright, home=home)
        except Exception as exc:  # noqa: BLE001
            unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies and storage) per test."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    ctx.set_default_navigation_timeout(60_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Any:
    """A new page; its console messages and page errors are kept for the failure report."""
    pg = context.new_page()
    console: list[str] = []
    start = time.monotonic()

    def on_console(msg: Any) -> None:
        loc = msg.location or {}
        where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
        console.append(f"{time.monotonic() - start:8.3f} [{msg.type}] {msg.text}{where}")

    pg.on("console", on_console)
    pg.on(
        "pageerror",
        lambda err: console.append(f"{time.monotonic() - start:8.3f} [pageerror] {err}"),
    )
    request.node._nblabel_console = console
    return pg


@pytest.fixture(autouse=True)
def _shut_down_kernels(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test, shut down the kernels it left on the servers it used.

    Session-scoped servers otherwise accumulate one idle kernel per opened notebook.
    """
    yield
    for value in list(getattr(request.node, "funcargs", {}).values()):
        if isinstance(value, JupyterServer) and value.is_alive():
            try:
                value.shutdown_kernels()
            except Exception as exc:  # noqa: BLE001 - cleanup must not mask the test result
                print(f"could not shut down kernels of the {value.app} server: {exc!r}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """On a failing test with a ``page``, save screenshot, console log and server log."""
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("page")
    servers = {id(v): v for v in funcargs.values() if isinstance(v, JupyterServer)}
    if page is None and not servers:
        return
    safe = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    folder = ARTIFACTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{safe}"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    if page is not None:
        try:
            page.screenshot(path=str(folder / "screenshot.png"), timeout=10_000)
            saved.append(str(folder / "screenshot.png"))
        except Exception as exc:  # noqa: BLE001 - the page may be gone
            saved.append(f"(no screenshot: {exc!r})")
        console = getattr(item, "_nblabel_console", [])
        (folder / "console.log").write_text("\n".join(console) + "\n")
        saved.append(str(folder / "console.log"))
    for server in servers.values():
        dest = folder / f"{server.app}-server.log"
        try:
            shutil.copyfile(server.log_path, dest)
            saved.append(str(dest))
        except OSError:
            saved.append(f"(server log {server.log_path} not readable)")
    text = "\n".join(saved)
    report.sections.append(("browser artifacts", text))
    print(f"\nbrowser artifacts for {item.nodeid}:\n{text}")
