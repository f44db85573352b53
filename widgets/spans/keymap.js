// The keys of the span view, DOM-free (unit-tested in Node): what each does to the item's
// SpanDoc, which keys with Ctrl, Alt or Meta it keeps from the browser, and the legend.

import { keyLabel } from "../../js/keys.js";

/** Whether the browser runs on an Apple system (⌥ moves by word, ⌘Z undoes). */
export const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || "");

/**
 * Run a key on the item's document. True when the key did something (or was taken).
 * @param {import("./span_doc.js").SpanDoc} doc  the item's document
 * @param {string} key  the event's key
 * @param {{ctrlKey: boolean, altKey: boolean, metaKey: boolean, shiftKey: boolean}} event
 * @param {object} options
 * @param {string[]} options.labels  the task's labels
 * @param {Map<string, number>} options.keymap  label key → index into labels
 * @param {(direction: number, extend: boolean) => void} options.moveLine  moves the caret one
 *   visual line up (-1) or down (+1): the layout knows where lines are
 * @param {() => boolean} options.submit  Enter
 */
export function editKey(doc, key, event, { labels, keymap, moveLine, submit }) {
  const word = event.ctrlKey || event.altKey || event.metaKey;
  switch (key) {
    case "ArrowLeft":
    case "ArrowRight":
      doc.moveCaret(word ? "word" : "char", key === "ArrowLeft" ? -1 : 1, event.shiftKey);
      return true;
    case "ArrowUp":
    case "ArrowDown":
      moveLine(key === "ArrowUp" ? -1 : 1, event.shiftKey);
      return true;
    case "[":
    case "]":
      doc.focusNext(key === "[" ? -1 : 1);
      return true;
    case "Enter":
      return submit();
    case " ":
      doc.acceptFocused();
      return true;
    case "Delete":
    case "Backspace":
      doc.deleteFocused();
      return true;
    case "Escape":
      return doc.clearSelection();
    default:
      break;
  }
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "z") {
    if (!doc.undo()) doc.notice = "Nothing to undo in this item (u undoes the last answer).";
    return true;
  }
  if (word) return false;
  if (keymap.has(key)) {
    doc.applyLabel(labels[keymap.get(key)]);
    return true;
  }
  return false;
}

/** The keys with a modifier the view handles: a word left or right, and undo (not redo). */
export function claimsModifiedKey(event, mac = MAC) {
  if (event.shiftKey && event.key.toLowerCase() === "z") return false;
  if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && !event.metaKey) return mac ? event.altKey : event.ctrlKey;
  return (mac ? event.metaKey : event.ctrlKey) && event.key.toLowerCase() === "z";
}

/** The legend's [keys, what they do], with the suggestion keys when the task has suggestions. */
export function spanShortcuts(task, mac = MAC) {
  const pairs = [
    ["←→", "move"],
    [`${mac ? "⌥" : "Ctrl"}+←→`, "by word"],
    ["↑↓", "by line"],
    ["Shift+arrows", "select"],
    ["[ ]", "previous / next span"],
    ["Del", "delete span"],
    [mac ? "⌘Z" : "Ctrl+Z", "undo an edit"],
    ["Enter", "submit"],
    ["Esc", "deselect"],
    [`${keyLabel("PageUp")} ${keyLabel("PageDown")}`, "previous / next item"],
  ];
  if (task.suggest !== null && task.suggest !== undefined) {
    pairs.splice(5, 0, ["Space", "accept suggestion"]);
    pairs[pairs.findIndex(([key]) => key === "Enter")] = ["Enter", "accept all suggestions, then submit"];
  }
  return pairs;
}
