// Where things are in the laid-out text: the rectangle of a caret position, the offset under a
// point, a DOM position (from the browser's selection) as an offset, a rectangle's place inside
// the scrolled content, and moving the caret by visual line. Offsets are UTF-16, as the DOM's.

/**
 * The geometry of one text area.
 * @param {object} parts
 * @param {Text} parts.textNode  the one text node holding the item's text
 * @param {HTMLElement} parts.text  its element
 * @param {HTMLElement} parts.content  the scrolled element around it
 */
export function createGeometry({ textNode, text, content }) {
  /** Client rectangle of the caret position `offset`, or null when not laid out. */
  function caretRect(offset) {
    const range = document.createRange();
    const length = textNode.length;
    if (!length) return null;
    // After a line break, a collapsed range may report the end of the line above: measure the
    // next character's left edge instead.
    if (offset < length && (offset === 0 || textNode.data[offset - 1] === "\n")) {
      range.setStart(textNode, offset);
      range.setEnd(textNode, offset + 1);
      const rect = range.getClientRects()[0];
      return rect ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
    }
    range.setStart(textNode, offset);
    range.collapse(true);
    const rect = range.getBoundingClientRect();
    return rect && rect.height ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
  }

  /**
   * The offset in the text under a client point, or null when the point is not over the text.
   * Inside a shadow root (marimo renders widgets in one) the lookup is told to enter it.
   */
  function pointToOffset(x, y) {
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const root = textNode.getRootNode();
      const position = document.caretPositionFromPoint(x, y, { shadowRoots: root === document ? [] : [root] });
      if (position) ({ offsetNode: node, offset } = position);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range) ({ startContainer: node, startOffset: offset } = range);
    }
    return node === textNode ? offset : null;
  }

  /** A DOM position (from a selection) as an offset in the text; outside it, 0 or the end. */
  function offsetIn(node, offset) {
    if (node === textNode) return offset;
    if (node === text) return offset === 0 ? 0 : textNode.length;
    if (node.contains && node.contains(textNode)) {
      let child = textNode;
      while (child.parentNode !== node) child = child.parentNode;
      return offset <= Array.prototype.indexOf.call(node.childNodes, child) ? 0 : textNode.length;
    }
    return textNode.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING ? textNode.length : 0;
  }

  /** Where a client rectangle sits inside the scrolled content (for absolutely placed marks). */
  function inContent(rect) {
    const box = content.getBoundingClientRect();
    return { box, x: rect.left - box.left - content.clientLeft + content.scrollLeft, y: rect.top - box.top - content.clientTop + content.scrollTop };
  }

  /**
   * Move the document's caret one visual line up (-1) or down (+1), scrolling when needed. The
   * step is the text's line height, not the glyph's: lines are far taller than their glyphs
   * (room for the label tags), and half a glyph up or down stays on the same line.
   */
  function moveLine(doc, direction, extend) {
    let rect = caretRect(doc.caret);
    if (!rect) return;
    const step = parseFloat(getComputedStyle(text).lineHeight) || 2 * rect.height;
    const target = (r) => (r.top + r.bottom) / 2 + direction * step;
    const box = content.getBoundingClientRect();
    let y = target(rect);
    if (y < box.top || y > box.bottom) {
      content.scrollTop += y < box.top ? y - box.top - step / 2 : y - box.bottom + step / 2;
      rect = caretRect(doc.caret);
      y = target(rect);
    }
    const at = pointToOffset(rect.left + 1, y);
    if (at !== null) doc.setCaret(at, extend);
    else doc.setCaret(direction < 0 ? 0 : doc.text.length, extend);
  }

  return { caretRect, pointToOffset, offsetIn, inContent, moveLine };
}
