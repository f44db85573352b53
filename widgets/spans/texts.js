// What the span view says, DOM-free (unit-tested in Node): the status line under the text (what
// the caret, selection or focused span allow; counts; what Enter will do), which actions apply,
// and an answer's short description.

import { suggestedBy } from "../../js/status_text.js";
import { offeredSuggestion } from "./drafts.js";

/**
 * The status line and the actions that apply to the item on screen.
 * @param {import("./span_doc.js").SpanDoc} doc  the item's document
 * @param {object} slot  the item (its stored answer and status)
 * @param {string[]} labels  the task's labels
 * @param {Array<string|null>} keys  their keys
 * @returns {{context: string, notice: string, counts: string, provenance: string, acceptAll: boolean,
 *   accept: boolean, remove: boolean, removeText: string}}  `provenance`: whose suggestions these
 *   are, with the pre-labeler's or model's version and its confidence (empty without one);
 *   `acceptAll`, `accept`, `remove`: whether those buttons apply; `removeText`: what the remove
 *   button does
 */
export function spanStatus(doc, slot, labels, keys) {
  const focused = doc.focus ? doc.focus.kind : null;
  const offered = offeredSuggestion(slot);
  let context = doc.missing ? "" : "Select text (drag, double-click, or Shift+arrows), then press a label key.";
  if (focused === "span") {
    context = `Span ${doc.describe(doc.focus.item)} — a label key relabels it · Delete removes it · Esc deselects`;
  } else if (focused) {
    const sure = offered ? spanConfidence(offered, doc.focus.item.index) : "";
    context = `${offered ? suggestedBy(offered) : "Suggestion"} ${doc.describe(doc.focus.item)}${sure} — Space accepts · a label key accepts it as that label · Delete rejects`;
  } else if (doc.selection()) {
    const [start, end] = doc.selection();
    const described = labels.slice(0, 4).map((label, index) => (keys[index] ? `${label} (${keys[index]})` : label));
    context = `Selected ${doc.describe({ start, end, label: "press a label key" }).replace(/ \(press a label key\)$/, "")} — press a label key: ${described.join(", ")}${labels.length > 4 ? ", …" : ""}`;
  }
  const pending = doc.pending().length;
  const count = `${doc.spans.length} span${doc.spans.length === 1 ? "" : "s"}`;
  const unchanged = slot.answer && slot.status !== "rejected" && !doc.changed();
  let next = "Enter submits";
  if (unchanged) next = "Enter goes on (unchanged)";
  else if (pending && offered) next = `${suggestedBy(offered)} ${pending} span${pending === 1 ? "" : "s"} — Enter accepts all`;
  else if (pending) next = `${pending} suggestion${pending === 1 ? "" : "s"} to review — Enter accepts all`;
  return {
    context,
    notice: doc.notice || "",
    counts: `${count}${doc.changed() && slot.answer ? " (edited)" : ""} · ${next}`,
    provenance: offered ? provenance(offered) : "",
    acceptAll: pending > 0 && !unchanged,
    accept: focused === "suggestion",
    remove: Boolean(focused),
    removeText: focused === "suggestion" ? " reject" : " delete",
  };
}

/**
 * Whose suggestion it is, for a tooltip: "rules, version v2 · 90% sure", "model, version 3".
 * @param {{source: string, by?: string|null, version?: string|number|null, confidence?: number|null}} offered
 */
export function provenance(offered) {
  let text = offered.by || offered.source;
  if (offered.version !== null && offered.version !== undefined) text += `, version ${offered.version}`;
  if (typeof offered.confidence === "number") text += ` · ${Math.round(100 * offered.confidence)}% sure of this item`;
  return text;
}

/** " at 91%": the confidence of suggestion `index` when the suggestion gives one per span. */
function spanConfidence(offered, index) {
  const value = Array.isArray(offered.confidences) ? offered.confidences[index] : undefined;
  return typeof value === "number" ? ` at ${Math.round(100 * value)}%` : "";
}

/** An answer's spans in short: "3 spans (PER ×2, LOC)", "no spans". */
export function describeSpans(value) {
  if (!Array.isArray(value)) return String(value);
  if (!value.length) return "no spans";
  const counts = new Map();
  for (const { label } of value) counts.set(label, (counts.get(label) || 0) + 1);
  const parts = [...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
  return `${value.length} span${value.length === 1 ? "" : "s"} (${parts.join(", ")})`;
}
