// The chosen items under the charts: what chose them, their table, and the buttons that open a
// labeling or review widget over exactly them.

import { h, setChildren, setText, show } from "../../js/dom.js";
import { openedText, tableFooter } from "./state.js";

/**
 * Build the section.
 * @param {object} context
 * @param {AbortSignal} context.signal  removes the buttons' listeners
 * @param {(what: "relabel"|"review") => void} context.onOpen  a button was pressed
 * @returns {{el: HTMLElement, showSelection: (selection: object) => void, showOpened: (opened: object) => void}}
 */
export function createChosen({ signal, onOpen }) {
  const caption = h("p", { class: "nbl-dash-caption" });
  const table = h("table", { class: "nbl-dash-table" });
  const footer = h("p", { class: "nbl-dash-note" });
  const button = (what, text, title) => h("button", {
    class: "nbl-dash-button", text, title, attrs: { type: "button", disabled: true },
    on: { click: () => onOpen(what) }, signal,
  });
  const relabel = button("relabel", "Relabel these", "Open a labeling widget over the items listed (Tab here, then Enter)");
  const review = button("review", "Review these", "Open the adjudication view over the items listed (Tab here, then Enter)");
  const opened = h("p", { class: "nbl-dash-opened", attrs: { role: "status" } });
  const el = h("section", { class: "nbl-dash-chosen" },
    h("h3", { class: "nbl-dash-panel-title", text: "Chosen items" }),
    caption, h("div", { class: "nbl-dash-table-wrap" }, table), footer,
    h("div", { class: "nbl-dash-actions" }, relabel, review), opened);

  return {
    el,
    showSelection(selection) {
      const rows = selection.rows || [];
      setText(caption, selection.caption);
      const head = h("thead", {}, h("tr", {}, ...(selection.columns || []).map((name) => h("th", { text: name, attrs: { scope: "col" } }))));
      const body = h("tbody", {}, ...rows.map((row) => h("tr", {},
        ...row.map((cell, index) => h(index === 0 ? "th" : "td", { text: cell, attrs: index === 0 ? { scope: "row" } : {} })))));
      setChildren(table, head, body);
      show(table, rows.length > 0);
      setText(footer, tableFooter(selection.total || 0, rows.length));
      show(footer, Boolean(footer.textContent));
      relabel.disabled = review.disabled = !selection.total;
    },
    showOpened(state) {
      setText(opened, openedText(state));
      opened.classList.toggle("nbl-dash-error", Boolean(state && state.error));
    },
  };
}
