"""A view's built bundle in Chromium without Jupyter: a stand-in model, the kernel played by the test.

``mount(page, "spans", task=..., upcoming=[...])`` serves ``nblabel/static/`` under a made-up
origin, renders the view into the page (or into a shadow root, as marimo does) and answers its
hello with a snapshot of the given items. What the view sends is in ``sent(page)``; kernel
messages are delivered with ``deliver(page, message)``. The model's interface is anywidget's
(``get``, ``set``, ``on``, ``off``, ``send``), nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[2] / "nblabel" / "static"
ORIGIN = "http://nblabel.test"

_MOUNT_JS = r"""
async ({view, state, snapshot, shadow}) => {
  const module = await import(`/static/${view}.js`);
  const handlers = new Map();
  const listeners = (name) => handlers.get(name) || handlers.set(name, new Set()).get(name);
  window.__sent = [];
  window.__deliver = (message) => { for (const fn of [...listeners("msg:custom")]) fn(message, []); };
  const model = {
    get: (name) => state[name],
    set: (name, value) => { state[name] = value; },
    save_changes() {},
    on: (name, fn) => listeners(name).add(fn),
    off: (name, fn) => listeners(name).delete(fn),
    send(message) {
      window.__sent.push(message);
      if (message.kind === "hello") setTimeout(() => window.__deliver({...snapshot, kind: "snapshot", to: message.to}));
    },
  };
  const host = document.createElement("div");
  host.id = "host";
  document.body.append(host);
  let el = host;
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = `/static/${view}.css`;
  const loaded = new Promise((resolve) => { css.onload = resolve; });
  if (shadow) {
    const root = host.attachShadow({mode: "open"});
    el = document.createElement("div");
    root.append(css, el);
  } else {
    document.head.append(css);
  }
  await loaded;
  window.__cleanup = module.default.render({model, el});
  return true;
}
"""


def mount(
    page: Any,
    view: str,
    *,
    task: dict[str, Any],
    upcoming: list[dict[str, Any]],
    history: list[dict[str, Any]] | None = None,
    shadow: bool = False,
    annotator: str = "ana",
) -> None:
    """Render ``view`` (``nblabel/static/<view>.js``) for ``task`` with these items."""

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body="<!doctype html><html><head></head><body></body></html>",
                          content_type="text/html")
            return
        file = STATIC / path.removeprefix("/static/")
        kind = "text/javascript" if file.suffix == ".js" else "text/css"
        route.fulfill(body=file.read_bytes(), content_type=kind)

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    history = history or []
    state = {
        "task": task, "annotator": annotator, "guideline": {}, "review": False, "model": {},
        "progress": {"done": len(history), "total": len(history) + len(upcoming)},
        "storage_key": "",
    }
    snapshot = {"history": history, "upcoming": upcoming, "exhausted": True}
    page.evaluate(_MOUNT_JS, {"view": view, "state": state, "snapshot": snapshot, "shadow": shadow})


def sent(page: Any) -> list[dict[str, Any]]:
    """The messages the view sent, oldest first."""
    return json.loads(page.evaluate("() => JSON.stringify(window.__sent)"))


def deliver(page: Any, message: dict[str, Any]) -> None:
    """Deliver a kernel message to the view."""
    page.evaluate("(message) => window.__deliver(message)", message)
