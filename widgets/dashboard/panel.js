// One panel of the dashboard's grid: its title, the one line that says what it is for, and the
// chart (or the note saying why there is none yet), drawn again for each newer state.

import { h, setText, show } from "../../js/dom.js";
import { drawChart } from "./chart.js";

/**
 * Build a panel; it stays hidden until a state gives it a chart or a note.
 * @param {{name: string, title: string, purpose: string, selection: string|null, fit: boolean}} panel
 * @param {object} context
 * @param {AbortSignal} context.signal  removes the panel's listeners
 * @param {object} context.embedOptions  vega-embed options
 * @param {boolean} context.dark  draw charts with the dark theme
 * @param {(points: Array<object>) => void} context.onSelect  a click selected these points
 * @param {() => void} context.onUpdate  the "Update" button of a lagging chart was pressed
 * @returns {{el: HTMLElement, showState: (state: object) => void, close: () => void}}
 */
export function createPanel(panel, { signal, embedOptions, dark, onSelect, onUpdate }) {
  const title = h("h3", { class: "nbl-dash-panel-title", text: panel.title });
  const purpose = h("p", { class: "nbl-dash-purpose", text: panel.purpose });
  const chart = h("div", { class: "nbl-dash-chart" });
  const note = h("p", { class: "nbl-dash-note" });
  const lag = h("span");
  const update = h("button", {
    class: "nbl-dash-button", text: "Update", attrs: { type: "button" },
    title: "Compute this chart again from every answer (it may take a few seconds)",
    on: { click: onUpdate }, signal,
  });
  const stale = h("p", { class: "nbl-dash-stale" }, lag, " ", update);
  const el = h("section", { class: `nbl-dash-panel nbl-dash-slot-${panel.name}` }, title, purpose, chart, note, stale);
  for (const part of [el, chart, note, stale]) show(part, false);

  let remove = null;
  let hasChart = false;
  let pending = null;
  let drawing = false;
  let closed = false;

  function clear() {
    if (remove) remove();
    remove = null;
  }

  async function draw(state) {
    clear();
    show(chart, Boolean(state.spec));
    if (!state.spec) return;
    const how = { selection: panel.selection, onSelect, dark, fit: panel.fit };
    try {
      const removeChart = await drawChart(chart, state.spec, embedOptions, how);
      if (closed) removeChart();
      else remove = removeChart;
    } catch (error) {
      show(chart, false);
      setText(note, `This chart could not be drawn: ${(error && error.message) || error}`);
      show(note, true);
    }
  }

  // Charts are drawn one at a time per panel, the latest state only: states that arrive while
  // one is being drawn replace each other.
  async function pump() {
    drawing = true;
    while (pending && !closed) {
      const state = pending;
      pending = null;
      await draw(state);
    }
    drawing = false;
  }

  return {
    el,
    /** Show a state; one without a `spec` keeps the chart drawn (only its texts changed). */
    showState(state) {
      setText(title, state.title || panel.title);
      setText(note, state.note);
      show(note, Boolean(state.note));
      setText(lag, state.stale);
      show(stale, Boolean(state.stale));
      if ("spec" in state) hasChart = Boolean(state.spec);
      show(el, hasChart || Boolean(state.note));
      if (!("spec" in state)) return;
      pending = state;
      if (!drawing) pump();
    },
    close() {
      closed = true;
      pending = null;
      clear();
    },
  };
}
