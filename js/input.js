// How the annotator's input reaches the shell: keys pressed in the widget, buttons clicked in it,
// and the focus kept on it so its keys keep working.

import { keyOwner } from "./keys.js";

/**
 * Run the widget's keys. Keys typed into a field stay in it; Tab and unclaimed modified keys go
 * to the browser; a key the widget handles goes no further, and Esc it does not handle leaves to
 * the notebook.
 * @param {HTMLElement} root  the widget
 * @param {object} options
 * @param {(key: string, event: KeyboardEvent) => boolean} options.handle  runs a key's action;
 *   true when it had one
 * @param {((event: KeyboardEvent) => boolean)|null} options.claimsModifiedKey  the view's keys
 *   with Ctrl, Alt or Meta
 * @param {() => void} options.redraw  called after a handled key
 * @param {AbortSignal} options.signal  removes the listener
 */
export function listenForKeys(root, { handle, claimsModifiedKey, redraw, signal }) {
  root.addEventListener(
    "keydown",
    (event) => {
      const owner = keyOwner(event, claimsModifiedKey);
      if (owner === "browser") return;
      if (owner === "field") {
        event.stopPropagation();
        return;
      }
      const key = event.key;
      const handled = handle(key, event);
      if (key === "Escape" && !handled) return;
      event.stopPropagation();
      if (handled) {
        event.preventDefault();
        redraw();
      }
    },
    { signal },
  );
}

/**
 * Call `onAction(before)` after a button in the widget acted (it announces an "nbl-action" event);
 * `before` is the slot that was on screen when the pointer went down.
 * @param {HTMLElement} root  the widget
 * @param {{current(): object|null}} session  the item window
 * @param {(before: object|null) => void} onAction
 * @param {AbortSignal} signal  removes the listeners
 */
export function listenForButtons(root, session, onAction, signal) {
  let clickedFrom = null;
  root.addEventListener("pointerdown", () => (clickedFrom = session.current()), { signal, capture: true });
  root.addEventListener("nbl-action", () => onAction(clickedFrom), { signal });
}

/** Clicking a button must not take the focus away from the widget, or its keys would stop working. */
export function keepFocus(root, signal) {
  root.addEventListener(
    "mousedown",
    (event) => {
      if (event.target.closest && event.target.closest("button")) {
        event.preventDefault();
        root.focus();
      }
    },
    { signal },
  );
}

/**
 * A button under a pointer that did not move looks hovered on the next item, as if chosen for it:
 * hover styles wait until the pointer moves. Returns `settle()`, which the view calls when a new
 * item is shown.
 * @param {HTMLElement} root  the widget
 * @param {AbortSignal} signal  removes the listener
 */
export function holdHover(root, signal) {
  root.addEventListener("pointermove", () => root.classList.remove("nbl-still"), { signal, passive: true });
  return () => root.classList.add("nbl-still");
}
