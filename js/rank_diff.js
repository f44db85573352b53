// Differences between two texts, for highlighting in the A/B view. DOM-free (unit-tested in Node).
//
// Texts are split into words, runs of white space and single other characters; the longest common
// subsequence of those tokens is what stays, the rest is marked as changed. The common start and
// end are trimmed first, so similar texts cost little; texts too long to compare word by word
// are compared line by line (`by: "line"`), and beyond that not at all (`by: null`).

/** Largest table (tokens × tokens) compared at once: about 8 MB of 16-bit cells. */
export const MAX_CELLS = 4_000_000;

const WORD = /[\p{L}\p{M}\p{N}_]+|\s+|[^\p{L}\p{M}\p{N}_\s]/gu;
const LINE = /[^\n]*\n|[^\n]+/g;

/** Split a text into words, white space and single other characters (joined, they give it back). */
export function tokenize(text) {
  return String(text).match(WORD) || [];
}

/**
 * Compare two texts.
 * @param {string} a  the left text
 * @param {string} b  the right text
 * @returns {{left: [string, boolean][], right: [string, boolean][], by: "word"|"line"|null}}
 *   each side as [text, changed] segments (joined, they give the text back)
 */
export function diffTexts(a, b, maxCells = MAX_CELLS) {
  a = a === null || a === undefined ? "" : String(a);
  b = b === null || b === undefined ? "" : String(b);
  for (const [by, split] of [["word", tokenize], ["line", (text) => text.match(LINE) || []]]) {
    const result = diffTokens(split(a), split(b), maxCells);
    if (result) return { ...result, by };
  }
  return { left: a ? [[a, false]] : [], right: b ? [[b, false]] : [], by: null };
}

/** Diff two token lists; null when the table would exceed `maxCells`. */
export function diffTokens(x, y, maxCells = MAX_CELLS) {
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start += 1;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end += 1;
  const xs = x.slice(start, x.length - end);
  const ys = y.slice(start, y.length - end);
  const n = xs.length;
  const m = ys.length;
  if ((n + 1) * (m + 1) > maxCells || n >= 65535 || m >= 65535) return null;
  // lcs[i][j]: length of the longest common subsequence of xs[i:] and ys[j:].
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = xs[i] === ys[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const left = [];
  const right = [];
  const add = (side, text, changed) => {
    const last = side[side.length - 1];
    if (last && last[1] === changed) last[0] += text;
    else if (text) side.push([text, changed]);
  };
  add(left, x.slice(0, start).join(""), false);
  add(right, y.slice(0, start).join(""), false);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && xs[i] === ys[j]) {
      add(left, xs[i++], false);
      add(right, ys[j++], false);
    } else if (j >= m || (i < n && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
      add(left, xs[i++], true);
    } else {
      add(right, ys[j++], true);
    }
  }
  add(left, x.slice(x.length - end).join(""), false);
  add(right, y.slice(y.length - end).join(""), false);
  return { left, right };
}
