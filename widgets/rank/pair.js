// Two options side by side (A/B): their texts, scrolled together and drawn screen first
// (screenful.js), with their differences highlighted on demand; each pane's rating chips; the
// stored verdict shown on the winner.

import { h, setText } from "../../js/dom.js";
import { ratingChips } from "./chips.js";
import { changedRun, differencesNote } from "./differences.js";
import { optionName, shownKeys } from "./draft.js";
import { createScreenfulPane } from "./screenful.js";

/**
 * The A/B panes.
 * @param {object} options
 * @param {Array|null} options.levels  the rating scale's levels, or null
 * @param {{current(): object}} options.session  the item window
 * @param {(key: string, level: any) => void} options.rate  a chip of option `key` was clicked
 * @param {AbortSignal} options.signal  removes every listener
 */
export function createPair({ levels, session, rate, signal }) {
  const element = h("div", { class: "nbl-rank-pair" });
  const note = h("div", { class: "nbl-rank-note" });
  const panes = [0, 1].map((side) => {
    const chips = ratingChips(levels, (level) => rate(shownKeys(session.current())[side], level), signal);
    const text = h("div", { class: "nbl-rank-text nbl-text", attrs: { tabindex: "-1" } });
    const head = h("div", { class: "nbl-rank-head" }, h("span", { class: "nbl-rank-name", text: optionName(side, true) }), chips.element);
    const pane = h("section", { class: "nbl-rank-pane", attrs: { "aria-label": `option ${optionName(side, true)}` } }, head, text);
    element.append(pane);
    return { element: pane, text, chips, screen: createScreenfulPane(text, changedRun(side), signal) };
  });
  let scrolled = false; // whether a pane was scrolled since its item was drawn
  followScrolling(panes[0].text, panes[1].text, () => (scrolled = true), signal);

  return {
    element,
    note,

    /** Draw an item's two texts, with their differences (`segments`) marked or plain (null). */
    show(slot, segments) {
      const [[, a], [, b]] = slot.view.options;
      panes.forEach((pane, side) => {
        const text = side === 0 ? a : b;
        pane.text.classList.toggle("nbl-missing", text === null);
        if (text === null) pane.screen.draw([["(missing)", false]]);
        else pane.screen.draw(segments ? (side === 0 ? segments.left : segments.right) : [[text, false]]);
      });
      if (scrolled) {
        // Reading or writing scrollTop forces a layout: only reset panes that were scrolled.
        for (const pane of panes) pane.text.scrollTop = 0;
        scrolled = false;
      }
      setText(note, differencesNote(segments));
    },

    /**
     * Show the draft's ratings, the option being rated and the stored verdict's winner.
     * @param {string[]} shown  the option keys as shown
     * @param {Record<string, any>} ratings  the draft's ratings
     * @param {{at: number}|null} rating  while rating: the option being rated
     * @param {string|null} verdict  the stored answer's verdict (see pairVerdict)
     */
    update(shown, ratings, rating, verdict) {
      shown.forEach((key, side) => {
        const pane = panes[side];
        pane.chips.update(ratings[key]);
        pane.element.classList.toggle("nbl-rank-rating", Boolean(rating && rating.at === side));
        pane.element.classList.toggle("nbl-rank-winner", verdict === `prefer:${side}`);
      });
    },

    /** Scroll the texts by `dy` pixels (the other pane follows). */
    scrollBy(dy) {
      panes[0].text.scrollBy(0, dy);
    },
  };
}

/** Keep two scrolled texts at the same relative height; `onScroll` is told of every scroll. */
function followScrolling(left, right, onScroll, signal) {
  let echo = null; // the pane whose next scroll event we caused
  const follow = (from, to) => {
    onScroll();
    if (echo === from) {
      echo = null;
      return;
    }
    const range = from.scrollHeight - from.clientHeight;
    const target = Math.round((range > 0 ? from.scrollTop / range : 0) * (to.scrollHeight - to.clientHeight));
    if (Math.abs(to.scrollTop - target) < 1) return;
    echo = to;
    to.scrollTop = target;
  };
  left.addEventListener("scroll", () => follow(left, right), { signal, passive: true });
  right.addEventListener("scroll", () => follow(right, left), { signal, passive: true });
}
