// Differences between two texts, for highlighting in the A/B view. DOM-free (unit-tested in Node).
//
// Texts are split into words, runs of white space and single other characters; the longest common
// subsequence of the words and other characters is what stays, the rest is marked as changed.
// White space is left out of the comparison (a quarter of the work) and marked as changed only
// between two changed tokens, so a changed phrase is one highlight and a changed word no wider
// than itself. The common start and end are trimmed first, so similar texts cost little; texts
// too long to compare word by word are compared line by line (`by: "line"`), and beyond that not
// at all (`by: null`).

/** Largest table (tokens × tokens) compared at once: about 8 MB of 16-bit cells. */
export const MAX_CELLS = 4_000_000;

const WORD = /[\p{L}\p{M}\p{N}_]+|\s+|[^\p{L}\p{M}\p{N}_\s]/gu;
const LINE = /[^\n]*\n|[^\n]+/g;
const SPACE = /^\s+$/u;

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

/** Diff two token lists, white space aside; null when the table would exceed `maxCells`. */
export function diffTokens(x, y, maxCells = MAX_CELLS) {
  const xs = solid(x);
  const ys = solid(y);
  const changed = changedFlags(
    xs.map((i) => x[i]),
    ys.map((i) => y[i]),
    maxCells,
  );
  if (!changed) return null;
  return { left: segments(x, xs, changed.x), right: segments(y, ys, changed.y) };
}

/** Positions of the tokens that are not only white space. */
function solid(tokens) {
  const positions = [];
  tokens.forEach((token, i) => {
    if (!SPACE.test(token)) positions.push(i);
  });
  return positions;
}

/** For each token of `x` and of `y`, 1 when it is not part of their longest common subsequence. */
function changedFlags(x, y, maxCells) {
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start += 1;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end += 1;
  const n = x.length - start - end;
  const m = y.length - start - end;
  if ((n + 1) * (m + 1) > maxCells || n >= 65535 || m >= 65535) return null;
  const xs = x.slice(start, start + n);
  const ys = y.slice(start, start + m);
  // lcs[i][j]: length of the longest common subsequence of xs[i:] and ys[j:].
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = xs[i] === ys[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const changed = { x: new Uint8Array(x.length), y: new Uint8Array(y.length) };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && xs[i] === ys[j]) {
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
      changed.x[start + i++] = 1;
    } else {
      changed.y[start + j++] = 1;
    }
  }
  return changed;
}

/** The tokens as [text, changed] runs; white space is changed only between two changed tokens. */
function segments(tokens, solidAt, changed) {
  const flag = new Uint8Array(tokens.length);
  solidAt.forEach((at, k) => {
    flag[at] = changed[k];
  });
  for (let k = 1; k < solidAt.length; k += 1) {
    if (changed[k - 1] && changed[k]) flag.fill(1, solidAt[k - 1] + 1, solidAt[k]);
  }
  const out = [];
  tokens.forEach((token, i) => {
    const last = out[out.length - 1];
    if (last && last[1] === Boolean(flag[i])) last[0] += token;
    else if (token) out.push([token, Boolean(flag[i])]);
  });
  return out;
}
