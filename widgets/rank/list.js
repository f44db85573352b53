// Three or more options as a list, best first: a card per option (grip, key, name, place, rating
// chips, text) in groups of tied options, and the left-out area. Cards are made once per item and
// moved between groups as the ranking changes; dragging them is drag.js's job.

import { h, setText, show } from "../../js/dom.js";
import { ratingChips } from "./chips.js";
import { listenForDrops } from "./drag.js";
import { optionName, shownKeys } from "./draft.js";

/**
 * The list.
 * @param {object} options
 * @param {object} options.task  the task (keys, ties, partial)
 * @param {Array|null} options.levels  the rating scale's levels, or null
 * @param {{current(): object}} options.session  the item window
 * @param {(key: string) => void} options.select  option `key` was clicked
 * @param {(key: string, level: any) => void} options.rate  a chip of option `key` was clicked
 * @param {(key: string, index: number, where: string) => void} options.drop  a card was dropped
 *   (see drag.js)
 * @param {AbortSignal} options.signal  removes every listener
 */
export function createList({ task, levels, session, select, rate, drop, signal }) {
  const element = h("ol", { class: "nbl-rank-list", attrs: { "aria-label": "ranking, best first" } });
  const out = h("div", { class: "nbl-rank-out" });
  let cards = new Map(); // option key → {element, chips, placeLabel}, for the item on screen

  function card(slot, key) {
    const index = shownKeys(slot).indexOf(key);
    const text = slot.view.options[index][1];
    const optionKey = task.keys[index];
    const chips = ratingChips(levels, (level) => rate(key, level), signal);
    const placeLabel = h("span", { class: "nbl-rank-place" });
    const handle = h(
      "div",
      { class: "nbl-rank-head", attrs: { draggable: "true", title: "drag to move; drop on an option to tie" } },
      h("span", { class: "nbl-rank-grip", text: "⠿" }),
      optionKey ? h("kbd", { text: optionKey }) : null,
      h("span", { class: "nbl-rank-name", text: optionName(index, false) }),
      placeLabel,
      chips.element,
    );
    const body = h("div", { class: `nbl-rank-text nbl-text${text === null ? " nbl-missing" : ""}`, text: text === null ? "(missing)" : text });
    const cardElement = h("div", { class: "nbl-rank-card", dataset: { key } }, handle, body);
    cardElement.addEventListener(
      "click",
      (event) => {
        if (event.target.closest("button")) return;
        select(key);
      },
      { signal },
    );
    return { element: cardElement, chips, placeLabel };
  }

  listenForDrops(element, out, {
    ties: task.ties,
    partial: task.partial,
    nameOf: (key) => optionName(shownKeys(session.current()).indexOf(key), false),
    drop,
    cards: () => [...cards.values()].map((item) => item.element),
    signal,
  });

  return {
    element,
    out,

    /** Make the cards of a new item. */
    show(slot) {
      cards = new Map(shownKeys(slot).map((key) => [key, card(slot, key)]));
    },

    /**
     * Lay the cards out in the draft's order and show its selection, ratings and places.
     * @param {{ranking: object, ratings: object, selected: string}} st  the draft (see draftRanking)
     * @param {string[]} shown  the option keys as shown
     * @param {{rating: {at: number}|null, expanded: boolean, reveal: boolean}} ui  the view's
     *   state; `reveal` is cleared once the selected card is scrolled into view
     */
    update(st, shown, ui) {
      let placeNumber = 1;
      const rows = st.ranking.groups.map((group, index) => {
        const row = h("li", { class: `nbl-rank-group${group.length > 1 ? " nbl-rank-tie" : ""}`, dataset: { index } });
        for (const key of group) {
          const item = cards.get(key);
          setText(item.placeLabel, group.length > 1 ? `#${placeNumber} (tie)` : `#${placeNumber}`);
          row.append(item.element);
        }
        placeNumber += group.length;
        return row;
      });
      element.replaceChildren(...rows);
      show(out, st.ranking.out.length > 0 || task.partial);
      out.replaceChildren(
        ...(task.partial ? [h("div", { class: "nbl-rank-out-title", text: st.ranking.out.length ? "Left out:" : "Drop here (or press o) to leave an option out" })] : []),
        ...st.ranking.out.map((key) => {
          const item = cards.get(key);
          setText(item.placeLabel, "left out");
          return item.element;
        }),
      );
      const rating = ui.rating;
      for (const key of shown) {
        const item = cards.get(key);
        item.chips.update(st.ratings[key]);
        item.element.classList.toggle("nbl-selected", key === st.selected);
        item.element.classList.toggle("nbl-rank-rating", Boolean(rating && shown[rating.at] === key));
        item.element.classList.toggle("nbl-expanded", ui.expanded);
      }
      if (ui.reveal) {
        ui.reveal = false;
        cards.get(st.selected).element.scrollIntoView({ block: "nearest" });
      }
    },
  };
}
