// Two options side by side (A/B): their texts, scrolled together, with their differences
// highlighted on demand; each pane's rating chips; the stored verdict shown on the winner.
// Each pane has two text elements: the one shown, and one where the next pair is laid out ahead
// while the browser is idle (hidden, not painted), so the keypress that brings the next pair on
// screen swaps the two instead of laying out 10,000 characters.

import { h, setText } from "../../js/dom.js";
import { ratingChips } from "./chips.js";
import { differencesNote, paintDifferences } from "./differences.js";
import { optionName, shownKeys } from "./draft.js";

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
    const next = h("div", { class: "nbl-rank-next nbl-text", attrs: { tabindex: "-1", "aria-hidden": "true" } });
    const head = h("div", { class: "nbl-rank-head" }, h("span", { class: "nbl-rank-name", text: optionName(side, true) }), chips.element);
    const pane = h("section", { class: "nbl-rank-pane", attrs: { "aria-label": `option ${optionName(side, true)}` } }, head, text, next);
    element.append(pane);
    return { element: pane, text, next, chips };
  });
  let scrolled = false; // whether a pane was scrolled since its item was drawn
  let prepared = null; // what the hidden elements hold: {slot, segments}
  followScrolling(panes, () => (scrolled = true), signal);

  /** Fill a pane's element with one side of `slot`, its differences marked when `segments`. */
  function fill(element, slot, segments, side) {
    const text = slot.view.options[side][1];
    element.classList.toggle("nbl-missing", text === null);
    if (segments && text !== null) paintDifferences(element, side === 0 ? segments.left : segments.right, side);
    else setText(element, text === null ? "(missing)" : text);
  }

  return {
    element,
    note,

    /** Draw an item's two texts, with their differences (`segments`) marked or plain (null). */
    show(slot, segments) {
      const ready = prepared && prepared.slot === slot && prepared.segments === segments;
      prepared = null;
      for (const [side, pane] of panes.entries()) {
        if (ready) {
          // The next pair is laid out already: swap the shown and the hidden element.
          [pane.text, pane.next] = [pane.next, pane.text];
          pane.text.classList.replace("nbl-rank-next", "nbl-rank-text");
          pane.next.classList.replace("nbl-rank-text", "nbl-rank-next");
          pane.text.removeAttribute("aria-hidden");
          pane.next.setAttribute("aria-hidden", "true");
        } else fill(pane.text, slot, segments, side);
      }
      if (scrolled && !ready) {
        // Reading or writing scrollTop forces a layout: only reset panes that were scrolled.
        for (const pane of panes) pane.text.scrollTop = 0;
      }
      scrolled = false;
      setText(note, differencesNote(segments));
    },

    /**
     * Lay out `slot` (the next pair) in the hidden elements, with its differences marked when
     * `segments`, so that showing it is a swap.
     */
    prepare(slot, segments) {
      if (prepared && prepared.slot === slot && prepared.segments === segments) return;
      for (const [side, pane] of panes.entries()) {
        fill(pane.next, slot, segments, side);
        pane.next.scrollTop = 0;
      }
      prepared = { slot, segments };
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

/**
 * Keep the two shown texts at the same relative height; `onScroll` is told of every scroll.
 * @param {Array<{text: HTMLElement, next: HTMLElement}>} panes  the shown element of each pane
 *   changes when the next pair is swapped in
 */
function followScrolling(panes, onScroll, signal) {
  let echo = null; // the element whose next scroll event we caused
  const follow = (side, event) => {
    const from = panes[side].text;
    const to = panes[1 - side].text;
    if (event.target !== from) return; // the hidden element, being prepared
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
  for (const [side, pane] of panes.entries()) {
    for (const element of [pane.text, pane.next]) element.addEventListener("scroll", (event) => follow(side, event), { signal, passive: true });
  }
}
