import assert from "node:assert/strict";
import { test } from "node:test";
import { SLOW_KERNEL_MS, UNCONFIRMED_MS, answerStatus, progressCount, qualificationStatus, saveStatus, suggestedBy } from "./status_text.js";

test("progress counts answers not yet acknowledged, never beyond the total", () => {
  assert.deepEqual(progressCount({ done: 3, total: 10 }, 2), { done: 5, total: 10 });
  assert.deepEqual(progressCount({ done: 9, total: 10 }, 4), { done: 10, total: 10 });
  assert.deepEqual(progressCount({}, 1), { done: 0, total: 0 });
});

test("saving says how many answers wait, and when the kernel is slow", () => {
  const session = (pending, age) => ({ pendingCount: () => pending, oldestPendingAge: () => age });
  assert.deepEqual(saveStatus(session(0, 0)), { text: "all saved ✓", busy: false });
  assert.deepEqual(saveStatus(session(2, 100)), { text: "saving 2…", busy: false });
  assert.deepEqual(saveStatus(session(3, SLOW_KERNEL_MS + 1)), { text: "kernel busy — 3 waiting to be saved", busy: true });
  assert.deepEqual(saveStatus(session(3, UNCONFIRMED_MS + 1)), { text: "no reply from the kernel — 3 not confirmed", busy: true });
  const lost = { ...session(0, 0), lost: "the kernel was restarted or stopped" };
  assert.deepEqual(saveStatus(lost, 7), { text: "kernel lost — 7 not saved", busy: true });
  assert.deepEqual(saveStatus(lost), { text: "kernel lost", busy: true });
});

test("a qualification round reads as progress, then as its result", () => {
  assert.deepEqual(qualificationStatus({ done: 1, needed: 3, correct: 1, passed: null }), { text: "qualification 1 / 3", failed: false });
  assert.deepEqual(qualificationStatus({ done: 3, needed: 3, correct: 2, passed: true }), { text: "qualified ✓ (2 / 3 right)", failed: false });
  const failed = qualificationStatus({ done: 3, needed: 3, correct: 1, passed: false });
  assert.equal(failed.text, "not qualified (1 / 3 right): your answers are kept but not counted");
  assert.equal(failed.failed, true);
});

test("a round after the first says why the annotator is back, and that answers wait to count", () => {
  const again = { done: 1, needed: 2, correct: 1, passed: null, round: 2, reason: "new guideline 3f2a9c1d" };
  assert.deepEqual(qualificationStatus(again), {
    text: "back to qualification (new guideline 3f2a9c1d): 1 / 2 · your answers count again once you pass",
    failed: false,
  });
  assert.equal(qualificationStatus({ ...again, done: 2, correct: 2, passed: true }).text, "qualified ✓ (2 / 2 right)");
});

test("the answer on screen: saved or not, skipped, undone, refused, and the draft's marks", () => {
  const describe = (slot) => String(slot.answer.value);
  const draft = { flag: false, comment: null };
  const label = { event: "label", value: "bug" };
  assert.equal(answerStatus({ answer: null, status: null }, draft, false, describe), "");
  assert.equal(answerStatus({ answer: label, status: "pending" }, draft, false, describe), "answered: bug · saving…");
  assert.equal(answerStatus({ answer: label, status: "acked" }, draft, false, describe), "answered: bug · saved");
  assert.equal(answerStatus({ answer: { event: "skip", value: null }, status: "acked" }, draft, false, describe), "skipped · saved");
  assert.equal(answerStatus({ answer: null, status: "pending" }, draft, false, describe), "undoing…");
  assert.equal(answerStatus({ answer: null, status: "rejected", reason: "no such label" }, draft, false, describe), "not saved: no such label");
  assert.equal(answerStatus({ answer: label, status: "rejected", reason: "no such label" }, draft, false, describe), "answered: bug · saved · your change was not saved: no such label");
  const elsewhere = { answer: label, status: "acked", stale: true, reason: "not saved: this item was answered meanwhile in another view" };
  assert.equal(answerStatus(elsewhere, draft, false, describe), "answered in another view: bug · saved · yours was not saved");
  assert.equal(answerStatus({ answer: label, status: "lost" }, draft, false, describe), "answered: bug · not saved (the kernel was lost)");
  assert.equal(answerStatus({ answer: null, status: "lost" }, draft, false, describe), "undo not saved (the kernel was lost)");
  assert.equal(answerStatus({ answer: null, status: null }, { flag: true, comment: "hm" }, false, describe), "marked unsure · comment: “hm”");
  assert.equal(
    answerStatus({ answer: label, status: "acked" }, { flag: true, comment: null }, true, describe),
    "answered: bug · saved · marked unsure · press Enter to save the change",
  );
});

test("a suggestion says whose it is", () => {
  assert.equal(suggestedBy({ source: "prelabel", by: "rules", version: "v1" }), "rules suggests");
  assert.equal(suggestedBy({ source: "model" }), "model suggests");
  assert.equal(suggestedBy({ source: "column" }), "suggested");
});
