// Where things are in the laid-out text: the rectangle of a caret position and of where a
// character starts, the offset under a point, a DOM position (from the browser's selection) as
// an offset, a rectangle's place inside the scrolled content, and moving the caret by visual
// line. Offsets are UTF-16, as the DOM's.

/** A character written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and their forms). */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;

/**
 * The geometry of one text area.
 * @param {object} parts
 * @param {ReturnType<import("./text_layer.js").createTextLayer>} parts.layer  the item's text
 * @param {HTMLElement} parts.text  its element
 * @param {HTMLElement} parts.content  the scrolled element around it
 */
export function createGeometry({ layer, text, content }) {
  /** Client rectangle of the caret position `offset`, or null when not laid out. */
  function caretRect(offset) {
    const range = document.createRange();
    const length = layer.length;
    if (!length) return null;
    const [node, at] = layer.position(offset);
    // After a line break, a collapsed range may report the end of the line above: measure the
    // next character's left edge instead.
    if (offset < length && (offset === 0 || layer.text[offset - 1] === "\n")) {
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      const rect = range.getClientRects()[0];
      return rect ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
    }
    range.setStart(node, at);
    range.collapse(true);
    const rect = range.getBoundingClientRect();
    return rect && rect.height ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
  }

  /**
   * Client rectangle of where the character at `offset` starts (its left edge, or its right edge
   * when written right to left), or null when not laid out. Unlike the caret's, this is on the
   * character's own line where the text wraps just before it: the place for a span's tag.
   */
  function startRect(offset) {
    if (offset >= layer.length || layer.text[offset] === "\n") return caretRect(offset);
    const [node, at] = layer.position(offset);
    if (at >= node.data.length) return caretRect(offset);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    const rect = range.getClientRects()[0];
    if (!rect || !rect.height) return null;
    const left = RIGHT_TO_LEFT.test(layer.text[offset]) ? rect.right : rect.left;
    return { left, top: rect.top, bottom: rect.bottom, height: rect.height };
  }

  /**
   * The offset in the text under a client point, or null when the point is not over the text.
   * Inside a shadow root (marimo renders widgets in one) the lookup is told to enter it. A block
   * the browser has not laid out yet (just scrolled into view) is laid out for the lookup.
   */
  function pointToOffset(x, y) {
    let found = lookUp(x, y);
    if (found === null || found.text) return found && found.offset;
    const band = layer.blocksBetween(y, y);
    if (!band) return null;
    const block = layer.blocks[band[0]];
    block.style.contentVisibility = "visible";
    found = lookUp(x, y);
    block.style.contentVisibility = "";
    return found && found.text ? found.offset : null;
  }

  /** What is under a client point: {offset, text: whether it is in a piece of text}, or null. */
  function lookUp(x, y) {
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const root = text.getRootNode();
      const position = document.caretPositionFromPoint(x, y, { shadowRoots: root === document ? [] : [root] });
      if (position) ({ offsetNode: node, offset } = position);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range) ({ startContainer: node, startOffset: offset } = range);
    }
    const at = node ? layer.offsetOf(node, offset) : null;
    return at === null ? null : { offset: at, text: node.nodeType === Node.TEXT_NODE };
  }

  /** A DOM position (from a selection) as an offset in the text; outside it, 0 or the end. */
  function offsetIn(node, offset) {
    const at = layer.offsetOf(node, offset);
    if (at !== null) return at;
    if (node.contains && node.contains(text)) {
      let child = text;
      while (child.parentNode !== node) child = child.parentNode;
      return offset <= Array.prototype.indexOf.call(node.childNodes, child) ? 0 : layer.length;
    }
    return text.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING ? layer.length : 0;
  }

  /**
   * Where a client rectangle sits inside the scrolled content (for absolutely placed marks);
   * `box`, the content's client rectangle, when the caller has it already.
   */
  function inContent(rect, box = content.getBoundingClientRect()) {
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

  return { caretRect, startRect, pointToOffset, offsetIn, inContent, moveLine };
}
