// Selecting with the mouse: the browser's selection, read when the button is released, becomes
// the document's selection (or a click at an offset); a double click selects a word. The
// browser's own selection is then cleared: the marks layer paints the document's.

/**
 * @param {HTMLElement} area  the view's item area (a drag may end outside the text)
 * @param {object} options
 * @param {Text} options.textNode  the text node
 * @param {HTMLElement} options.text  its element
 * @param {HTMLElement} options.content  the scrolled element around it
 * @param {ReturnType<import("./geometry.js").createGeometry>} options.geometry  the text's geometry
 * @param {() => object|null} options.currentDoc  the document on screen
 * @param {() => void} options.focus  gives the keyboard back to the widget
 * @param {() => void} options.render  redraws
 * @param {AbortSignal} options.signal  removes the listeners
 */
export function listenForPointer(area, { textNode, text, content, geometry, currentDoc, focus, render, signal }) {
  area.addEventListener(
    "mouseup",
    (event) => {
      if (event.button !== 0 || (!text.contains(event.target) && !content.contains(event.target))) return;
      const doc = currentDoc();
      const selection = document.getSelection();
      if (!doc || doc.missing || !selection || !selection.rangeCount) return;
      const range = selection.getRangeAt(0);
      if (!range.intersectsNode(textNode)) return;
      const start = geometry.offsetIn(range.startContainer, range.startOffset);
      const end = geometry.offsetIn(range.endContainer, range.endOffset);
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
      document.getSelection().removeAllRanges();
      render();
    },
    { signal },
  );
}
