// The dashboard's view: a header (title, the model's status), a grid of chart panels that uses
// the width, and the chosen items. Charts come from the kernel as Vega-Lite specs, each panel
// drawn again only for a newer state; clicks on a chart's marks go back as the points clicked.

import { h, setText } from "../../js/dom.js";
import { createChosen } from "./chosen.js";
import { createPanel } from "./panel.js";
import { freshPanels } from "./state.js";

function isDark() {
  const body = document.body;
  return Boolean(body && (body.dataset.jpThemeLight === "false" || body.classList.contains("vscode-dark")));
}

function render({ model, el }) {
  const controller = new AbortController();
  const { signal } = controller;
  const send = (message) => model.send(message);

  const heading = h("h2", { class: "nbl-dash-title" });
  const status = h("div", { class: "nbl-dash-status", attrs: { role: "status" } });
  const grid = h("div", { class: "nbl-dash-grid" });
  const chosen = createChosen({
    signal,
    onOpen(what) {
      const serial = ((model.get("request") || {}).serial || 0) + 1;
      model.set("request", { what, serial });
      model.save_changes();
    },
  });
  const root = h("div", { class: "nbl-dashboard" }, h("header", { class: "nbl-dash-header" }, heading, status), grid, chosen.el);
  el.append(root);

  const context = { signal, embedOptions: model.get("embed_options"), dark: isDark() };
  const panels = new Map();
  for (const panel of model.get("panels") || []) {
    const shown = createPanel(panel, {
      ...context,
      onSelect: (points) => { if (points.length) send({ kind: "select", panel: panel.name, points }); },
      onUpdate: () => send({ kind: "update", panel: panel.name }),
    });
    panels.set(panel.name, shown);
    grid.append(shown.el);
  }

  const taken = new Map();
  const onMessage = (message) => {
    if (!message || message.kind !== "charts") return;
    for (const state of freshPanels(taken, message.panels)) {
      const panel = panels.get(state.name);
      if (panel) panel.showState(state);
    }
  };
  const showHeading = () => setText(heading, model.get("heading"));
  const showStatus = () => {
    const { status: kind, message } = model.get("status") || {};
    status.dataset.status = kind || "none";
    setText(status, message);
  };
  const showSelection = () => chosen.showSelection(model.get("selection") || {});
  const showOpened = () => chosen.showOpened(model.get("opened_view") || {});
  const listeners = [
    ["msg:custom", onMessage],
    ["change:heading", showHeading],
    ["change:status", showStatus],
    ["change:selection", showSelection],
    ["change:opened_view", showOpened],
  ];
  for (const [name, listener] of listeners) model.on(name, listener);
  showHeading();
  showStatus();
  showSelection();
  showOpened();
  send({ kind: "hello" });

  return () => {
    for (const [name, listener] of listeners) model.off(name, listener);
    controller.abort();
    for (const panel of panels.values()) panel.close();
    root.remove();
  };
}

export default { render };
