"""A throw-away Label Studio server on 127.0.0.1, and a small client of its API.

Label Studio lives in its own virtual environment (about 1 GB), never the project's: ``.ci/run``
installs it and names its ``label-studio`` executable in ``NBLABEL_LABEL_STUDIO``. The server
gets a free port, a temporary data directory, an admin whose API token is set on the command
line (``--enable-legacy-api-token``, without which Label Studio refuses it) and no version check
or analytics. It answers ``/health`` after about 20 s (longer on a first start, while it
migrates its database).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The ``label-studio`` executable of its own virtual environment (set by .ci/run).
EXECUTABLE = os.environ.get("NBLABEL_LABEL_STUDIO")
#: How long the server may take to answer /health (a first start migrates its database).
START_TIMEOUT = 420.0
ADMIN = "admin@example.org"
#: Headless Chromium without the background traffic that floods its log when offline.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class LabelStudioError(RuntimeError):
    """The server could not start, or its API refused a request."""


class LabelStudio:
    """A client of one Label Studio server's API (token authentication) and web app."""

    def __init__(self, url: str, token: str, password: str) -> None:
        self.url, self.token, self.password = url, token, password

    def call(self, method: str, path: str, body: Any = None, *, raw: bool = False) -> Any:
        """Send one request; return its JSON (its bytes with ``raw``)."""
        request = urllib.request.Request(
            self.url + path, method=method,
            data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                data = response.read()
        except urllib.error.HTTPError as error:
            raise LabelStudioError(
                f"{method} {path}: HTTP {error.code}: {error.read().decode()[:2000]}"
            ) from None
        return data if raw else json.loads(data or b"null")

    def user(self, email: str) -> int:
        """Return the id of the user with ``email``, creating them if needed."""
        for user in self.call("GET", "/api/users"):
            if user["email"] == email:
                return user["id"]
        name = email.split("@")[0]
        return self.call("POST", "/api/users", {"email": email, "username": name,
                                                 "password": secrets.token_hex(8)})["id"]

    def tasks(self, project: int) -> list[dict[str, Any]]:
        """Return a project's tasks (ids, data, meta), in the order they were imported."""
        return self.call("GET", f"/api/tasks?project={project}&page_size=1000")["tasks"]

    def annotations(self, task: int) -> list[dict[str, Any]]:
        """Return a task's annotations."""
        return self.call("GET", f"/api/tasks/{task}/annotations")

    def project(self, title: str, config: str) -> int:
        """Create a project with a labeling config; return its id."""
        return self.call("POST", "/api/projects", {"title": title, "label_config": config})["id"]

    def config(self, project: int) -> str:
        """Return a project's labeling config, as Label Studio stores it."""
        return self.call("GET", f"/api/projects/{project}")["label_config"]

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """Import tasks (with annotations and predictions) through the import API."""
        return self.call("POST", f"/api/projects/{project}/import", tasks)

    def export(self, project: int) -> list[dict[str, Any]]:
        """Return every task as Label Studio's JSON export gives it, predictions and annotators'
        e-mails included (an export snapshot, as the web app's Export makes)."""
        options = {"predictions": {"only_id": False}, "drafts": {"only_id": False},
                   "annotations__completed_by": {"only_id": False}}
        made = self.call("POST", f"/api/projects/{project}/exports/",
                         {"serialization_options": options})
        deadline = time.monotonic() + 60
        while True:
            status = self.call("GET", f"/api/projects/{project}/exports/{made['id']}")["status"]
            if status == "completed":
                break
            if status == "failed" or time.monotonic() > deadline:
                raise LabelStudioError(f"export {made['id']} of project {project}: {status}")
            time.sleep(0.2)
        data = self.call("GET", f"/api/projects/{project}/exports/{made['id']}/download"
                         "?exportType=JSON", raw=True)
        return json.loads(data)


def log_in(page: Any, server: LabelStudio) -> None:
    """Log the admin in to the web app in a Playwright ``page`` (no request leaves 127.0.0.1)."""
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(server.url) else route.abort())
    page.goto(f"{server.url}/user/login")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


#: Where ``word`` is drawn in the labeling view's text (a DOM Range's box), or null.
FIND_WORD = """(word) => {
  for (const root of document.querySelectorAll('[class*=richtext]')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const at = node.data.indexOf(word);
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        const box = range.getBoundingClientRect();
        return {x: box.x, y: box.y, width: box.width, height: box.height};
      }
    }
  }
  return null;
}"""


def wait_for_word(page: Any, word: str) -> None:
    """Wait until the labeling view shows ``word``."""
    page.wait_for_function(f"({FIND_WORD})({json.dumps(word)}) !== null")


def drag_over(page: Any, word: str) -> None:
    """Select ``word`` in the labeling view's text with the mouse, as an annotator does."""
    box = page.evaluate(FIND_WORD, word)
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, middle)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, middle, steps=5)
    page.mouse.up()


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def label_studio_server(executable: str, data_dir: Path) -> Iterator[LabelStudio]:
    """Start a server, yield its client, stop it (its whole process group)."""
    port, token, password = free_port(), secrets.token_hex(20), secrets.token_hex(12)
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
           "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false"}
    log_path = data_dir / "label-studio.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [executable, "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port),
             "--username", ADMIN, "--password", password, "--user-token", token,
             "--enable-legacy-api-token"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(process, url, log_path)
        yield LabelStudio(url, token, password)
    finally:
        _stop(process)


def _wait_for_health(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LabelStudioError(
                f"label-studio exited with {process.returncode}:\n{_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise LabelStudioError(f"label-studio did not answer /health in {START_TIMEOUT:.0f} s:\n"
                           f"{_tail(log_path)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-3000:]
