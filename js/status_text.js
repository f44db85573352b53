// The words of the shell's status lines: progress, saving, qualification and the state of the
// answer on screen. DOM-free (tested in Node).

/** Milliseconds an answer may wait for the kernel before the header says the kernel is busy. */
export const SLOW_KERNEL_MS = 3000;

/**
 * Items done out of the total, counting the new answers the kernel has not yet acknowledged.
 * @param {{done?: number, total?: number}} progress  the kernel's progress trait
 * @param {number} pendingNew  new answers sent but not yet acknowledged
 */
export function progressCount(progress, pendingNew) {
  const total = progress.total || 0;
  return { done: Math.min(total, (progress.done || 0) + pendingNew), total };
}

/**
 * What the header says about saving; `busy` when an answer has waited too long for the kernel.
 * @param {{pendingCount(): number, oldestPendingAge(): number}} session
 */
export function saveStatus(session) {
  const pending = session.pendingCount();
  const busy = Boolean(pending && session.oldestPendingAge() > SLOW_KERNEL_MS);
  const text = pending ? (busy ? `kernel busy — ${pending} waiting to be saved` : `saving ${pending}…`) : "all saved ✓";
  return { text, busy };
}

/**
 * Where the annotator stands in a qualification round; `failed` once the round is failed.
 * @param {{done: number, needed: number, correct: number, passed: boolean|null}} round
 */
export function qualificationStatus(round) {
  let text = `qualification ${round.done} / ${round.needed}`;
  if (round.passed === true) text = `qualified ✓ (${round.correct} / ${round.needed} right)`;
  if (round.passed === false) text = `not qualified (${round.correct} / ${round.needed} right): your answers are kept but not counted`;
  return { text, failed: round.passed === false };
}

/**
 * The state of the item on screen: its answer and whether it is saved, then the draft's flag,
 * comment and unsaved change.
 * @param {object} slot  the slot on screen (see session.js)
 * @param {{flag: boolean, comment: string|null}} draft  its draft
 * @param {boolean} changed  the draft's flag or comment differ from the stored answer's
 * @param {(slot: object) => string} describe  the task view's text of an answer
 */
export function answerStatus(slot, draft, changed, describe) {
  let state = "";
  if (slot.answer) {
    const what = slot.answer.event === "skip" ? "skipped" : `answered: ${describe(slot)}`;
    state = `${what} · ${slot.status === "pending" ? "saving…" : "saved"}`;
  } else if (slot.status === "pending") state = "undoing…";
  else if (slot.status === "rejected") state = `not saved: ${slot.reason}`;
  if (draft.flag) state += `${state ? " · " : ""}marked unsure`;
  if (draft.comment) state += `${state ? " · " : ""}comment: “${draft.comment}”`;
  if (changed) state += " · press Enter to save the change";
  return state;
}
