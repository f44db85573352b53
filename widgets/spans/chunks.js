// How the span view cuts an item's text for the DOM, free of any DOM (tested in Node).
//
// A long text is laid out and painted in parts, so that a keypress touches only the part it
// changes: the text is cut into blocks (elements the browser lays out and paints on their own,
// skipping those out of view) and each block into pieces (one text node each, so a span's
// highlight invalidates a few hundred characters, not the whole text). Cuts never change what is
// shown: a block ends just after a line feed (a paragraph stays in one block, so line breaking and
// bidirectional text are the same as in one element); a piece ends where a grapheme cluster surely
// ends and no word is cut: after a line feed, or after a space or tab no mark or joiner follows
// (a run without such a place, e.g. Chinese or Thai text, is cut at a grapheme boundary).
// Offsets are UTF-16 code units, as the DOM counts them.

import { graphemeCeil, isSafeBoundary } from "./segmentation.js";

/** About how many UTF-16 units a block holds (it runs on to the end of its paragraph). */
export const BLOCK_SIZE = 2048;
/** About how many UTF-16 units a piece (one text node) holds. */
export const PIECE_SIZE = 512;

/**
 * Where the pieces and blocks of `text` start.
 * @param {string} text
 * @param {{block?: number, piece?: number}} [sizes]
 * @returns {{pieces: Int32Array, blocks: Int32Array}}  `pieces`: the offset each piece starts
 *   at (the first is 0; an empty text has one empty piece); `blocks`: the index of the first
 *   piece of each block (the first is 0)
 */
export function cutText(text, { block = BLOCK_SIZE, piece = PIECE_SIZE } = {}) {
  const pieces = [0];
  const blocks = [0];
  let start = 0;
  while (start < text.length) {
    const feed = text.length - start > block ? text.indexOf("\n", start + block - 1) : -1;
    const end = feed === -1 ? text.length : feed + 1;
    cutPieces(text, start, end, piece, pieces);
    if (end < text.length) {
      pieces.push(end);
      blocks.push(pieces.length - 1);
    }
    start = end;
  }
  return { pieces: Int32Array.from(pieces), blocks: Int32Array.from(blocks) };
}

/** Push the starts of the pieces after the first of block [start, end) onto `pieces`. */
function cutPieces(text, start, end, size, pieces) {
  let at = start;
  while (end - at > size) {
    const cut = cutAfter(text, at + size, Math.min(end, at + 4 * size));
    if (cut <= at || cut >= end) return;
    pieces.push(cut);
    at = cut;
  }
}

/** The first safe boundary in [from, to), else the grapheme boundary at or after `from`. */
function cutAfter(text, from, to) {
  for (let p = from; p < to; p += 1) if (isSafeBoundary(text, p)) return p;
  return graphemeCeil(text, from);
}

/**
 * The piece holding offset `offset`: the last piece starting at or before it. With `atEnd`, an
 * offset where a piece starts belongs to the piece before (a range ending there ends in it).
 * @param {Int32Array} starts  the pieces' (or blocks') starts, ascending, the first 0
 * @param {number} offset
 * @param {boolean} [atEnd]
 */
export function pieceAt(starts, offset, atEnd = false) {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atEnd ? starts[mid] < offset : starts[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}
