// The legend under the item: the keys that no button shows, and what they do.

import { h } from "./dom.js";

/** An empty legend; `list(pairs)` fills it with [key, what it does] pairs. */
export function createLegend() {
  const element = h("div", { class: "nbl-legend" });
  return {
    element,
    list(pairs) {
      element.replaceChildren(...pairs.map(([key, action]) => h("span", { class: "nbl-legend-item" }, h("kbd", { text: key }), ` ${action}`)));
    },
  };
}
