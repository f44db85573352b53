// The drawn caret: a thin bar placed over the text at the document's caret (the text itself is
// never editable), and scrolling the text to keep it in view after the annotator moved it.

import { show } from "../../js/dom.js";

/**
 * @param {HTMLElement} element  the caret's element, inside the scrolled content
 * @param {HTMLElement} content  the scrolled content
 * @param {ReturnType<import("./geometry.js").createGeometry>} geometry  the text's geometry
 */
export function createCaret(element, content, geometry) {
  let spot = null; // where the caret was last placed, relative to the content's box

  return {
    /** Put the caret at the document's caret (hidden for a missing text or before layout). */
    place(doc) {
      const rect = doc.missing ? null : geometry.caretRect(doc.caret);
      show(element, Boolean(rect));
      if (!rect) return;
      const { box, x, y } = geometry.inContent(rect);
      element.style.transform = `translate(${x}px, ${y}px)`;
      element.style.height = `${rect.height}px`;
      spot = { top: rect.top - box.top, bottom: rect.bottom - box.top, height: box.height };
    },

    /** Scroll the text so the caret is in view (only after the annotator moved it). */
    reveal() {
      if (!spot || !element.isConnected) return;
      const margin = 8;
      if (spot.top < margin) content.scrollTop += spot.top - margin - spot.height / 3;
      else if (spot.bottom > spot.height - margin) content.scrollTop += spot.bottom - spot.height + margin + spot.height / 3;
    },
  };
}
