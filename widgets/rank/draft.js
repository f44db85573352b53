// What the ranking view keeps and says about an item, DOM-free (unit-tested in Node): the
// options' neutral names, the draft's ranking, ratings and selection, the details that go with
// an answer, and how a stored answer and the draft read on screen.

import { describeRanking, initialRanking, rankingValue, sameRanking } from "./order.js";
import { levelKeys } from "./rating.js";

/** The option keys in the order the kernel drew for this annotator. */
export function shownKeys(slot) {
  return slot.view.options.map(([key]) => key);
}

/** Neutral name of the option at `index` on screen: A/B side by side, else Option 1, 2, … */
export function optionName(index, pairwise) {
  return pairwise ? "AB"[index] : `Option ${index + 1}`;
}

/** Neutral name of option `key` on `slot`'s screen. */
export function nameOf(slot, key, pairwise) {
  return optionName(shownKeys(slot).indexOf(key), pairwise);
}

/**
 * The draft's ranking, ratings and selection (`draft.rank`), from the stored answer on first use.
 * @returns {{ranking: object, ratings: Record<string, any>, selected: string}}
 */
export function draftRanking(slot, draft) {
  if (!draft.rank) {
    const shown = shownKeys(slot);
    const answer = slot.answer && slot.answer.event === "label" ? slot.answer : null;
    const meta = (answer && answer.meta) || {};
    draft.rank = { ranking: initialRanking(shown, answer ? answer.value : null), ratings: { ...(meta.ratings || {}) }, selected: shown[0] };
  }
  return draft.rank;
}

/** The details sent with an answer: the order shown, the ratings, whether all were bad. */
export function answerMeta(slot, st, allBad) {
  const meta = { shown: shownKeys(slot) };
  if (Object.keys(st.ratings).length) meta.ratings = { ...st.ratings };
  if (allBad) meta.all_bad = true;
  return meta;
}

/** True when the draft's ranking (three or more options) or ratings differ from the stored answer's. */
export function rankChanged(slot, st, pairwise) {
  const answer = slot.answer;
  if (!answer || answer.event !== "label") return false;
  const stored = (answer.meta && answer.meta.ratings) || {};
  const keys = new Set([...Object.keys(stored), ...Object.keys(st.ratings)]);
  for (const key of keys) if (stored[key] !== st.ratings[key]) return true;
  return !pairwise && !sameRanking(answer.value, rankingValue(st.ranking));
}

/** The A/B verdict of a stored answer: "prefer:0", "prefer:1", "tie" or "bad". */
export function pairVerdict(answer, shown) {
  if (answer.meta && answer.meta.all_bad) return "bad";
  const value = answer.value;
  if (value.length === 1) return "tie";
  return `prefer:${shown.indexOf(value[0][0])}`;
}

/**
 * An answer in the names shown on `on`'s screen (a slot with a view), or in the options' own keys
 * when there is no such screen.
 */
export function describeAnswer(answer, on, pairwise) {
  const meta = answer.meta || {};
  const value = answer.value;
  if (!on) return describeRanking(value, (key) => key);
  const shown = shownKeys(on);
  let text;
  if (pairwise) {
    const verdict = pairVerdict(answer, shown);
    text = verdict === "bad" ? "both bad" : verdict === "tie" ? "tie" : `${optionName(Number(verdict.slice(7)), true)} better`;
  } else {
    text = describeRanking(value, (key) => String(shown.indexOf(key) + 1));
    if (meta.all_bad) text += " (all bad)";
  }
  const ratings = meta.ratings || {};
  const rated = shown.filter((key) => key in ratings);
  if (rated.length) text += ` · rated ${rated.map((key) => `${nameOf(on, key, pairwise)} ${ratings[key]}`).join(", ")}`;
  return text;
}

/**
 * The status line under the options.
 * @param {object} slot  the item on screen
 * @param {object} st  its draft ranking (see draftRanking)
 * @param {{at: number}|null} rating  while rating: the option being rated (index as shown)
 * @param {Array|null} levels  the rating scale's levels
 * @param {boolean} pairwise
 */
export function rankStatus(slot, st, rating, levels, pairwise) {
  if (rating) return `Rating ${nameOf(slot, shownKeys(slot)[rating.at], pairwise)}: press ${levelKeys(levels).join(" ")} (Del clears, Esc stops)`;
  if (rankChanged(slot, st, pairwise)) return "Changed — press Enter to save.";
  const stored = slot.answer && slot.answer.event === "label" ? slot.answer : null;
  if (!pairwise && !stored) return "Order the options, best first, then press Enter.";
  return "";
}
