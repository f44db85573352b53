// The marks layer: spans, pending suggestions, the selection and the focused span painted as CSS
// Custom Highlights (ranges over the text's pieces, no elements), so a keypress repaints a few
// ranges instead of rebuilding the DOM: an edit adds and removes only the ranges of the spans it
// changed, and the selection and focus ranges are replaced only when they moved. Highlight names
// start with the view's prefix; their look is in palette.js's rules.

import { markNames, markPriority } from "./palette.js";

/**
 * @param {string} prefix  the view's unique prefix of highlight names
 * @param {ReturnType<import("./text_layer.js").createTextLayer>} layer  the item's text
 * @param {Map<string, number>} labelIndex  label → index into the task's labels
 */
export function createMarks(prefix, layer, labelIndex) {
  const highlights = new Map(); // name → Highlight
  const drawn = new Map(); // span or suggestion → {name, range}
  let cursorKey = null; // the selection and focus last painted

  function highlight(name, priority) {
    let found = highlights.get(name);
    if (!found) {
      found = new Highlight();
      found.priority = priority;
      highlights.set(name, found);
      CSS.highlights.set(name, found);
    }
    return found;
  }

  function rangeOf(start, end) {
    return layer.range(start, end);
  }

  return {
    /**
     * Bring the painted spans and suggestions in line with the document: only what changed.
     * With `band` ([from, to), UTF-16), only those meeting it are painted: the browser revisits
     * every painted range whenever one changes, so a long document paints what is near the view.
     */
    draw(doc, band = null) {
      const wanted = markNames(doc, labelIndex);
      if (band) for (const item of wanted.keys()) if (item.end <= band[0] || item.start >= band[1]) wanted.delete(item);
      for (const [item, entry] of drawn) {
        if (wanted.get(item) !== entry.name) {
          highlights.get(`${prefix}-${entry.name}`).delete(entry.range);
          drawn.delete(item);
        }
      }
      for (const [item, name] of wanted) {
        if (drawn.has(item)) continue;
        const range = rangeOf(item.start, item.end);
        highlight(`${prefix}-${name}`, markPriority(name)).add(range);
        drawn.set(item, { name, range });
      }
    },

    /** Remove every painted span and suggestion (a new item). */
    clear() {
      for (const found of highlights.values()) found.clear();
      drawn.clear();
      cursorKey = null;
    },

    /** Paint the selection (or the range being selected) and the focused span or suggestion. */
    drawCursor(doc) {
      const range = doc.selection() || (doc.hasSelection() ? [Math.min(doc.anchor, doc.caret), Math.max(doc.anchor, doc.caret)] : null);
      const focus = doc.focus ? [doc.focus.item.start, doc.focus.item.end] : null;
      const key = `${range}|${focus}`;
      if (key === cursorKey) return;
      cursorKey = key;
      const selection = highlight(`${prefix}-selection`, 10);
      const focused = highlight(`${prefix}-focus`, 11);
      selection.clear();
      focused.clear();
      if (range) selection.add(rangeOf(range[0], range[1]));
      if (focus) focused.add(rangeOf(focus[0], focus[1]));
    },

    /** Unregister this view's highlights (cleanup). */
    dispose() {
      for (const name of highlights.keys()) CSS.highlights.delete(name);
    },
  };
}
