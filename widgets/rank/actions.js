// What the ranking view's keys, buttons, clicks and drops do to the item on screen, DOM-free
// (unit-tested in Node with a stand-in session). Answers go through the session; everything else
// changes the draft (see draft.js) or the view's own state in `ui`, which the view then draws.

import { answerMeta, draftRanking, rankChanged, shownKeys } from "./draft.js";
import { initialRanking, moveDown, moveUp, orderedKeys, place, rankingValue, sameRanking, tieAll, tieWithAbove, toggleOut, untie } from "./order.js";
import { levelForKey } from "./rating.js";

/** Pixels the A/B texts scroll per arrow key. */
export const SCROLL_STEP = 80;

/**
 * The actions of a ranking view.
 * @param {object} options
 * @param {{pairwise: boolean, actions: Map<string, {action: string, position?: number}>}} options.keymap
 *   the task's key map (see keymap.js)
 * @param {Array|null} options.levels  the rating scale's levels, or null
 * @param {(dy: number) => void} options.scroll  scrolls the A/B texts by `dy` pixels
 * @returns the actions; `ui` holds the view's state beside the draft: `rating` ({at: index into
 *   the options as shown} while rating, else null), `diffOn`, `expanded`, `reveal` (bring the
 *   selected option into view at the next draw) and `stale` (redraw the item's texts)
 */
export function rankActions({ keymap, levels, scroll }) {
  const pairwise = keymap.pairwise;
  const ui = { rating: null, diffOn: false, expanded: false, reveal: false, stale: false };
  const draftOf = (session) => draftRanking(session.current(), session.draft());

  function answer(session, value, allBad = false) {
    const slot = session.current();
    return session.answer(value, answerMeta(slot, draftRanking(slot, session.draft()), allBad));
  }

  /** Enter: keep an unchanged answer and go on, else answer with the draft. */
  function submit(session) {
    const slot = session.current();
    const st = draftRanking(slot, session.draft());
    const stored = slot.answer;
    const edited = rankChanged(slot, st, pairwise) || session.draftChanged();
    if (stored && !edited) return session.forward();
    if (stored && stored.event === "skip") return session.skip();
    if (pairwise) return stored ? answer(session, stored.value, Boolean(stored.meta && stored.meta.all_bad)) : false;
    const keepBad = Boolean(stored && stored.meta && stored.meta.all_bad && sameRanking(stored.value, rankingValue(st.ranking)));
    return answer(session, rankingValue(st.ranking), keepBad);
  }

  function edit(st, ranking) {
    st.ranking = ranking;
    ui.reveal = true;
    return true;
  }

  function select(st, key) {
    st.selected = key;
    ui.reveal = true;
    return true;
  }

  /** Run a named action (see keymap.js); `position` is an index into the options as shown. */
  function act(name, session, position) {
    const slot = session.current();
    const st = draftRanking(slot, session.draft());
    const shown = shownKeys(slot);
    switch (name) {
      case "prefer":
        return answer(session, [[shown[position]], [shown[1 - position]]]);
      case "tie":
        if (pairwise) return answer(session, [[...shown]]);
        return edit(st, tieWithAbove(st.ranking, st.selected));
      case "untie":
        return edit(st, untie(st.ranking, st.selected));
      case "bad":
        return answer(session, rankingValue(tieAll(st.ranking)), true);
      case "select":
        return select(st, shown[position]);
      case "next":
      case "previous": {
        const order = orderedKeys(st.ranking);
        const at = order.indexOf(st.selected) + (name === "next" ? 1 : -1);
        return select(st, order[Math.max(0, Math.min(order.length - 1, at))]);
      }
      case "up":
        return edit(st, moveUp(st.ranking, st.selected));
      case "down":
        return edit(st, moveDown(st.ranking, st.selected));
      case "out":
        return edit(st, toggleOut(st.ranking, st.selected));
      case "rate":
        ui.rating = { at: pairwise ? 0 : Math.max(0, shown.indexOf(st.selected)) };
        return true;
      case "diff":
        ui.diffOn = !ui.diffOn;
        ui.stale = true; // redraw the texts
        return true;
      case "expand":
        ui.expanded = !ui.expanded;
        return true;
      case "scrollUp":
      case "scrollDown":
        scroll(name === "scrollUp" ? -SCROLL_STEP : SCROLL_STEP);
        return true;
      case "submit":
        return submit(session);
      default:
        return false;
    }
  }

  /** A key while rating: a level rates the option and moves to the next; Del clears; Esc stops. */
  function rateKey(key, session) {
    const slot = session.current();
    const st = draftRanking(slot, session.draft());
    const shown = shownKeys(slot);
    if (key === "Escape") {
      ui.rating = null;
      return true;
    }
    const level = levelForKey(levels, key);
    if (level === undefined && key !== "Delete") return false;
    const option = shown[ui.rating.at];
    if (level === undefined) delete st.ratings[option];
    else st.ratings[option] = level;
    ui.rating.at += 1;
    if (ui.rating.at >= shown.length) ui.rating = null;
    return true;
  }

  return {
    ui,
    act,

    /** A key pressed in the view: true when it did something. */
    key(key, session) {
      if (ui.rating) {
        if (rateKey(key, session)) return true;
        ui.rating = null; // any other key ends rating and does what it does
      }
      const bound = keymap.actions.get(key);
      return bound ? act(bound.action, session, bound.position) : false;
    },

    /** A rating chip clicked: rate option `key` with `level`, or clear it when it had that level. */
    rate(session, key, level) {
      const st = draftOf(session);
      if (st.ratings[key] === level) delete st.ratings[key];
      else st.ratings[key] = level;
    },

    /** An option clicked: select it. */
    select(session, key) {
      select(draftOf(session), key);
    },

    /** Option `key` dropped on group `index` ("before", "after" or "into" it) or on the left-out area ("out"). */
    drop(session, key, index, where) {
      const st = draftOf(session);
      if (where === "out") {
        if (!st.ranking.out.includes(key)) st.ranking = toggleOut(st.ranking, key);
      } else st.ranking = place(st.ranking, key, index, where);
      st.selected = key;
    },

    /** Adjudicating: decide with another annotator's ranking, its verdict and ratings included. */
    pick(session, value, annotator) {
      const slot = session.current();
      const other = (slot.review || []).find((entry) => entry.annotator === annotator) || {};
      const theirs = other.meta || {};
      const st = draftRanking(slot, session.draft()); // the draft follows the decision
      st.ranking = initialRanking(shownKeys(slot), value);
      st.ratings = { ...(theirs.ratings || {}) };
      return session.answer(value, answerMeta(slot, st, Boolean(theirs.all_bad)), { picked: annotator });
    },

    /** A new item (or the texts redrawn): rating stops. */
    shown() {
      ui.rating = null;
      ui.stale = false;
    },
  };
}
