// The screen shown when no item is left: thanks, counts, answers per label, whether all is saved.

import { h, setChildren } from "./dom.js";
import { keyLabel } from "./keys.js";

/**
 * The done screen. `update()` redraws it from the progress trait and the session.
 * @param {{model: object, session: import("./session.js").LabelSession}} ctx  the shell's context
 * @param {string} backKey  the key that goes back to the answers
 */
export function createDoneScreen({ model, session }, backKey) {
  const element = h("div", { class: "nbl-done" });
  return {
    element,
    update() {
      const progress = model.get("progress") || {};
      setChildren(
        element,
        h("div", { class: "nbl-done-title", text: "All done — thank you!" }),
        h(
          "div",
          { class: "nbl-done-counts" },
          `${progress.labeled || 0} labeled · ${progress.skipped || 0} skipped · ${progress.flagged || 0} marked unsure`,
        ),
        labelSummary(progress.by_label || {}),
        h("div", { class: "nbl-done-save", text: saveNote(session) }),
        h("div", { class: "nbl-done-hint", text: `Press ${keyLabel(backKey)} to go back and review your answers.` }),
      );
    },
  };
}

/** Whether every answer is saved. */
function saveNote(session) {
  if (session.lost) return `Answers can no longer be saved here: ${session.lost}.`;
  return session.pendingCount() ? `saving ${session.pendingCount()} answers…` : "Every answer is saved.";
}

/** Answers per label, most frequent first, as bars (null when there are none). */
function labelSummary(byLabel) {
  const entries = Object.entries(byLabel).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return null;
  const most = entries[0][1];
  return h(
    "div",
    { class: "nbl-summary" },
    ...entries.map(([label, count]) =>
      h(
        "div",
        { class: "nbl-summary-row" },
        h("span", { class: "nbl-summary-label", text: label }),
        h("span", { class: "nbl-summary-bar", attrs: { style: `width: ${Math.max(2, (100 * count) / most)}%` } }),
        h("span", { class: "nbl-summary-count", text: count }),
      ),
    ),
  );
}
