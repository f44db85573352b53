// The review panel, when adjudicating: everyone's answer on the item, each picked with a click or
// its Shift+number key to decide with it.

import { h, show } from "./dom.js";

/**
 * The panel. `update(slot)` shows the answers of the slot on screen (hidden when it has none);
 * `pick(index)` decides with the index-th answer and returns whether it did.
 * @param {{describe: (slot: object) => string, pick?: Function}} view  the task view: it words
 *   the answers and may open a picked one for editing instead of submitting it
 * @param {object} ctx  the shell's context (session, render, signal), passed on to `view.pick`
 */
export function createReviewPanel(view, ctx) {
  const { session, signal } = ctx;
  const element = h("div", { class: "nbl-review", attrs: { role: "list", "aria-label": "answers to review" } });
  let shownSlot = null;

  function pick(index) {
    const slot = session.current();
    const other = slot && slot.review && slot.review[index];
    if (!other) return false;
    if (view.pick) return view.pick(other.value, other.annotator, ctx);
    return session.answer(other.value, null, { picked: other.annotator });
  }

  function update(slot) {
    show(element, Boolean(slot.review));
    if (!slot.review || slot === shownSlot) return;
    shownSlot = slot;
    element.replaceChildren(
      ...slot.review.map((other, index) =>
        h(
          "div",
          { class: "nbl-review-row", attrs: { role: "listitem" }, on: { click: () => pick(index) && ctx.render() }, signal },
          index < 9 ? h("kbd", { text: `⇧${index + 1}` }) : null,
          h("span", { class: "nbl-review-who", text: other.annotator }),
          h("span", { class: "nbl-review-value", text: view.describe({ answer: other }) }),
          other.flag ? h("span", { class: "nbl-review-flag", text: "unsure" }) : null,
          other.comment ? h("span", { class: "nbl-review-comment", text: `“${other.comment}”` }) : null,
        ),
      ),
    );
  }

  return { element, update, pick };
}
