// The line above the item: which item it is, and the state of its answer (saving, saved, not
// saved and why, marked unsure, commented, changed).

import { h, setText } from "./dom.js";
import { displayItemId } from "./session.js";
import { answerStatus } from "./status_text.js";

/**
 * The item's status line. `update(slot, draft, changed)` redraws it for the slot on screen.
 * @param {{describe: (slot: object) => string}} view  the task view (it words the answers)
 */
export function createItemStatus(view) {
  const position = h("span", { class: "nbl-position" });
  const answer = h("span", { class: "nbl-answer" });
  const element = h("div", { class: "nbl-meta" }, position, answer);
  return {
    element,
    update(slot, draft, changed) {
      setText(position, `item ${displayItemId(slot.id)}`);
      setText(answer, answerStatus(slot, draft, changed, (shown) => view.describe(shown)));
      answer.classList.toggle("nbl-rejected", Boolean(slot.reason) || slot.status === "lost");
    },
  };
}
