// Where a caret may stop in a text: grapheme clusters, words and tokens (UTF-16 offsets).
//
// A caret never stops inside a user-perceived character: not between the halves of a surrogate
// pair, inside a ZWJ emoji sequence (👩‍👩‍👧), between a letter and its combining mark or between
// \r and \n. Segmentation uses Intl.Segmenter on a small window around the offset, never the
// whole text (segmenting a 100,000-character text takes V8 seconds). A window starts at a
// position that is a grapheme boundary whatever came before: after a line feed, or after a
// space or tab that is not followed by a mark or joiner (Unicode text segmentation, UAX #29).

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const words = new Intl.Segmenter(undefined, { granularity: "word" });

/** Characters that attach to the one before (no grapheme boundary before them). */
const ATTACHES = /^[\p{M}\u200c\u200d\u0e33\u0eb3\p{Emoji_Modifier}\u{e0020}-\u{e007f}]/u;
const SPACE = /\s/u;
const WINDOW = 64;
const MAX_BACK = 4096;

/**
 * A position at or before `i` that is surely a grapheme boundary (looking back at most 4096
 * units; beyond that, a position that at least starts a character).
 * @param {string} text
 * @param {number} i
 */
function safeStart(text, i) {
  const floor = Math.max(0, i - MAX_BACK);
  for (let p = i; p > floor; p -= 1) if (isSafeBoundary(text, p)) return p;
  return floor === 0 ? 0 : Math.min(i, settle(text, floor));
}

/**
 * True when UTF-16 offset `p` (0 < p ≤ length) is a grapheme boundary whatever came before it:
 * just after a line feed, or after a space or tab that no mark or joiner follows.
 * @param {string} text
 * @param {number} p
 */
export function isSafeBoundary(text, p) {
  const before = text.charCodeAt(p - 1);
  if (before === 0x0a) return true;
  return (before === 0x20 || before === 0x09) && !ATTACHES.test(text.slice(p, p + 2));
}

/** Move `p` forward past anything that cannot start a grapheme (rare: no space for 4096 units). */
function settle(text, p) {
  while (p < text.length && (isLow(text.charCodeAt(p)) || ATTACHES.test(text.slice(p, p + 2)) || text.charCodeAt(p - 1) === 0x200d)) p += 1;
  return p;
}

