"""Start and stop an isolated Jupyter server (JupyterLab or Notebook 7) for end-to-end tests.

This module depends on the standard library only, so benchmarks can use it outside pytest::

    from tests.browser.jupyter_server import running_server

    with running_server("lab") as server:
        print(server.url_for("lab/tree/demo.ipynb"))

Every server gets its own temporary directory holding the notebook root, the Jupyter config,
data and runtime directories, the Lab user settings and workspaces, and the server log, so
nothing from the user's own Jupyter set-up leaks in and nothing leaks out.  The lab extensions
and kernelspecs installed in the Python environment (``<sys.prefix>/share/jupyter``) stay
visible: Jupyter searches the environment's data path in addition to ``JUPYTER_DATA_DIR``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "APPS",
    "JupyterServer",
    "ServerStartError",
    "USER_SETTINGS",
    "running_server",
    "start_server",
]

#: The two front ends we test, and the ``jupyter`` subcommand that serves each.
APPS = {"lab": "lab", "notebook": "notebook"}

#: Lab user settings written into the isolated settings directory (read by Lab and Notebook 7).
#: ``windowingMode: none`` keeps every cell (and its outputs) in the DOM, even off screen; the
#: news/update checks are off because they would reach for the network and pop up toasts.
USER_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

STARTUP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0


class ServerStartError(RuntimeError):
    """The Jupyter server did not start; the message includes the log path and its tail."""


@dataclass
class JupyterServer:
    """A running, isolated Jupyter server.

    Attributes
    ----------
    app:
        ``"lab"`` (``jupyter lab``) or ``"notebook"`` (``jupyter notebook``, Notebook 7).
    port, token:
        Where it listens (always ``127.0.0.1``) and the token that authenticates requests.
    base_dir:
        The temporary directory holding everything below; removed by :meth:`stop`.
    root_dir:
        The server's contents root: put notebooks here (see ``lab.copy_into_root``).
    runtime_dir:
        ``JUPYTER_RUNTIME_DIR``: kernels' connection files are ``kernel-<id>.json`` in here.
    log_path:
        The server's combined stdout/stderr.
    """

    app: str
    port: int
    token: str
    base_dir: Path
    root_dir: Path
    config_dir: Path
    data_dir: Path
    runtime_dir: Path
    settings_dir: Path
    workspaces_dir: Path
    log_path: Path
    env: dict[str, str]
    python: str
    proc: subprocess.Popen | None = None
    _closers: list[Any] = field(default_factory=list, repr=False)

    # -- addresses ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/`` (no token)."""
        return f"http://127.0.0.1:{self.port}/"

    def url_for(self, path: str = "", **query: str) -> str:
        """Absolute URL of ``path`` (relative to the server root) with the token in the query.

        Opening such a URL in a browser logs the browser in (the server sets a cookie).
        """
        q = {"token": self.token, **query}
        return self.base_url + path.lstrip("/") + "?" + urllib.parse.urlencode(q)

    # -- REST API ----------------------------------------------------------------------------
    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout: float = HTTP_TIMEOUT,
    ) -> Any:
        """Call the server's REST API (``path`` like ``"api/sessions"``); return decoded JSON.

        Raises ``urllib.error.HTTPError`` on a non-2xx answer (its message includes the body).
        """
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path.lstrip("/"),
            data=data,
            method=method.upper(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:2000]
            raise urllib.error.HTTPError(
                exc.url, exc.code, f"{exc.reason}: {detail}", exc.headers, None
            ) from None
        return json.loads(raw) if raw.strip() else None

    def is_alive(self) -> bool:
        """Whether the server process is still running."""
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    # -- processes ---------------------------------------------------------------------------
    def kernel_pids(self, kernel_id: str | None = None) -> list[int]:
        """Pids of kernel processes this server started (of ``kernel_id`` only, if given).

        Kernels run in their own session, so they are found by their connection file, which
        lives in this server's private runtime directory (a zombie has no command line and is
        not listed).
        """
        name = f"kernel-{kernel_id}.json" if kernel_id else ""
        needle = os.path.join(str(self.runtime_dir), name).encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if needle in cmdline and int(entry.name) != os.getpid():
                pids.append(int(entry.name))
        return pids

    def shutdown_kernels(self, timeout: float = HTTP_TIMEOUT) -> None:
        """Delete every session and shut down every kernel (through the API)."""
        for session in self.api("GET", "api/sessions", timeout=timeout):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"api/sessions/{session['id']}", timeout=timeout)
        for kernel in self.api("GET", "api/kernels", timeout=timeout):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=timeout)

    def add_closer(self, fn: Any) -> None:
        """Register ``fn()`` to be called by :meth:`stop` (e.g. to close kernel clients)."""
        self._closers.append(fn)

    def remove_closer(self, fn: Any) -> None:
        """Forget a callable registered with :meth:`add_closer` (no error if unknown)."""
        with contextlib.suppress(ValueError):
            self._closers.remove(fn)

    def stop(self, *, remove: bool = True) -> None:
        """Shut down: API shutdown, then kill the process group and leftover kernels.

        Safe to call more than once.  ``remove=False`` keeps ``base_dir`` (for debugging).
        """
        try:
            for fn in reversed(self._closers):
                with contextlib.suppress(Exception):
                    fn()
            self._closers.clear()
            if self.is_alive():
                with contextlib.suppress(Exception):
                    self.api("POST", "api/shutdown", timeout=5)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(SHUTDOWN_TIMEOUT)
        finally:
            if self.proc is not None:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    if self.proc.poll() is not None:
                        break
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(self.proc.pid, sig)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self.proc.wait(5)
                # The group may outlive its leader (e.g. helpers); make sure it is gone.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
            for pid in self.kernel_pids():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if remove:
                shutil.rmtree(self.base_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_user_settings(settings_dir: Path, settings: dict[str, dict[str, Any]]) -> None:
    for plugin_id, values in settings.items():
        package, _, plugin = plugin_id.partition(":")
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


def _server_command(server: JupyterServer, extra_args: Sequence[str]) -> list[str]:
    args = [
        server.python,
        "-m",
        "jupyter",
        APPS[server.app],
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={server.port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
        f"--ServerApp.root_dir={server.root_dir}",
        "--ServerApp.terminals_enabled=False",
        # The kernel restarter polls every time_to_dead seconds; 1 s keeps crash tests short.
        "--KernelRestarter.time_to_dead=1.0",
        "--LanguageServerManager.autodetect=False",
        # The PyPI extension manager shells out to node/yarn at start-up: slow and noisy.
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        args.append("--allow-root")
    # `jupyter notebook` also loads the Lab extension and `jupyter lab` the Notebook 7 one, so
    # each server serves both UIs: configure both apps.
    for cls in ("LabApp", "JupyterNotebookApp"):
        args += [
            f"--{cls}.user_settings_dir={server.settings_dir}",
            f"--{cls}.workspaces_dir={server.workspaces_dir}",
            f"--{cls}.expose_app_in_browser=True",
        ]
    args += [
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    return args + list(extra_args)


def _wait_ready(server: JupyterServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not server.is_alive():
            raise ServerStartError(
                f"jupyter {server.app} exited with code {server.proc.returncode} before "
                f"answering /api/status; log: {server.log_path}\n{server.log_tail()}"
            )
        try:
            server.api("GET", "api/status", timeout=2)
            return
        except (OSError, ValueError) as exc:  # refused, reset, timeout, half-started
            last = exc
        time.sleep(0.1)
    raise ServerStartError(
        f"jupyter {server.app} did not answer /api/status within {timeout:.0f} s "
        f"(last error: {last!r}); log: {server.log_path}\n{server.log_tail()}"
    )


def start_server(
    app: str = "lab",
    *,
    python: str | None = None,
    base_dir: str | os.PathLike | None = None,
    user_settings: dict[str, dict[str, Any]] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = STARTUP_TIMEOUT,
    attempts: int = 3,
) -> JupyterServer:
    """Start an isolated ``jupyter lab`` (``app="lab"``) or Notebook 7 (``app="notebook"``).

    Returns once ``/api/status`` answers.  The caller owns the server and must call
    :meth:`JupyterServer.stop` (or use :func:`running_server`).

    Parameters
    ----------
    app:
        ``"lab"`` or ``"notebook"``.
    python:
        Interpreter that runs the server (default: this one).  Kernelspecs whose ``argv[0]``
        is ``python`` run in this interpreter too.
    base_dir:
        Where to create the private temporary directory (default: the system's temp dir).
    user_settings:
        Lab settings to write (default :data:`USER_SETTINGS`), as ``{plugin_id: {key: value}}``.
    extra_args:
        More command-line options for the server.
    timeout:
        Bound on the wait for ``/api/status``, per attempt.
    attempts:
        How often to try (a new port each time) if the server exits during start-up.

    Raises
    ------
    ServerStartError
        With the log path and the log's tail.
    """
    if app not in APPS:
        raise ValueError(f"app must be one of {sorted(APPS)}, not {app!r}")
    python = python or sys.executable
    last_error: ServerStartError | None = None
    for _ in range(max(1, attempts)):
        base = Path(tempfile.mkdtemp(prefix=f"nblabel-{app}-", dir=base_dir)).resolve()
        dirs = {
            name: base / name
            for name in ("root", "config", "data", "runtime", "settings", "workspaces")
        }
        for d in dirs.values():
            d.mkdir()
        os.chmod(dirs["runtime"], 0o700)
        _write_user_settings(
            dirs["settings"], USER_SETTINGS if user_settings is None else user_settings
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTER", "JUPYTERLAB_", "JPY_", "IPYTHONDIR"))
        }
        bin_dir = str(Path(python).parent)
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["config"] / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
            PYTHONUNBUFFERED="1",
        )
        server = JupyterServer(
            app=app,
            port=_free_port(),
            token=secrets.token_hex(24),
            base_dir=base,
            root_dir=dirs["root"],
            config_dir=dirs["config"],
            data_dir=dirs["data"],
            runtime_dir=dirs["runtime"],
            settings_dir=dirs["settings"],
            workspaces_dir=dirs["workspaces"],
            log_path=base / "server.log",
            env=env,
            python=python,
        )
        try:
            with open(server.log_path, "wb") as log:
                server.proc = subprocess.Popen(
                    _server_command(server, extra_args),
                    cwd=server.root_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            _wait_ready(server, timeout)
            return server
        except ServerStartError as exc:
            last_error = exc
            server.stop(remove=False)
            # Only a lost race for the port is worth another attempt.
            if "already in use" not in server.log_tail(200).lower():
                break
        except BaseException:
            server.stop()
            raise
    assert last_error is not None
    raise last_error


@contextlib.contextmanager
def running_server(app: str = "lab", **kwargs: Any) -> Iterator[JupyterServer]:
    """Context manager around :func:`start_server`; always stops the server on exit."""
    server = start_server(app, **kwargs)
    try:
        yield server
    finally:
        server.stop()
