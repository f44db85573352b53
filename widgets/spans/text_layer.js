// The item's text in the DOM, cut into blocks and pieces (chunks.js): built once per item and
// never changed while it is shown. Blocks out of view are neither laid out nor painted
// (`content-visibility: auto`, with a size estimated from their length until they were shown
// once), so a long document's first paint lays out only what is in view. This module turns
// offsets in the whole text (UTF-16) into DOM positions and back.

import { cutText, pieceAt } from "./chunks.js";

/** For the size estimate of blocks not yet shown: the text's font size (base.css), its line
 * height in ems (index.css) and the average advance of a character in ems. */
const FONT_PX = 15;
const LINE_EMS = 2.6;
const CHAR_EMS = 0.5;

/**
 * @param {HTMLElement} element  the text's element (its children are the blocks)
 * @param {object} [options]
 * @param {(init: object) => AbstractRange} [options.makeRange]  builds a range (a StaticRange)
 * @param {{block?: number, piece?: number}} [options.sizes]  block and piece sizes (chunks.js)
 */
export function createTextLayer(element, { makeRange = (init) => new StaticRange(init), sizes = {} } = {}) {
  let data = "";
  let starts = Int32Array.of(0); // where each piece starts
  let nodes = []; // the pieces' text nodes
  let firstPiece = Int32Array.of(0); // the first piece of each block
  let blocks = []; // the blocks' elements
  const indexOf = new Map(); // text node → its piece index
  let width = 0; // the text's width (px), as last told; reading it here would force a layout

  /** The text offset where piece `k` ends. */
  const pieceEnd = (k) => (k + 1 < starts.length ? starts[k + 1] : data.length);

  /** Block `b`'s element, sized until it is first shown by an estimate of its lines. */
  function blockElement(b, perLine) {
    const first = firstPiece[b];
    const last = (b + 1 < firstPiece.length ? firstPiece[b + 1] : nodes.length) - 1;
    const block = document.createElement("div");
    block.className = "nbl-spans-block";
    for (let k = first; k <= last; k += 1) block.append(nodes[k]);
    const paragraphs = data.slice(starts[first], pieceEnd(last)).split("\n");
    if (paragraphs.length > 1 && paragraphs[paragraphs.length - 1] === "") paragraphs.pop();
    const lines = paragraphs.reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0);
    if (block.style) block.style.setProperty("contain-intrinsic-block-size", `auto ${Math.round(lines * LINE_EMS * FONT_PX)}px`);
    return block;
  }

  /**
   * The DOM position of offset `offset`: [text node, offset in it]. With `atEnd`, an offset
   * where a piece starts is given as the end of the piece before.
   */
  function position(offset, atEnd = false) {
    const at = Math.max(0, Math.min(offset, data.length));
    const k = pieceAt(starts, at, atEnd);
    return [nodes[k], at - starts[k]];
  }

  /** Show `text`: the blocks and pieces are built anew (one DOM change). */
  function show(text) {
    data = text;
    const cut = cutText(text, sizes);
    starts = cut.pieces;
    firstPiece = cut.blocks;
    nodes = Array.from(starts, (start, k) => document.createTextNode(text.slice(start, pieceEnd(k))));
    indexOf.clear();
    nodes.forEach((node, k) => indexOf.set(node, k));
    const perLine = Math.max(20, Math.floor((width || 600) / (CHAR_EMS * FONT_PX)));
    blocks = Array.from(firstPiece, (_, b) => blockElement(b, perLine));
    element.replaceChildren(...blocks);
  }

  show("");

  return {
    /** The text shown. */
    get text() {
      return data;
    },

    /** How many UTF-16 units the text has. */
    get length() {
      return data.length;
    },

    /** The blocks' elements, in order. */
    get blocks() {
      return blocks;
    },

    /** Show `text`: the blocks and pieces are built anew (one DOM change). */
    show,

    /** Tell the text's width (px), for the size estimate of blocks not shown yet. */
    set width(px) {
      width = px;
    },

    /** The DOM position of an offset: see position() above. */
    position,

    /**
     * The offset in the whole text of a DOM position, or null when it is not in the text. A
     * position between the children of a block or of the text's element counts too.
     */
    offsetOf(node, offset) {
      const k = indexOf.get(node);
      if (k !== undefined) return starts[k] + Math.min(offset, node.data.length);
      if (node === element) return offset >= blocks.length ? data.length : starts[firstPiece[offset]];
      const b = blocks.indexOf(node);
      if (b === -1) return null;
      const next = b + 1 < blocks.length ? firstPiece[b + 1] : nodes.length;
      const piece = firstPiece[b] + offset;
      return piece < next ? starts[piece] : pieceEnd(next - 1);
    },

    /** A range over [start, end) of the text (it may cross pieces and blocks). */
    range(start, end) {
      const [startContainer, startOffset] = position(start);
      const [endContainer, endOffset] = end > start ? position(end, true) : [startContainer, startOffset];
      return makeRange({ startContainer, startOffset, endContainer, endOffset });
    },

    /** The offsets [from, to) the block elements `first`..`last` (indexes) hold. */
    blockSpan(first, last) {
      return [starts[firstPiece[first]], last + 1 < blocks.length ? starts[firstPiece[last + 1]] : data.length];
    },

    /**
     * The blocks [first, last] (indexes) meeting the client band [top, bottom], found by their
     * boxes (no block is laid out for it); null when none does.
     */
    blocksBetween(top, bottom) {
      let lo = 0;
      let hi = blocks.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (blocks[mid].getBoundingClientRect().bottom < top) lo = mid + 1;
        else hi = mid;
      }
      let last = lo - 1;
      while (last + 1 < blocks.length && blocks[last + 1].getBoundingClientRect().top <= bottom) last += 1;
      return last >= lo ? [lo, last] : null;
    },
  };
}
