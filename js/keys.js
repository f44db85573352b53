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
