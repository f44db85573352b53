import assert from "node:assert/strict";
import { test } from "node:test";
import { splitRuns } from "./screenful.js";

const join = (runs) => runs.map(([part]) => part).join("");

test("a plain text is cut after the first white space past the budget", () => {
  const [first, rest] = splitRuns([["alpha beta gamma delta", false]], 7);
  assert.deepEqual(first, [["alpha beta ", false]]);
  assert.deepEqual(rest, [["gamma delta", false]]);
});

test("no budget, or a text shorter than it, is drawn whole", () => {
  const runs = [["one two", false], ["three", true]];
  assert.deepEqual(splitRuns(runs, Infinity), [runs, []]);
  assert.deepEqual(splitRuns(runs, 100), [runs, []]);
  assert.deepEqual(splitRuns([], 5), [[], []]);
});

test("a highlighted run is never cut; the cut falls after it", () => {
  const runs = [["ab ", false], ["changed words here", true], [" tail end", false]];
  const [first, rest] = splitRuns(runs, 5);
  assert.deepEqual(first, runs.slice(0, 2));
  assert.deepEqual(rest, runs.slice(2));
});

test("a run without white space past the budget is kept whole", () => {
  const runs = [["abcdefghij", false], ["xyz", false]];
  const [first, rest] = splitRuns(runs, 4);
  assert.deepEqual(first, [["abcdefghij", false]]);
  assert.deepEqual(rest, [["xyz", false]]);
});

test("joined, the two parts give the runs back, whatever the budget", () => {
  const runs = [["Ünïcode 👩‍👩‍👧 text\r\nwith ", false], ["שלום עולם", true], [" 日本語 and more words ", false], ["end", true]];
  const text = join(runs);
  for (let budget = 0; budget <= text.length + 1; budget++) {
    const [first, rest] = splitRuns(runs, budget);
    assert.equal(join(first) + join(rest), text, `budget ${budget}`);
    assert.ok(first.every(([part]) => part.length > 0) && rest.every(([part]) => part.length > 0), `no empty run at ${budget}`);
    for (const [part, marked] of [...first, ...rest]) if (marked) assert.ok(runs.some(([p, m]) => m && p === part), "marked runs stay whole");
  }
});

test("a CRLF line break is never split", () => {
  const [first, rest] = splitRuns([["first line\r\nsecond line", false]], 10);
  assert.deepEqual(first, [["first line\r\n", false]]);
  assert.deepEqual(rest, [["second line", false]]);
});
