// The status line under the text (what can be done now, a notice, the counts) and the action
// buttons: accept all suggestions, accept the focused one, delete or reject, submit. Their wording
// is texts.js's.

import { h, setText, show } from "../../js/dom.js";
import { actionButton } from "../../js/toolbar.js";
import { spanStatus } from "./texts.js";

/**
 * @param {object} options
 * @param {string[]} options.labels  the task's labels
 * @param {Array<string|null>} options.keys  their keys
 * @param {(action: (doc: object) => void) => void} options.edit  runs an edit on the item's document
 * @param {() => void} options.submit  Enter
 * @param {AbortSignal} options.signal  removes the click handlers
 */
export function createStatusBar({ labels, keys, edit, submit, signal }) {
  const context = h("span", { class: "nbl-spans-context", attrs: { "aria-live": "polite" } });
  const notice = h("span", { class: "nbl-spans-notice", attrs: { role: "status" } });
  const counts = h("span", { class: "nbl-spans-counts" });
  const acceptAll = actionButton("Enter", "accept all suggestions", () => edit((doc) => doc.acceptAll()), signal);
  const accept = actionButton("Space", "accept", () => edit((doc) => doc.acceptFocused()), signal);
  const remove = actionButton("Del", "delete", () => edit((doc) => doc.deleteFocused()), signal);
  const removeText = h("span", { text: " delete" });
  remove.lastChild.replaceWith(removeText);
  return {
    status: h("div", { class: "nbl-spans-status" }, context, notice, counts),
    actions: h("div", { class: "nbl-spans-actions" }, acceptAll, accept, remove, actionButton("Enter", "submit", submit, signal)),

    /** Say what the document allows now. */
    update(doc, slot) {
      const now = spanStatus(doc, slot, labels, keys);
      setText(context, now.context);
      setText(notice, now.notice);
      show(notice, Boolean(now.notice));
      setText(counts, now.counts);
      counts.title = now.provenance;
      show(acceptAll, now.acceptAll);
      show(accept, now.accept);
      show(remove, now.remove);
      setText(removeText, now.removeText);
    },
  };
}
