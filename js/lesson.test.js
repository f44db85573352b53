import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { installFakeDom } from "./fake_dom.js";
import { createLessonPanel } from "./lesson.js";

let removeDom;
before(() => (removeDom = installFakeDom()));
after(() => removeDom());

/** The panel's text after a check question expecting `expected` was answered `given`. */
function lessonText(given, expected, explanation) {
  const next = { view: {} };
  const session = { current: () => next };
  const panel = createLessonPanel({ describe: (slot) => String(slot.answer.value) }, { session });
  const answered = { answer: { event: "label", value: given }, status: "pending", teach: { expected, explanation } };
  panel.noteSince(answered);
  panel.update();
  assert.equal(panel.element.hidden, false);
  return panel.element.textContent;
}

test("a right answer without an explanation ends with the answer, never with “null”", () => {
  assert.equal(lessonText("bug", "bug", null), "✓ Right. That was a check question: the answer is “bug”.");
  assert.equal(lessonText("bug", "bug", undefined), "✓ Right. That was a check question: the answer is “bug”.");
});

test("a wrong answer says what was given, and the explanation follows when there is one", () => {
  assert.equal(lessonText("ok", "bug", null), "✗ Not quite. That was a check question: the answer is “bug” (you answered “ok”).");
  assert.equal(
    lessonText("bug", "bug", "it crashes"),
    "✓ Right. That was a check question: the answer is “bug”.Why: it crashes",
  );
});

test("no lesson when the slot left was not a check question", () => {
  const session = { current: () => ({}) };
  const panel = createLessonPanel({ describe: () => "" }, { session });
  panel.noteSince({ answer: { event: "label", value: "bug" }, status: "pending" });
  panel.update();
  assert.equal(panel.element.hidden, true);
});
