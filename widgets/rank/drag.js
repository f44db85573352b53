// Reordering the list of options by dragging: drop a card before, after or (with ties) onto a
// group, or onto the left-out area; the drop target is marked while dragging.

import { dropWhere } from "./order.js";

/**
 * Listen for drags of the cards in `list` and `out`.
 * @param {HTMLElement} list  the ranked groups (elements with class nbl-rank-group, data-index)
 * @param {HTMLElement} out  the left-out area
 * @param {object} options
 * @param {boolean} options.ties  whether a drop onto a group ties the option with it
 * @param {boolean} options.partial  whether options may be left out
 * @param {(key: string) => string} options.nameOf  the option's name on screen (the drag's text)
 * @param {(key: string, index: number, where: string) => void} options.drop  option `key` was
 *   dropped on group `index` ("before", "after", "into") or on the left-out area (-1, "out")
 * @param {() => Iterable<HTMLElement>} options.cards  every card
 * @param {AbortSignal} options.signal  removes every listener
 */
export function listenForDrops(list, out, { ties, partial, nameOf, drop, cards, signal }) {
  let dragged = null;
  let marked = null;
  const mark = (element, where) => {
    if (marked) marked.element.classList.remove(`nbl-drop-${marked.where}`);
    marked = element ? { element, where } : null;
    if (element) element.classList.add(`nbl-drop-${where}`);
  };
  const target = (event) => {
    const group = event.target.closest ? event.target.closest(".nbl-rank-group") : null;
    if (group && list.contains(group)) {
      const box = group.getBoundingClientRect();
      const where = dropWhere((event.clientY - box.top) / Math.max(1, box.height), ties);
      return { element: group, index: Number(group.dataset.index), where };
    }
    if (partial && out.contains(event.target)) return { element: out, index: -1, where: "out" };
    return null;
  };
  for (const element of [list, out]) {
    const on = (type, handler) => element.addEventListener(type, handler, { signal });
    on("dragstart", (event) => {
      const card = event.target.closest ? event.target.closest(".nbl-rank-card") : null;
      if (!card) return;
      dragged = card.dataset.key;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", nameOf(dragged));
      card.classList.add("nbl-dragging");
    });
    on("dragover", (event) => {
      if (dragged === null) return;
      const over = target(event);
      mark(over && over.element, over && over.where);
      if (!over) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    });
    on("drop", (event) => {
      const over = dragged === null ? null : target(event);
      mark(null);
      if (!over) return;
      event.preventDefault();
      drop(dragged, over.index, over.where);
    });
    on("dragend", () => {
      mark(null);
      for (const card of cards()) card.classList.remove("nbl-dragging");
      dragged = null;
    });
  }
}
