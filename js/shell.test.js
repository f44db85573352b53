import assert from "node:assert/strict";
import { test } from "node:test";
import { sameAnswer } from "./shell.js";

test("answers compare as the kernel stores them", () => {
  assert.equal(sameAnswer("bug", "bug"), true);
  assert.equal(sameAnswer("bug", "billing"), false);
  assert.equal(sameAnswer(["b", "a"], ["a", "b"]), true, "multi-label answers are sets");
  assert.equal(sameAnswer([], []), true);
  assert.equal(sameAnswer(["a"], ["a", "b"]), false);
  assert.equal(sameAnswer([{ start: 0, end: 2, label: "X" }], [{ start: 0, end: 2, label: "X" }]), true);
});
