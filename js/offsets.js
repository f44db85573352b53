// Python code points ↔ JavaScript UTF-16 code units, for one text.
//
// The kernel, the store and the wire count span offsets in Python code points (`text[start:end]`
// is the span); the DOM, `String.prototype.slice` and selections count UTF-16 code units. They
// differ by one for every character outside the Basic Multilingual Plane (emoji, rare CJK,
// historic scripts), which a JavaScript string holds as a surrogate pair. This module is the one
// place that converts between the two; every offset entering or leaving the browser goes through
// an OffsetMap built for its text.
//
// A lone surrogate (invalid UTF-16, but possible in a JavaScript string) counts as one code point,
// as the same unpaired surrogate does in a Python string.

/** Conversions between code-point and UTF-16 offsets of one text, in O(log n) each. */
export class OffsetMap {
  /** @param {string} text */
  constructor(text) {
    if (typeof text !== "string") throw new TypeError(`OffsetMap needs a string, got ${typeof text}`);
    const pairs = [];
    for (let i = 0; i < text.length - 1; i += 1) {
      if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
        pairs.push(i);
        i += 1;
      }
    }
    /** UTF-16 index of the high surrogate of each astral character, ascending. */
    this.pairs = Int32Array.from(pairs);
    /** Length in UTF-16 code units. */
    this.utf16Length = text.length;
    /** Length in code points (Python's `len(text)`). */
    this.length = text.length - pairs.length;
  }

  /**
   * The UTF-16 offset of code-point offset `cp` (0 ≤ cp ≤ length).
   * @param {number} cp
   * @returns {number}
   */
  toUtf16(cp) {
    checkOffset(cp, this.length, "code-point");
    const pairs = this.pairs;
    // The k-th astral character starts at code point pairs[k] - k; count those before `cp`.
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pairs[mid] - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /**
   * The code-point offset of UTF-16 offset `u16` (0 ≤ u16 ≤ utf16Length). An offset between the
   * two halves of a surrogate pair names no code point: it raises a RangeError.
   * @param {number} u16
   * @returns {number}
   */
  toCodePoint(u16) {
    checkOffset(u16, this.utf16Length, "UTF-16");
    const before = this.#pairsBefore(u16);
    if (before > 0 && this.pairs[before - 1] === u16 - 1) {
      throw new RangeError(`UTF-16 offset ${u16} falls inside a surrogate pair (one astral character)`);
    }
    return u16 - before;
  }

  /** True when `u16` is a code-point boundary (not inside a surrogate pair). */
  isBoundary(u16) {
    if (!Number.isInteger(u16) || u16 < 0 || u16 > this.utf16Length) return false;
    const before = this.#pairsBefore(u16);
    return !(before > 0 && this.pairs[before - 1] === u16 - 1);
  }

  /** Number of astral characters starting before UTF-16 offset `u16`. */
  #pairsBefore(u16) {
    const pairs = this.pairs;
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pairs[mid] < u16) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function isHigh(unit) {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit) {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function checkOffset(offset, length, unit) {
  if (!Number.isInteger(offset) || offset < 0 || offset > length) {
    throw new RangeError(`${unit} offset ${offset} is outside the text (0–${length})`);
  }
}
