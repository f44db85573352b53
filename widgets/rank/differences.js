// The differences between the A/B texts as shown: compared once per item (diff.js does the
// comparing), the next pair compared ahead while the browser is idle, and painted into a pane as
// marked runs of text.

import { h } from "../../js/dom.js";
import { diffTexts } from "./diff.js";

/**
 * The items' differences.
 * @param {AbortSignal} signal  cancels a comparison scheduled ahead
 * @param {() => boolean} wanted  whether highlighting is (still) on
 */
export function createDifferences(signal, wanted) {
  const diffs = new WeakMap(); // slot → its two texts' differences
  let ahead = null; // cancels the idle-time comparison of the next pair, while one is scheduled
  signal.addEventListener("abort", () => ahead && ahead(), { once: true });

  /** The differences of `slot`'s two texts, computed once per item. */
  function of(slot) {
    if (!diffs.has(slot)) {
      const [[, a], [, b]] = slot.view.options;
      diffs.set(slot, diffTexts(a, b));
    }
    return diffs.get(slot);
  }

  /**
   * While highlighting is on, compare `next` (the next pair) when the browser is idle, so the
   * keypress that brings it on screen only has to paint it.
   */
  function prepare(next) {
    if (!wanted() || ahead || signal.aborted) return;
    if (!next || !next.view || diffs.has(next)) return;
    const run = () => {
      ahead = null;
      if (wanted() && !signal.aborted) of(next);
    };
    if (typeof requestIdleCallback === "function") {
      const handle = requestIdleCallback(run, { timeout: 1000 });
      ahead = () => cancelIdleCallback(handle);
    } else {
      const handle = setTimeout(run, 0);
      ahead = () => clearTimeout(handle);
    }
  }

  return { of, prepare };
}

/** The element for a changed run of text on side `side` (0 is A, 1 is B). */
export function changedRun(side) {
  return (part) => h("span", { class: `nbl-rank-changed nbl-rank-changed-${side ? "b" : "a"}`, text: part });
}

/** The note under the panes when the texts were compared coarsely or not at all. */
export function differencesNote(segments) {
  if (segments && segments.by === "line") return "Long texts: differences are shown line by line.";
  if (segments && segments.by === null) return "These texts are too long to compare.";
  return "";
}
