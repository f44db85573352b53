// The buttons of the actions every view shares (back, forward, undo, skip, unsure, comment),
// each showing its key, and the button factory task views use for their own actions.

import { h } from "./dom.js";
import { keyLabel } from "./keys.js";

/**
 * A toolbar button: runs `act` on click, then announces it with a bubbling "nbl-action" event so
 * the shell redraws (see listenForButtons in input.js). It never takes the focus.
 */
export function actionButton(key, label, act, signal) {
  const button = h(
    "button",
    {
      class: "nbl-action",
      attrs: { type: "button", tabindex: "-1", title: `${label} (${key})` },
      on: {
        click: (event) => {
          act();
          event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
        },
      },
      signal,
    },
    h("kbd", { text: key }),
    ` ${label}`,
  );
  return button;
}

/**
 * The shared actions' toolbar. `update(slot, draft, atFirst)` shows the draft's flag and comment
 * and greys out back on the first item and forward on an unanswered one.
 * @param {Record<string, [string, () => boolean]>} actions  by name: [button text, run]
 * @param {Record<string, string[]>} keys  the actions' keys (the first is shown)
 * @param {AbortSignal} signal  removes the click handlers
 */
export function createToolbar(actions, keys, signal) {
  const buttons = {};
  const element = h("div", { class: "nbl-toolbar" });
  for (const [name, [label, run]] of Object.entries(actions)) {
    buttons[name] = actionButton(keyLabel(keys[name][0]), label, () => run(), signal);
    element.append(buttons[name]);
  }
  return {
    element,
    update(slot, draft, atFirst) {
      buttons.flag.classList.toggle("nbl-on", draft.flag);
      buttons.flag.setAttribute("aria-pressed", String(draft.flag));
      buttons.comment.classList.toggle("nbl-on", Boolean(draft.comment));
      buttons.back.disabled = atFirst;
      buttons.forward.disabled = !slot.answer;
    },
  };
}
