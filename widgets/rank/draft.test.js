import assert from "node:assert/strict";
import { test } from "node:test";
import { answerMeta, describeAnswer, draftRanking, nameOf, optionName, pairVerdict, rankChanged, rankStatus, shownKeys } from "./draft.js";
import { moveUp, rankingValue } from "./order.js";

const slotOf = (keys, answer = null) => ({ view: { options: keys.map((key) => [key, `text of ${key}`]) }, answer });
const label = (value, meta = {}) => ({ event: "label", value, meta });

test("options go by neutral names in the order shown", () => {
  const slot = slotOf(["q", "p", "r"]);
  assert.deepEqual(shownKeys(slot), ["q", "p", "r"]);
  assert.deepEqual([0, 1].map((i) => optionName(i, true)), ["A", "B"]);
  assert.equal(optionName(2, false), "Option 3");
  assert.equal(nameOf(slot, "p", false), "Option 2");
});

test("the draft starts from the stored answer once, then keeps its edits", () => {
  const slot = slotOf(["q", "p", "r"], label([["r"], ["q", "p"]], { ratings: { r: 5 } }));
  const draft = {};
  const st = draftRanking(slot, draft);
  assert.deepEqual(rankingValue(st.ranking), [["r"], ["q", "p"]]);
  assert.deepEqual(st.ratings, { r: 5 });
  assert.equal(st.selected, "q");
  assert.notEqual(st.ratings, slot.answer.meta.ratings, "the ratings are copied");
  st.selected = "p";
  assert.equal(draftRanking(slot, draft).selected, "p");
  const skipped = draftRanking(slotOf(["a", "b", "c"], { event: "skip", value: null }), {});
  assert.deepEqual(rankingValue(skipped.ranking), [["a"], ["b"], ["c"]]);
});

test("an answer's details: the order shown, ratings when any, all bad when so", () => {
  const slot = slotOf(["b", "a"]);
  assert.deepEqual(answerMeta(slot, { ratings: {} }, false), { shown: ["b", "a"] });
  assert.deepEqual(answerMeta(slot, { ratings: { a: 1 } }, true), { shown: ["b", "a"], ratings: { a: 1 }, all_bad: true });
});

test("a draft is changed by its ratings, and for a list by its order too", () => {
  const list = slotOf(["a", "b", "c"], label([["a"], ["b"], ["c"]], { ratings: { a: 2 } }));
  const st = draftRanking(list, {});
  assert.equal(rankChanged(list, st, false), false);
  st.ratings.b = 1;
  assert.equal(rankChanged(list, st, false), true);
  delete st.ratings.b;
  st.ranking = moveUp(st.ranking, "b");
  assert.equal(rankChanged(list, st, false), true);
  const unanswered = slotOf(["a", "b", "c"]);
  assert.equal(rankChanged(unanswered, draftRanking(unanswered, {}), false), false);
});

test("an A/B verdict, and answers read in the names on screen", () => {
  const pair = slotOf(["y", "x"], label([["x"], ["y"]], { ratings: { x: 4 } }));
  assert.equal(pairVerdict(pair.answer, ["y", "x"]), "prefer:1");
  assert.equal(pairVerdict(label([["x", "y"]]), ["y", "x"]), "tie");
  assert.equal(pairVerdict(label([["x", "y"]], { all_bad: true }), ["y", "x"]), "bad");
  assert.equal(describeAnswer(pair.answer, pair, true), "B better · rated B 4");
  assert.equal(describeAnswer(label([["x", "y"]]), pair, true), "tie");
  assert.equal(describeAnswer(label([["x", "y"]], { all_bad: true }), pair, true), "both bad");
  const list = slotOf(["c", "a", "b"]);
  assert.equal(describeAnswer(label([["a"], ["b", "c"]], { all_bad: true }), list, false), "2 > 3 = 1 (all bad)");
  assert.equal(describeAnswer(label([["a"], ["b"]]), null, false), "a > b", "without a screen, in the options' own keys");
});

test("the status line: rating, a change to save, or how to start", () => {
  const list = slotOf(["a", "b", "c"]);
  const st = draftRanking(list, {});
  assert.equal(rankStatus(list, st, null, null, false), "Order the options, best first, then press Enter.");
  assert.equal(rankStatus(list, st, { at: 1 }, [1, 2, 3], false), "Rating Option 2: press 1 2 3 (Del clears, Esc stops)");
  const pair = slotOf(["a", "b"]);
  assert.equal(rankStatus(pair, draftRanking(pair, {}), null, null, true), "");
  const answered = slotOf(["a", "b"], label([["a"], ["b"]]));
  const draft = draftRanking(answered, {});
  draft.ratings.a = 3;
  assert.equal(rankStatus(answered, draft, null, [1, 2, 3], true), "Changed — press Enter to save.");
});
