// Selecting with the mouse: the browser's selection, read when the button is released, becomes
// the document's selection (or a click at an offset); a double click selects a word. The
// browser's own selection is then cleared: the marks layer paints the document's. The text may
// live in a shadow root (marimo): the selection and the point lookups are read from there.

/**
 * @param {HTMLElement} area  the view's item area (a drag may end outside the text)
 * @param {object} options
 * @param {ReturnType<import("./text_layer.js").createTextLayer>} options.layer  the item's text
 * @param {HTMLElement} options.text  its element
 * @param {HTMLElement} options.content  the scrolled element around it
 * @param {ReturnType<import("./geometry.js").createGeometry>} options.geometry  the text's geometry
 * @param {() => object|null} options.currentDoc  the document on screen
 * @param {() => void} options.focus  gives the keyboard back to the widget
 * @param {() => void} options.render  redraws
 * @param {AbortSignal} options.signal  removes the listeners
 */
export function listenForPointer(area, { layer, text, content, geometry, currentDoc, focus, render, signal }) {
  area.addEventListener(
    "mouseup",
    (event) => {
      if (event.button !== 0 || (!text.contains(event.target) && !content.contains(event.target))) return;
      const doc = currentDoc();
      const selected = selectedRange(text);
      if (!doc || doc.missing || !selected) return;
      const { range, selection } = selected;
      const start = geometry.offsetIn(range.startContainer, range.startOffset);
      const end = geometry.offsetIn(range.endContainer, range.endOffset);
      if (start === end && layer.offsetOf(range.startContainer, range.startOffset) === null) return; // not on the text
      if (start === end) doc.clickAt(start);
      else doc.selectRange(start, end);
      selection.removeAllRanges();
      focus();
      render();
    },
    { signal },
  );
  text.addEventListener(
    "dblclick",
    (event) => {
      const doc = currentDoc();
      const at = doc && !doc.missing ? geometry.pointToOffset(event.clientX, event.clientY) : null;
      if (at === null) return;
      doc.selectWord(Math.min(at, doc.text.length - 1));
      const selected = selectedRange(text);
      if (selected) selected.selection.removeAllRanges();
      render();
    },
    { signal },
  );
}

/**
 * The browser's selection as a range where the text lives, and the selection it belongs to; null
 * when nothing is selected. In a shadow root (marimo renders widgets in one) the document's
 * selection is retargeted to the root's host: read the root's own (Chromium), else ask for the
 * composed range across the root (the standard API), else the document's.
 */
function selectedRange(text) {
  const root = text.getRootNode();
  const inShadow = root !== document;
  const own = inShadow && typeof root.getSelection === "function" ? root.getSelection() : null;
  const selection = own || document.getSelection();
  if (!selection || !selection.rangeCount) return null;
  if (inShadow && !own && typeof selection.getComposedRanges === "function") {
    const [range] = selection.getComposedRanges({ shadowRoots: [root] });
    return range ? { range, selection } : null;
  }
  return { range: selection.getRangeAt(0), selection };
}
