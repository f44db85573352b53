// The marks layer: spans, pending suggestions, the selection and the focused span painted as CSS
// Custom Highlights (ranges over the one text node, no elements), so a keypress repaints a few
// ranges instead of rebuilding the DOM. Highlight names start with the view's prefix; their look
// is in palette.js's rules.

import { markNames, markPriority } from "./palette.js";

/**
 * @param {string} prefix  the view's unique prefix of highlight names
 * @param {Text} textNode  the text node the ranges cover
 * @param {Map<string, number>} labelIndex  label → index into the task's labels
 */
export function createMarks(prefix, textNode, labelIndex) {
  const highlights = new Map(); // name → Highlight
  const drawn = new Map(); // span or suggestion → {name, range}

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
    return new StaticRange({ startContainer: textNode, startOffset: start, endContainer: textNode, endOffset: end });
  }

  return {
    /** Bring the painted spans and suggestions in line with the document: only what changed. */
    draw(doc) {
      const wanted = markNames(doc, labelIndex);
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
    },

    /** Paint the selection (or the range being selected) and the focused span or suggestion. */
    drawCursor(doc) {
      const selection = highlight(`${prefix}-selection`, 10);
      const focused = highlight(`${prefix}-focus`, 11);
      selection.clear();
      focused.clear();
      const range = doc.selection();
      if (range) selection.add(rangeOf(range[0], range[1]));
      else if (doc.hasSelection()) selection.add(rangeOf(Math.min(doc.anchor, doc.caret), Math.max(doc.anchor, doc.caret)));
      if (doc.focus) focused.add(rangeOf(doc.focus.item.start, doc.focus.item.end));
    },

    /** Unregister this view's highlights (cleanup). */
    dispose() {
      for (const name of highlights.keys()) CSS.highlights.delete(name);
    },
  };
}
