import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeRanking,
  dropWhere,
  groupOf,
  initialRanking,
  moveDown,
  moveUp,
  orderedKeys,
  place,
  rankingValue,
  sameRanking,
  tieAll,
  tieWithAbove,
  toggleOut,
  untie,
} from "./order.js";

const SHOWN = ["c", "a", "d", "b"];
const start = () => initialRanking(SHOWN);
const groups = (ranking) => rankingValue(ranking);

test("a new ranking is the order shown, one option per group", () => {
  assert.deepEqual(groups(start()), [["c"], ["a"], ["d"], ["b"]]);
  assert.deepEqual(start().out, []);
});

test("a stored ranking is taken up, ties ordered as shown and missing options left out", () => {
  const ranking = initialRanking(SHOWN, [["a", "c"], ["b"]]);
  assert.deepEqual(groups(ranking), [["c", "a"], ["b"]]);
  assert.deepEqual(ranking.out, ["d"]);
  assert.deepEqual(orderedKeys(ranking), ["c", "a", "b", "d"]);
});

test("moving up and down swaps with the neighbouring group and stops at the ends", () => {
  let ranking = moveUp(start(), "d");
  assert.deepEqual(groups(ranking), [["c"], ["d"], ["a"], ["b"]]);
  ranking = moveUp(moveUp(ranking, "d"), "d");
  assert.deepEqual(groups(ranking), [["d"], ["c"], ["a"], ["b"]]);
  ranking = moveDown(ranking, "b");
  assert.deepEqual(groups(ranking), [["d"], ["c"], ["a"], ["b"]]);
  ranking = moveDown(ranking, "d");
  assert.deepEqual(groups(ranking), [["c"], ["d"], ["a"], ["b"]]);
});

test("edits never change their argument", () => {
  const ranking = start();
  moveUp(ranking, "b");
  tieWithAbove(ranking, "a");
  place(ranking, "b", 0, "before");
  assert.deepEqual(groups(ranking), [["c"], ["a"], ["d"], ["b"]]);
});

test("tie with the group above, then untie below it", () => {
  let ranking = tieWithAbove(start(), "d");
  assert.deepEqual(groups(ranking), [["c"], ["a", "d"], ["b"]]);
  ranking = tieWithAbove(ranking, "b");
  assert.deepEqual(groups(ranking), [["c"], ["a", "d", "b"]]);
  assert.equal(groupOf(ranking, "b"), 1);
  ranking = untie(ranking, "a");
  assert.deepEqual(groups(ranking), [["c"], ["d", "b"], ["a"]]);
  assert.deepEqual(untie(ranking, "c"), ranking, "an untied option stays put");
  assert.deepEqual(tieWithAbove(ranking, "c"), ranking, "the top group has nothing above");
});

test("moving a tied option takes it out of the tie on that side", () => {
  const tied = initialRanking(SHOWN, [["c"], ["a", "d"], ["b"]]);
  assert.deepEqual(groups(moveUp(tied, "d")), [["c"], ["d"], ["a"], ["b"]]);
  assert.deepEqual(groups(moveDown(tied, "a")), [["c"], ["d"], ["a"], ["b"]]);
});

test("dropping before, into or after a group", () => {
  assert.deepEqual(groups(place(start(), "b", 0, "before")), [["b"], ["c"], ["a"], ["d"]]);
  assert.deepEqual(groups(place(start(), "b", 0, "into")), [["c", "b"], ["a"], ["d"]]);
  assert.deepEqual(groups(place(start(), "c", 2, "after")), [["a"], ["d"], ["c"], ["b"]]);
  assert.deepEqual(groups(place(start(), "c", 3, "after")), [["a"], ["d"], ["b"], ["c"]]);
  assert.deepEqual(groups(place(start(), "c", 0, "after")), [["c"], ["a"], ["d"], ["b"]], "onto itself: no change");
  const tied = initialRanking(SHOWN, [["c", "a"], ["d"], ["b"]]);
  assert.deepEqual(groups(place(tied, "a", 0, "before")), [["a"], ["c"], ["d"], ["b"]], "out of its own tie");
  assert.deepEqual(groups(place(tied, "a", 0, "into")), [["c", "a"], ["d"], ["b"]]);
  assert.deepEqual(place(start(), "a", 9, "after"), start(), "unknown target: no change");
});

test("leaving options out and putting them back", () => {
  let ranking = toggleOut(start(), "a");
  assert.deepEqual(groups(ranking), [["c"], ["d"], ["b"]]);
  assert.deepEqual(ranking.out, ["a"]);
  ranking = place(ranking, "a", 0, "before");
  assert.deepEqual(groups(ranking), [["a"], ["c"], ["d"], ["b"]]);
  assert.deepEqual(ranking.out, []);
  ranking = toggleOut(toggleOut(ranking, "d"), "d");
  assert.deepEqual(groups(ranking), [["a"], ["c"], ["b"], ["d"]], "put back at the bottom");
  let one = initialRanking(["a", "b"], [["a"]]);
  one = toggleOut(one, "a");
  assert.deepEqual(groups(one), [["a"]], "the last ranked option stays");
});

test("all bad ties everything", () => {
  assert.deepEqual(groups(tieAll(toggleOut(start(), "a"))), [["c", "a", "d", "b"]]);
});

test("rankings compare by groups, whatever the order inside a tie", () => {
  assert.ok(sameRanking([["a", "b"], ["c"]], [["b", "a"], ["c"]]));
  assert.ok(!sameRanking([["a"], ["b"], ["c"]], [["a", "b"], ["c"]]));
  assert.ok(!sameRanking([["a"], ["b"]], null));
});

test("description by option labels", () => {
  const label = (key) => String(SHOWN.indexOf(key) + 1);
  assert.equal(describeRanking([["a"], ["c", "d"], ["b"]], label), "2 > 1 = 3 > 4");
});

test("a drop lands before a group in its upper half, after it in its lower half, into it in its middle with ties", () => {
  assert.deepEqual([0, 0.24, 0.49, 0.5, 0.76, 1].map((y) => dropWhere(y, false)), ["before", "before", "before", "after", "after", "after"]);
  assert.deepEqual([0, 0.24, 0.25, 0.5, 0.75, 0.76, 1].map((y) => dropWhere(y, true)), ["before", "before", "into", "into", "into", "after", "after"]);
});
