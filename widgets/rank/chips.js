// An option's rating chips: one button per level of the task's rating scale (none without one).

import { h, setPressed } from "../../js/dom.js";
import { levelKeys } from "./rating.js";

/**
 * The chips of one option. A click calls `onPick(level)`; `update(value)` shows the option's level.
 * @param {Array|null} levels  the rating scale's levels, or null
 * @param {(level: any) => void} onPick
 * @param {AbortSignal} signal  removes the click handlers
 */
export function ratingChips(levels, onPick, signal) {
  const element = h("span", { class: "nbl-rank-chips", attrs: { role: "group", "aria-label": "rating" } });
  const keys = levels ? levelKeys(levels) : [];
  const chips = (levels || []).map((level, i) =>
    h("button", {
      class: "nbl-rank-chip",
      text: String(level),
      attrs: { type: "button", tabindex: "-1", title: `rate ${level} (r, then ${keys[i]})`, "aria-pressed": "false" },
      on: { click: () => onPick(level) },
      signal,
    }),
  );
  element.append(...chips);
  return {
    element,
    update(value) {
      chips.forEach((chip, i) => setPressed(chip, value === levels[i]));
    },
  };
}
