// Keyboard handling shared by every view: which keys do what, and which events to leave alone.

/** Keys of the actions every view shares (``event.key`` values); a view may override some. */
export const ACTION_KEYS = {
  back: ["ArrowLeft", "Backspace"],
  forward: ["ArrowRight"],
  undo: ["u"],
  skip: ["s"],
  flag: ["?"],
  comment: ["c"],
  guideline: ["g"],
  feedback: ["!"],
};

/** The action keys with a view's overrides applied. */
export function actionKeys(overrides = {}) {
  return { ...ACTION_KEYS, ...overrides };
}

const KEY_LABELS = { ArrowLeft: "←", ArrowRight: "→", ArrowUp: "↑", ArrowDown: "↓", Backspace: "⌫", PageUp: "PgUp", PageDown: "PgDn", " ": "Space" };

/** How a key is shown on screen: arrows as arrows, others as typed. */
export function keyLabel(key) {
  return KEY_LABELS[key] || key;
}

/** True when the event carries Ctrl, Meta or Alt: browser and notebook shortcuts keep those. */
export function hasCommandModifier(event) {
  return Boolean(event.ctrlKey || event.metaKey || event.altKey);
}

/** True when the event comes from a field the user types into (comment box, label filter). */
export function isTyping(event) {
  const target = event.target;
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  return tag === "textarea" || tag === "input" || tag === "select" || Boolean(target.isContentEditable);
}

/**
 * Map each bound key to the index of its label.
 * @param {(string|null)[]} keys  one key per label (null: no key)
 * @returns {Map<string, number>}
 */
export function labelKeymap(keys) {
  const map = new Map();
  keys.forEach((key, index) => {
    if (key !== null && key !== undefined) map.set(key, index);
  });
  return map;
}

/** Case-insensitive substring filter over labels, for the "/" finder; returns label indexes. */
export function filterLabels(labels, query) {
  const needle = String(query || "").trim().toLocaleLowerCase();
  const found = [];
  labels.forEach((label, index) => {
    if (!needle || label.toLocaleLowerCase().includes(needle)) found.push(index);
  });
  return found;
}

/**
 * Who a keydown in the widget belongs to: "browser" (Tab, and keys with Ctrl, Alt or Meta that the
 * view does not claim), "field" (typed into a text field, kept from the notebook) or "widget".
 * @param {KeyboardEvent} event
 * @param {((event: KeyboardEvent) => boolean)|null} [claimsModifiedKey]  the view's modified keys
 */
export function keyOwner(event, claimsModifiedKey = null) {
  if (event.key === "Tab") return "browser";
  if (hasCommandModifier(event) && !(claimsModifiedKey && claimsModifiedKey(event))) return "browser";
  if (isTyping(event)) return "field";
  return "widget";
}

/**
 * The function that runs what a key does in a labeling view, first match wins: Shift+digit
 * decides with that answer under review; the task view's own keys; the shared actions; the
 * guideline and feedback keys; Esc closes the guideline or the feedback, else leaves the widget.
 *
 * Keys act only on what the annotator sees: on the waiting and loading screens they do nothing
 * (but the guideline, the feedback and Esc), and while a kernel message has changed the session
 * without the screen showing it yet (`session.inStep()`), a key is swallowed: it is drawn at once
 * instead. An
 * item that cannot be shown (`problem`) takes the shared actions only; other keys get a note.
 * @param {object} options
 * @param {Record<string, string[]>} options.keys  keys of the shared actions (see actionKeys)
 * @param {Record<string, [string, () => boolean]>} options.actions  shared actions by name:
 *   [button text, run]
 * @param {{screen(): string, current(): object|null, inStep(): boolean, say(text: string): boolean}}
 *   options.session  the item window
 * @param {(key: string, event: KeyboardEvent) => boolean} options.viewKey  the task view's keys
 * @param {(index: number) => boolean} options.pick  decide with the index-th answer under review
 * @param {{toggle(): boolean, close(): boolean}|null} options.guideline  the guideline panel
 * @param {{toggle(): boolean, close(): boolean}|null} [options.feedback]  the feedback panel (none
 *   when adjudicating)
 * @param {() => void} options.leave  hands the keyboard back to the notebook
 * @returns {(key: string, event: KeyboardEvent) => boolean}  true when the key did something
 */
export function keyHandler({ keys, actions, session, viewKey, pick, guideline, feedback = null, leave }) {
  const unshowable = `This item cannot be labeled: ${keyLabel(keys.skip[0])} skips it, ${keyLabel(keys.back[0])} goes back.`;

  function act(key, event) {
    const slot = session.current();
    const digit = /^Digit([1-9])$/.exec(event.code || "");
    if (digit && event.shiftKey && slot && slot.review) return pick(Number(digit[1]) - 1);
    // The view goes first: a span view, say, moves its caret with keys other views navigate by.
    if (slot && !slot.problem && viewKey(key, event)) return true;
    for (const [name, [, run]] of Object.entries(actions)) if (keys[name].includes(key)) return run();
    if (slot && slot.problem && (key.length === 1 || key === "Enter") && !keys.guideline.includes(key) && !keys.feedback.includes(key)) return session.say(unshowable);
    return false;
  }

  return (key, event) => {
    const screen = session.screen();
    const inert = screen === "waiting" || screen === "loading";
    const behind = !inert && !session.inStep();
    if (!inert && !behind && act(key, event)) return true;
    if (keys.guideline.includes(key)) return guideline ? guideline.toggle() : false;
    if (keys.feedback.includes(key)) return feedback ? feedback.toggle() : false;
    if (key === "Escape") {
      if (guideline && guideline.close()) return true;
      if (feedback && feedback.close()) return true;
      leave();
      return false;
    }
    return behind;
  };
}

/**
 * The legend's [key, what it does] pairs: the keys no toolbar button shows.
 * @param {object} options
 * @param {boolean} options.reviewing  answers under review are picked with Shift+digits
 * @param {string[][]} options.viewShortcuts  the task view's pairs
 * @param {string|null} options.guidelineKey  the guideline key, when there is a guideline
 * @param {string|null} [options.feedbackKey]  the feedback key, when the view shows feedback
 */
export function legendPairs({ reviewing, viewShortcuts, guidelineKey, feedbackKey = null }) {
  return [
    ...(reviewing ? [["⇧1–⇧9", "decide with that answer"]] : []),
    ...viewShortcuts,
    ...(guidelineKey ? [[keyLabel(guidelineKey), "guidelines"]] : []),
    ...(feedbackKey ? [[keyLabel(feedbackKey), "feedback on your answers"]] : []),
    ["Esc", "leave the widget"],
  ];
}
