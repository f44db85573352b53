// The label buttons: one per label, in its colour, with its key; the focused span's label shown
// pressed. A click applies the label (to the selection, or relabels the focused span).

import { h, setPressed } from "../../js/dom.js";
import { labelColour } from "./palette.js";

/**
 * @param {string[]} labels  the task's labels
 * @param {Array<string|null>} keys  their keys
 * @param {(label: string) => void} apply  a label's button was clicked
 * @param {AbortSignal} signal  removes the click handlers
 */
export function createLabelBar(labels, keys, apply, signal) {
  const buttons = labels.map((label, index) =>
    h(
      "button",
      {
        class: "nbl-label nbl-spans-label",
        attrs: { type: "button", tabindex: "-1", "aria-pressed": "false", title: label, style: `--nbl-label: ${labelColour(index)}` },
        dataset: { label },
        on: {
          click: (event) => {
            apply(label);
            // The shell redraws after a button announces its action (see input.js).
            event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
          },
        },
        signal,
      },
      h("span", { class: "nbl-spans-swatch" }),
      keys[index] ? h("kbd", { text: keys[index] }) : null,
      h("span", { class: "nbl-label-text", text: label }),
    ),
  );
  return {
    element: h("div", { class: "nbl-labels", attrs: { role: "group", "aria-label": "labels" } }, ...buttons),
    /** Show the focused span's or suggestion's label pressed. */
    update(doc) {
      buttons.forEach((button, index) => setPressed(button, Boolean(doc.focus && doc.focus.item.label === labels[index])));
    },
  };
}
