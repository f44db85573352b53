// The guideline panel: the project's guidelines, folded under a summary that shows their version.

import { h } from "./dom.js";

/**
 * The panel, or null when the project has no guidelines. `toggle()` opens or folds it; `close()`
 * folds it and says whether it was open.
 * @param {{html?: string, version?: string}} guideline  the guideline trait
 */
export function createGuideline(guideline) {
  if (!guideline.html) return null;
  const content = h("div", { class: "nbl-guideline-body" });
  // The kernel renders the Markdown and sanitises the HTML (nblabel/_guidelines.py).
  content.innerHTML = guideline.html;
  const summary = h("summary", {}, h("kbd", { text: "g" }), " Guidelines", h("span", { class: "nbl-version", text: ` · version ${guideline.version}` }));
  const element = h("details", { class: "nbl-guideline" }, summary, content);
  return {
    element,
    toggle() {
      element.open = !element.open;
      return true;
    },
    close() {
      if (!element.open) return false;
      element.open = false;
      return true;
    },
  };
}
