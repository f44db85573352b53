import assert from "node:assert/strict";
import { test } from "node:test";
import { lessonOf, sameAnswer } from "./answers.js";

test("answers compare as the kernel stores them", () => {
  assert.equal(sameAnswer("bug", "bug"), true);
  assert.equal(sameAnswer("bug", "billing"), false);
  assert.equal(sameAnswer(["b", "a"], ["a", "b"]), true, "multi-label answers are sets");
  assert.equal(sameAnswer([], []), true);
  assert.equal(sameAnswer(["a"], ["a", "b"]), false);
  assert.equal(sameAnswer([{ start: 0, end: 2, label: "X" }], [{ start: 0, end: 2, label: "X" }]), true);
});

test("only a check question just answered with a label teaches", () => {
  const teach = { expected: "billing", explanation: "Charges are billing." };
  const answered = (answer, status = "pending") => ({ teach, answer, status });
  const label = { event: "label", value: "bug", flag: null, comment: null };
  assert.deepEqual(lessonOf(answered(label)), { given: "bug", teach });
  assert.equal(lessonOf(answered({ ...label, event: "skip", value: null })), null, "a skip teaches nothing");
  assert.equal(lessonOf(answered(label, "acked")), null, "an answer given earlier is not a new lesson");
  assert.equal(lessonOf(answered(null)), null, "an undo teaches nothing");
  assert.equal(lessonOf({ teach: null, answer: label, status: "pending" }), null, "a regular item teaches nothing");
});
