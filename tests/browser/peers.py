"""Start and stop the other front ends nblabel is tested in: a marimo server and a Voilà server.

Standard library only, so benchmarks can use it too. Each server runs in its own temporary
directory (its files, its config, cache and Jupyter directories, its log), listens on
127.0.0.1 only, and is stopped with its whole process group::

    with running_peer("marimo", {"app.py": source}) as server:
        page.goto(server.url_for("app.py"))

``marimo``: ``marimo run <dir> --headless --no-token`` serves every ``.py`` app of the directory
(``/?file=<name>``); apps are written before it starts, because it lists them then.
``voila``: ``voila <dir> --no-browser`` serves every notebook of the directory
(``/voila/render/<name>``); it needs ipykernel to run them.
"""

from __future__ import annotations

import contextlib
import os
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PEERS", "PeerServer", "PeerStartError", "running_peer", "start_peer"]

STARTUP_TIMEOUT = 90.0
BIN = Path(sys.executable).parent


class PeerStartError(RuntimeError):
    """The server did not start; the message holds the command and its log's tail."""


@dataclass
class PeerServer:
    """A running marimo or Voilà server.

    Attributes
    ----------
    kind:
        ``"marimo"`` or ``"voila"``.
    port:
        Where it listens on 127.0.0.1.
    root:
        The directory it serves (apps or notebooks; stores written by them land here too).
    base_dir:
        The temporary directory holding ``root``, the config and cache directories and the log.
    log_path:
        The server's combined stdout and stderr.
    """

    kind: str
    port: int
    root: Path
    base_dir: Path
    log_path: Path
    proc: subprocess.Popen | None = None

    def url_for(self, name: str) -> str:
        """The address of an app (marimo) or notebook (Voilà) of the served directory."""
        quoted = urllib.parse.quote(name)
        if self.kind == "marimo":
            return f"http://127.0.0.1:{self.port}/?file={quoted}"
        return f"http://127.0.0.1:{self.port}/voila/render/{quoted}"

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server and everything it started (its process group); remove its files."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _command(kind: str, root: Path, port: int) -> list[str]:
    if kind == "marimo":
        return [str(BIN / "marimo"), "run", str(root), "--headless", "--host", "127.0.0.1",
                "--port", str(port), "--no-token", "--no-sandbox", "--no-check"]
    return [str(BIN / "voila"), str(root), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1"]


#: The servers this module starts, and the executable each needs.
PEERS = {"marimo": "marimo", "voila": "voila"}


def _environment(base: Path) -> dict[str, str]:
    """The environment of a server: its own config, cache and Jupyter directories."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
                 "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = base / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(server: PeerServer, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_peer(kind: str, files: dict[str, str], timeout: float = STARTUP_TIMEOUT) -> PeerServer:
    """Write ``files`` (name -> text) into a fresh directory and serve it with ``kind``.

    Returns once the server answers. Raises :class:`PeerStartError` (with the log's tail) if it
    exits or does not answer within ``timeout`` seconds; ``FileNotFoundError`` if ``kind`` is not
    installed in this Python environment.
    """
    executable = BIN / PEERS[kind]
    if not executable.exists():
        raise FileNotFoundError(f"{executable} is missing: pip install {PEERS[kind]}")
    base = Path(tempfile.mkdtemp(prefix=f"nblabel-{kind}-"))
    root = base / "root"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    server = PeerServer(kind, _free_port(), root, base, base / "server.log")
    env = _environment(base)
    with server.log_path.open("wb") as log:
        server.proc = subprocess.Popen(
            _command(kind, root, server.port), cwd=root, env=env, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    probe = "/health" if kind == "marimo" else "/"
    deadline = time.monotonic() + timeout
    while not _ready(server, probe):
        if server.proc.poll() is not None or time.monotonic() > deadline:
            why = "exited" if server.proc.poll() is not None else f"did not answer in {timeout:.0f} s"
            tail = server.log_tail()
            server.stop()
            raise PeerStartError(f"{kind} {why}: {' '.join(_command(kind, root, server.port))}"
                                 f"\n{tail}")
        time.sleep(0.2)
    return server


@contextlib.contextmanager
def running_peer(kind: str, files: dict[str, str], **kwargs: float) -> Iterator[PeerServer]:
    """Context manager around :func:`start_peer`; always stops the server on exit."""
    server = start_peer(kind, files, **kwargs)
    try:
        yield server
    finally:
        server.stop()