function isLow(unit) {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * The grapheme cluster around UTF-16 offset `i`: `[start, end]` with start ≤ i < end, or
 * `[i, i]` when `i` is at the end of the text.
 */
export function graphemeAt(text, i) {
  if (i >= text.length) return [text.length, text.length];
  const start = safeStart(text, i);
  let size = i - start + WINDOW;
  for (;;) {
    const stop = Math.min(text.length, start + size);
    for (const { index, segment } of graphemes.segment(text.slice(start, stop))) {
      const end = start + index + segment.length;
      if (end > i && (end < stop || stop === text.length)) return [start + index, end];
      if (end > i) break; // the cluster may go on past the window: widen it
    }
    size *= 4;
  }
}

/** Offset `i` moved back to the start of its grapheme cluster (a boundary stays put). */
export function graphemeFloor(text, i) {
  return i >= text.length ? text.length : graphemeAt(text, i)[0];
}

/** Offset `i` moved forward to the end of its grapheme cluster (a boundary stays put). */
export function graphemeCeil(text, i) {
  if (i <= 0 || i >= text.length) return Math.max(0, Math.min(i, text.length));
  const [start, end] = graphemeAt(text, i);
  return start === i ? i : end;
}

/** The grapheme boundary after `i` (the end of the text stays put). */
export function nextGrapheme(text, i) {
  return i >= text.length ? text.length : graphemeAt(text, i)[1];
}

/** The grapheme boundary before `i` (0 stays put). */
export function prevGrapheme(text, i) {
  return i <= 0 ? 0 : graphemeAt(text, i - 1)[0];
}

/**
 * Word-like stretches near `i`: an array of [start, end] from Intl.Segmenter's word segments
 * (letters, digits, ideographs; not spaces or punctuation) in [from, to).
 */
function wordSegments(text, from, to) {
  const found = [];
  for (const { index, segment, isWordLike } of words.segment(text.slice(from, to))) {
    if (isWordLike) found.push([from + index, from + index + segment.length]);
  }
  return found;
}

/** Where a word segmentation window may end without cutting a word: at whitespace. */
function safeEnd(text, i) {
  const limit = Math.min(text.length, i + MAX_BACK);
  for (let p = i; p < limit; p += 1) if (SPACE.test(text[p])) return p;
  return limit;
}

/**
 * The end of the next word (token) after `i`, or the end of the text.
 * @param {string} text
 * @param {number} i
 * @param {Int32Array|null} tokens  flat [start, end, ...] UTF-16 token offsets, or null
 */
export function nextWordEnd(text, i, tokens = null) {
  if (tokens) {
    const k = firstTokenEndingAfter(tokens, i);
    return k < tokens.length / 2 ? tokens[2 * k + 1] : text.length;
  }
  let from = safeStart(text, i);
  while (from < text.length) {
    const to = safeEnd(text, Math.min(text.length, Math.max(i, from) + WINDOW));
    const found = wordSegments(text, from, to).find(([, end]) => end > i);
    if (found) return found[1];
    if (to >= text.length) break;
    from = to;
  }
  return text.length;
}

/** The start of the word (token) before `i`, or 0. */
export function prevWordStart(text, i, tokens = null) {
  if (tokens) {
    const k = firstTokenStartingAt(tokens, i);
    return k > 0 ? tokens[2 * (k - 1)] : 0;
  }
  let to = i;
  while (to > 0) {
    const from = safeStart(text, Math.max(0, to - WINDOW));
    const found = wordSegments(text, from, safeEnd(text, to)).filter(([start]) => start < i);
    if (found.length) return found[found.length - 1][0];
    to = from;
  }
  return 0;
}

/**
 * The word (token) at `i` for a double click: `[start, end]`; outside any word, the grapheme
 * cluster at `i`.
 */
export function wordAt(text, i, tokens = null) {
  if (tokens) {
    const k = firstTokenEndingAfter(tokens, i);
    if (k < tokens.length / 2 && tokens[2 * k] <= i) return [tokens[2 * k], tokens[2 * k + 1]];
    return graphemeAt(text, i);
  }
  const from = safeStart(text, i);
  const found = wordSegments(text, from, safeEnd(text, i + 1)).find(([start, end]) => start <= i && i < end);
  return found || graphemeAt(text, i);
}

/**
 * The range a selection stands for: snapped out to whole grapheme clusters, trimmed of spaces
 * at both ends, then snapped to the whole tokens it touches. Returns null when nothing is left
 * (only spaces, or no token touched).
 * @returns {[number, number]|null}
 */
export function normalizeRange(text, start, end, tokens = null) {
  let a = graphemeFloor(text, Math.min(start, end));
  let b = graphemeCeil(text, Math.max(start, end));
  // Leading spaces go cluster by cluster (a space may carry a combining mark); a trailing space
  // always ends its cluster.
  while (a < b && SPACE.test(text[a])) a = Math.min(b, nextGrapheme(text, a));
  while (b > a && SPACE.test(text[b - 1])) b -= 1;
  if (a >= b) return null;
  if (!tokens) return [a, b];
  const first = firstTokenEndingAfter(tokens, a);
  const last = firstTokenStartingAt(tokens, b) - 1;
  if (last < first) return null;
  return [tokens[2 * first], tokens[2 * last + 1]];
}

/** Index of the first token whose end is after `i` (tokens are sorted and disjoint). */
function firstTokenEndingAfter(tokens, i) {
  let lo = 0;
  let hi = tokens.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[2 * mid + 1] <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first token whose start is at or after `i`. */
function firstTokenStartingAt(tokens, i) {
  let lo = 0;
  let hi = tokens.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[2 * mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
