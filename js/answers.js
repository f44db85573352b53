// What the shell reads from answers: whether two answers are the same, what an answered check
// question teaches, the answer a message asks for and the guideline passage a decision cites.
// DOM-free (tested in Node).

/** Whether an answer equals the expected one (label lists compare as sets). */
export function sameAnswer(given, expected) {
  const canonical = (value) => JSON.stringify(Array.isArray(value) && value.every((v) => typeof v !== "object") ? [...value].sort() : value);
  return canonical(given) === canonical(expected);
}

/**
 * The lesson of a slot just left: a check question (gold item in teaching mode) answered with a
 * label that is on its way to the kernel gives {given, teach}; any other slot gives null.
 * @param {object} slot  the slot that was on screen before the action (see session.js)
 */
export function lessonOf(slot) {
  const answer = slot.answer;
  return slot.teach && answer && answer.event === "label" && slot.status === "pending" ? { given: answer.value, teach: slot.teach } : null;
}

/** The answer an answer message shows. */
export function answerOf(message) {
  const answer = { event: message.event, value: message.value, flag: message.flag ? "unsure" : null, comment: message.comment || null };
  if (message.meta) answer.meta = message.meta;
  if (message.passage) answer.meta = { ...(answer.meta || {}), passage: { heading: message.passage } };
  return answer;
}

/** The heading of the guideline passage an answer cites (a reviewer's decision), or null. */
export function citedPassage(answer) {
  const passage = answer && answer.meta && answer.meta.passage;
  return passage && typeof passage.heading === "string" ? passage.heading : null;
}

/** Whether a stored answer is the one a message asked for (its value compared as JSON). */
export function sameStored(stored, asked) {
  return stored.event === asked.event && Boolean(stored.flag) === Boolean(asked.flag) && (stored.comment || null) === (asked.comment || null) && citedPassage(stored) === citedPassage(asked) && JSON.stringify(stored.value) === JSON.stringify(asked.value);
}
