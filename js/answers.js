// What the shell reads from answer values: whether two answers are the same, and what an answered
// check question teaches. DOM-free (tested in Node).

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
