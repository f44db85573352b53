import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTION_KEYS } from "../../js/keys.js";
import { rankKeymap } from "./keymap.js";

const task = (options, extra = {}) => ({ kind: "rank", options, keys: options.map((_, i) => (i < 9 ? String(i + 1) : null)), ties: true, rating: null, partial: false, ...extra });
const shared = new Set(Object.values(ACTION_KEYS).flat());

test("A/B: option keys pick the better one; t ties, x says both bad", () => {
  const { pairwise, actions } = rankKeymap(task(["a", "b"]));
  assert.equal(pairwise, true);
  assert.deepEqual(actions.get("1"), { action: "prefer", position: 0 });
  assert.deepEqual(actions.get("2"), { action: "prefer", position: 1 });
  assert.equal(actions.get("t").action, "tie");
  assert.equal(actions.get("x").action, "bad");
  assert.equal(actions.get("d").action, "diff");
  assert.equal(actions.get("r"), undefined, "no rating scale, no rate key");
});

test("A/B without ties has no tie or both-bad key", () => {
  const { actions, buttons } = rankKeymap(task(["a", "b"], { ties: false }));
  assert.ok(!actions.has("t") && !actions.has("x"));
  assert.ok(!buttons.some((b) => b.action === "tie"));
});

test("N-way: select by key, move, tie, untie, leave out, rate, submit", () => {
  const { pairwise, actions, buttons, legend } = rankKeymap(task(["a", "b", "c", "d"], { partial: true, rating: [1, 5] }));
  assert.equal(pairwise, false);
  assert.deepEqual(actions.get("3"), { action: "select", position: 2 });
  for (const [key, action] of [["ArrowUp", "up"], ["ArrowDown", "down"], ["t", "tie"], ["T", "untie"], ["x", "bad"], ["o", "out"], ["r", "rate"], ["Enter", "submit"], ["j", "next"], ["k", "previous"], ["e", "expand"]]) {
    assert.equal(actions.get(key).action, action, key);
  }
  assert.deepEqual(buttons.map((b) => b.action), ["up", "down", "tie", "untie", "bad", "out", "rate", "expand", "submit"]);
  assert.deepEqual(legend[0], ["1–4", "select an option"]);
  assert.ok(legend.some(([keys]) => keys === "1–5"), "the rating keys are in the legend");
});

test("no key of the view is one of the shared actions", () => {
  for (const spec of [task(["a", "b"], { rating: ["bad", "good"] }), task(["a", "b", "c"], { partial: true, rating: [0, 9] })]) {
    for (const key of rankKeymap(spec).actions.keys()) assert.ok(!shared.has(key), key);
  }
});

test("options without a key are reached with j/k", () => {
  const options = Array.from({ length: 11 }, (_, i) => `o${i}`);
  const { actions } = rankKeymap(task(options));
  assert.equal([...actions.values()].filter((a) => a.action === "select").length, 9);
});
