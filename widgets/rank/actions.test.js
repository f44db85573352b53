import assert from "node:assert/strict";
import { test } from "node:test";
import { SCROLL_STEP, rankActions } from "./actions.js";
import { rankKeymap } from "./keymap.js";
import { rankingValue } from "./order.js";
import { ratingLevels } from "./rating.js";

/** A stand-in for the session: one slot on screen; what it was asked to do, in `calls`. */
function sessionOn(slot, { draftChanged = false } = {}) {
  const calls = [];
  const draft = {};
  const record = (name) => (...args) => {
    calls.push([name, ...args]);
    return true;
  };
  return { calls, draft: () => draft, current: () => slot, draftChanged: () => draftChanged, answer: record("answer"), forward: record("forward"), skip: record("skip") };
}

function setUp(keys, { ties = true, partial = false, rating = null, answer = null, draftChanged = false } = {}) {
  const task = { options: keys.map((_, i) => `option ${i}`), keys: keys.map((_, i) => String(i + 1)), ties, partial, rating };
  const scrolled = [];
  const actions = rankActions({ keymap: rankKeymap(task), levels: ratingLevels(rating), scroll: (dy) => scrolled.push(dy) });
  const slot = { view: { options: keys.map((key) => [key, `text of ${key}`]) }, answer };
  return { actions, session: sessionOn(slot, { draftChanged }), scrolled, ui: actions.ui };
}

test("A/B: a key prefers its side, t ties, x says both are bad, in the order shown", () => {
  const { actions, session } = setUp(["y", "x"]);
  assert.ok(actions.key("2", session));
  assert.ok(actions.key("t", session));
  assert.ok(actions.key("x", session));
  assert.deepEqual(session.calls, [
    ["answer", [["x"], ["y"]], { shown: ["y", "x"] }],
    ["answer", [["y", "x"]], { shown: ["y", "x"] }],
    ["answer", [["y", "x"]], { shown: ["y", "x"], all_bad: true }],
  ]);
});

test("A/B: Enter keeps an unchanged answer, repeats a changed one, and does nothing on a new item", () => {
  const fresh = setUp(["a", "b"]);
  assert.equal(fresh.actions.key("Enter", fresh.session), false);
  const stored = { event: "label", value: [["b"], ["a"]], meta: { shown: ["a", "b"], all_bad: false } };
  const kept = setUp(["a", "b"], { answer: stored });
  assert.ok(kept.actions.key("Enter", kept.session));
  assert.deepEqual(kept.session.calls, [["forward"]]);
  const flagged = setUp(["a", "b"], { answer: stored, draftChanged: true });
  flagged.actions.key("Enter", flagged.session);
  assert.deepEqual(flagged.session.calls, [["answer", [["b"], ["a"]], { shown: ["a", "b"] }]]);
  const skipped = setUp(["a", "b"], { answer: { event: "skip", value: null }, draftChanged: true });
  skipped.actions.key("Enter", skipped.session);
  assert.deepEqual(skipped.session.calls, [["skip"]]);
});

test("A/B: the arrows scroll the texts, d toggles the differences and asks for the texts again", () => {
  const { actions, session, scrolled, ui } = setUp(["a", "b"]);
  actions.key("ArrowDown", session);
  actions.key("ArrowUp", session);
  assert.deepEqual(scrolled, [SCROLL_STEP, -SCROLL_STEP]);
  actions.key("d", session);
  assert.equal(ui.diffOn, true);
  assert.equal(ui.stale, true);
  actions.shown();
  assert.equal(ui.stale, false);
  actions.key("d", session);
  assert.equal(ui.diffOn, false);
});

test("rating: r, then one level per option in turn; Del clears, Esc stops, another key ends it and acts", () => {
  const { actions, session, ui } = setUp(["a", "b"], { rating: [1, 5], answer: { event: "label", value: [["a"], ["b"]], meta: { ratings: { b: 2 } } } });
  actions.key("r", session);
  assert.deepEqual(ui.rating, { at: 0 });
  assert.ok(actions.key("4", session));
  assert.ok(actions.key("Delete", session));
  assert.equal(ui.rating, null, "rating stops after the last option");
  assert.deepEqual(session.draft().rank.ratings, { a: 4 });
  actions.key("r", session);
  assert.ok(actions.key("Escape", session));
  assert.equal(ui.rating, null);
  actions.key("r", session);
  assert.ok(actions.key("1", session), "a level key rates, even when it is also an option's key");
  assert.ok(actions.key("t", session));
  assert.equal(ui.rating, null);
  assert.deepEqual(session.calls.at(-1), ["answer", [["a", "b"]], { shown: ["a", "b"], ratings: { a: 1 } }]);
});

