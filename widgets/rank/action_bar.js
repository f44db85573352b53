// The ranking view's buttons, each showing its key: "A is better" / "B is better" side by side,
// then the task's actions (tie, both bad, rate, differences… or up, down, tie, expand, submit…).

import { h, setPressed } from "../../js/dom.js";
import { keyLabel } from "../../js/keys.js";
import { optionName } from "./draft.js";

/**
 * The bar.
 * @param {object} options
 * @param {object} options.task  the task (its option keys)
 * @param {{pairwise: boolean, buttons: {action: string, key: string, text: string}[]}} options.keymap
 *   the task's key map (see keymap.js)
 * @param {(action: string, position?: number) => void} options.run  a button was clicked
 * @param {AbortSignal} options.signal  removes the click handlers
 * @returns {{element: HTMLElement, press: (name: string, on: boolean) => void}}  `press` shows
 *   button `name` ("diff", "prefer:0"…) as pressed or not, when the bar has it
 */
export function createActionBar({ task, keymap, run, signal }) {
  const buttons = new Map();
  const element = h("div", { class: "nbl-labels nbl-rank-actions", attrs: { role: "group", "aria-label": "ranking actions" } });
  const addButton = (action, key, text, position) => {
    const button = h(
      "button",
      {
        class: "nbl-label",
        attrs: { type: "button", tabindex: "-1", "aria-pressed": "false", title: `${text} (${keyLabel(key)})` },
        on: { click: () => run(action, position) },
        signal,
      },
      h("kbd", { text: keyLabel(key) }),
      h("span", { class: "nbl-label-text", text }),
    );
    buttons.set(position === undefined ? action : `${action}:${position}`, button);
    element.append(button);
  };
  if (keymap.pairwise) {
    task.keys.forEach((key, position) => {
      if (key !== null && key !== undefined) addButton("prefer", key, `${optionName(position, true)} is better`, position);
    });
  }
  for (const { action, key, text } of keymap.buttons) addButton(action, key, text);
  return {
    element,
    press(name, on) {
      const button = buttons.get(name);
      if (button) setPressed(button, on);
    },
  };
}
