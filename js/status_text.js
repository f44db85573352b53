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
 * Milliseconds without any reply to a waiting answer after which the view keeps the waiting
 * answers in the browser's storage: the kernel may be gone without the page having been told.
 */
export const UNCONFIRMED_MS = 20000;

/**
 * What the header says about saving; `busy` when an answer has waited too long for the kernel.
 * @param {{pendingCount(): number, oldestPendingAge(): number, lost: string|null}} session
 * @param {number} [unsaved]  answers known not to be saved (the kernel was lost)
 */
export function saveStatus(session, unsaved = 0) {
  if (session.lost) return { text: unsaved ? `kernel lost — ${unsaved} not saved` : "kernel lost", busy: true };
  const pending = session.pendingCount();
  const age = pending ? session.oldestPendingAge() : 0;
  let text = pending ? `saving ${pending}…` : "all saved ✓";
  if (age > UNCONFIRMED_MS) text = `no reply from the kernel — ${pending} not confirmed`;
  else if (age > SLOW_KERNEL_MS) text = `kernel busy — ${pending} waiting to be saved`;
  return { text, busy: age > SLOW_KERNEL_MS };
}

/**
 * Who offers a suggestion, as a view says it: "rules suggests" for a pre-labeler's (its name),
 * "model suggests" for the model's, "suggested" for the task's pre-label column.
 * @param {{source?: string, by?: string|null}} suggestion  a suggestion from the kernel
 */
export function suggestedBy(suggestion) {
  if (suggestion.source === "model") return "model suggests";
  return suggestion.by ? `${suggestion.by} suggests` : "suggested";
}

/**
 * Where the annotator stands in a qualification round; `failed` once the round is failed. A round
 * after the first (`round`, with the `reason` it opened: a new guideline, gold accuracy falling)
 * says so while it is open: the annotator's answers do not count meanwhile.
 * @param {{done: number, needed: number, correct: number, passed: boolean|null, round?: number,
 *   reason?: string}} round
 */
export function qualificationStatus(round) {
  let text = `qualification ${round.done} / ${round.needed}`;
  if (round.round > 1 && round.passed === null) {
    text = `back to qualification (${round.reason}): ${round.done} / ${round.needed} · your answers count again once you pass`;
  }
  if (round.passed === true) text = `qualified ✓ (${round.correct} / ${round.needed} right)`;
  if (round.passed === false) text = `not qualified (${round.correct} / ${round.needed} right): your answers are kept but not counted`;
  return { text, failed: round.passed === false };
}

/**
 * The state of the item on screen: its answer and whether it is saved, then the draft's flag,
 * comment, the guideline passage a decision cites and unsaved change.
 * @param {object} slot  the slot on screen (see session.js)
 * @param {{flag: boolean, comment: string|null, passage?: string|null}} draft  its draft
 * @param {boolean} changed  the draft's flag or comment differ from the stored answer's
 * @param {(slot: object) => string} describe  the task view's text of an answer
 */
export function answerStatus(slot, draft, changed, describe) {
  const refused = slot.reason ? String(slot.reason).replace(/^not saved:\s*/i, "") : null;
  let state = "";
  if (slot.answer) {
    const what = slot.answer.event === "skip" ? "skipped" : `answered${slot.stale ? " in another view" : ""}: ${describe(slot)}`;
    state = `${what} · ${{ pending: "saving…", lost: "not saved (the kernel was lost)" }[slot.status] || "saved"}`;
    if (slot.stale) state += " · yours was not saved";
    else if (refused) state += ` · your change was not saved: ${refused}`;
  } else if (slot.status === "pending") state = "undoing…";
  else if (slot.status === "lost") state = "undo not saved (the kernel was lost)";
  else if (refused) state = `not saved: ${refused}`;
  if (draft.flag) state += `${state ? " · " : ""}marked unsure`;
  if (draft.comment) state += `${state ? " · " : ""}comment: “${draft.comment}”`;
  if (draft.passage) state += `${state ? " · " : ""}cites “${draft.passage}”`;
  if (changed) state += " · press Enter to save the change";
  return state;
}