test("a chip click rates an option, and a second click on its level clears it", () => {
  const { actions, session } = setUp(["a", "b"], { rating: ["bad", "good"] });
  actions.rate(session, "b", "good");
  assert.deepEqual(session.draft().rank.ratings, { b: "good" });
  actions.rate(session, "b", "good");
  assert.deepEqual(session.draft().rank.ratings, {});
});

test("a list: select, move, tie and untie by key; each asks to bring the selection into view", () => {
  const { actions, session, ui } = setUp(["a", "b", "c"]);
  assert.ok(actions.key("3", session));
  assert.equal(ui.reveal, true);
  assert.equal(session.draft().rank.selected, "c");
  actions.key("ArrowUp", session);
  actions.key("t", session);
  assert.deepEqual(rankingValue(session.draft().rank.ranking), [["a", "c"], ["b"]]);
  actions.key("T", session);
  actions.key("k", session);
  assert.equal(session.draft().rank.selected, "a");
  actions.key("k", session);
  assert.equal(session.draft().rank.selected, "a", "the selection stops at the top");
  assert.ok(actions.key("e", session));
  assert.equal(ui.expanded, true);
  assert.equal(actions.key("q", session), false);
  actions.key("Enter", session);
  assert.deepEqual(session.calls, [["answer", [["a"], ["c"], ["b"]], { shown: ["a", "b", "c"] }]]);
});

test("a list: Enter keeps an all-bad answer only while its ranking is unchanged", () => {
  const stored = { event: "label", value: [["a", "b", "c"]], meta: { all_bad: true } };
  const { actions, session } = setUp(["a", "b", "c"], { answer: stored, draftChanged: true });
  actions.key("Enter", session);
  actions.key("T", session); // untie the selected option: the ranking changes
  actions.key("Enter", session);
  assert.deepEqual(session.calls, [
    ["answer", [["a", "b", "c"]], { shown: ["a", "b", "c"], all_bad: true }],
    ["answer", [["b", "c"], ["a"]], { shown: ["a", "b", "c"] }],
  ]);
});

test("a click selects an option; a drop places it, ties it or leaves it out, and selects it", () => {
  const { actions, session, ui } = setUp(["a", "b", "c"], { partial: true });
  actions.select(session, "b");
  assert.equal(session.draft().rank.selected, "b");
  assert.equal(ui.reveal, true);
  ui.reveal = false;
  actions.drop(session, "c", 0, "before");
  assert.deepEqual(rankingValue(session.draft().rank.ranking), [["c"], ["a"], ["b"]]);
  actions.drop(session, "b", 1, "into");
  assert.deepEqual(rankingValue(session.draft().rank.ranking), [["c"], ["a", "b"]]);
  actions.drop(session, "a", -1, "out");
  actions.drop(session, "a", -1, "out");
  assert.deepEqual(session.draft().rank.ranking.out, ["a"], "dropping a left-out option on the area keeps it out");
  assert.equal(session.draft().rank.selected, "a");
  assert.equal(ui.reveal, false, "a drop does not scroll");
});

test("adjudicating: another annotator's ranking becomes the decision, with their ratings and verdict", () => {
  const { actions, session } = setUp(["a", "b", "c"]);
  session.current().review = [{ annotator: "ana", value: [["c", "a"], ["b"]], meta: { ratings: { c: 5 }, all_bad: true } }];
  assert.ok(actions.pick(session, [["c", "a"], ["b"]], "ana"));
  assert.deepEqual(session.calls, [["answer", [["c", "a"], ["b"]], { shown: ["a", "b", "c"], ratings: { c: 5 }, all_bad: true }, { picked: "ana" }]]);
  assert.deepEqual(rankingValue(session.draft().rank.ranking), [["a", "c"], ["b"]], "the draft follows the decision");
});
