import assert from "node:assert/strict";
import { test } from "node:test";
import { graphemeAt, graphemeCeil, graphemeFloor, nextGrapheme, nextWordEnd, normalizeRange, prevGrapheme, prevWordStart, wordAt } from "./segmentation.js";

const FAMILY = "👩‍👩‍👧"; // 8 UTF-16 units, one grapheme
const HARD = `Hi ${FAMILY} e\u0301t\u00e9 🇫🇷🇩🇪 日本語 שלום\r\nend`;

/** Every grapheme boundary of `text` by walking nextGrapheme from 0. */
function walk(text) {
  const stops = [0];
  while (stops[stops.length - 1] < text.length) stops.push(nextGrapheme(text, stops[stops.length - 1]));
  return stops;
}

/** The reference: Intl.Segmenter on the whole (short) text. */
function reference(text) {
  const stops = [0];
  for (const { index, segment } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)) stops.push(index + segment.length);
  return stops;
}

test("the caret steps over whole user-perceived characters", () => {
  const stops = walk(HARD);
  assert.deepEqual(stops, reference(HARD));
  const pieces = stops.slice(1).map((end, k) => HARD.slice(stops[k], end));
  assert.ok(pieces.includes(FAMILY));
  assert.ok(pieces.includes("e\u0301"));
  assert.ok(pieces.includes("🇫🇷") && pieces.includes("🇩🇪"));
  assert.ok(pieces.includes("\r\n"));
  // Walking back stops at the same places.
  const back = [HARD.length];
  while (back[back.length - 1] > 0) back.push(prevGrapheme(HARD, back[back.length - 1]));
  assert.deepEqual(back.reverse(), stops);
});

test("floor and ceil snap an offset inside a cluster to its edges", () => {
  const start = HARD.indexOf(FAMILY);
  for (let i = start + 1; i < start + FAMILY.length; i += 1) {
    assert.equal(graphemeFloor(HARD, i), start);
    assert.equal(graphemeCeil(HARD, i), start + FAMILY.length);
  }
  assert.equal(graphemeFloor(HARD, start), start);
  assert.equal(graphemeCeil(HARD, start), start);
  const crlf = HARD.indexOf("\r\n");
  assert.equal(graphemeFloor(HARD, crlf + 1), crlf);
  assert.deepEqual(graphemeAt(HARD, HARD.length), [HARD.length, HARD.length]);
  assert.equal(graphemeCeil(HARD, 0), 0);
});

test("clusters longer than the segmentation window are kept whole", () => {
  const zalgo = `a${"\u0301".repeat(300)}b`;
  assert.deepEqual(graphemeAt(zalgo, 150), [0, 301]);
  assert.equal(nextGrapheme(zalgo, 0), 301);
  assert.equal(prevGrapheme(zalgo, 301), 0);
});

test("long texts agree with whole-text segmentation", () => {
  let text = "";
  for (let i = 0; i < 300; i += 1) text += [HARD, " ", FAMILY.repeat(3), "x".repeat(i % 7), "\n"][i % 5];
  assert.deepEqual(walk(text), reference(text));
  // A text without any space: the window falls back to a position that starts a character.
  const dense = "🇫🇷".repeat(3000) + FAMILY;
  assert.equal(nextGrapheme(dense, dense.length - FAMILY.length), dense.length);
  assert.equal(prevGrapheme(dense, dense.length), dense.length - FAMILY.length);
});

test("words: next end and previous start skip spaces and punctuation", () => {
  const text = "Ana met Bob, in Paris. 日本語";
  assert.equal(nextWordEnd(text, 0), 3);
  assert.equal(nextWordEnd(text, 3), 7);
  assert.equal(nextWordEnd(text, 8), 11);
  assert.equal(nextWordEnd(text, 11), 15);
  assert.equal(prevWordStart(text, text.length), text.indexOf("日"));
  assert.equal(prevWordStart(text, 11), 8);
  assert.equal(prevWordStart(text, 10), 8); // from inside a word: its start
  assert.equal(prevWordStart(text, 0), 0);
  assert.equal(nextWordEnd(text, text.length), text.length);
  assert.equal(nextWordEnd("   ", 0), 3);
  assert.equal(prevWordStart("...", 3), 0);
});

test("words in a long text far from any space", () => {
  const text = `${"word ".repeat(2000)}final`;
  assert.equal(prevWordStart(text, text.length), text.length - 5);
  assert.equal(nextWordEnd(text, 0), 4);
});

test("tokens replace words when the task has them", () => {
  const text = "New York-based firm";
  const tokens = Int32Array.from([0, 3, 4, 8, 8, 9, 9, 14, 15, 19]); // New York - based firm
  assert.equal(nextWordEnd(text, 0, tokens), 3);
  assert.equal(nextWordEnd(text, 3, tokens), 8);
  assert.equal(nextWordEnd(text, 8, tokens), 9);
  assert.equal(nextWordEnd(text, 19, tokens), 19);
  assert.equal(prevWordStart(text, 19, tokens), 15);
  assert.equal(prevWordStart(text, 15, tokens), 9);
  assert.equal(prevWordStart(text, 10, tokens), 9);
  assert.equal(prevWordStart(text, 0, tokens), 0);
  assert.deepEqual(wordAt(text, 5, tokens), [4, 8]);
  assert.deepEqual(wordAt(text, 3, tokens), [3, 4]); // a space between tokens: that character
});

test("a double click takes the word under it, or the character", () => {
  const text = `Hello, wörld ${FAMILY}!`;
  assert.deepEqual(wordAt(text, 8), [7, 12]);
  assert.deepEqual(wordAt(text, 5), [5, 6]);
  const at = text.indexOf(FAMILY);
  assert.deepEqual(wordAt(text, at + 3), [at, at + FAMILY.length]);
});

test("a selection is snapped to graphemes, trimmed, then snapped to tokens", () => {
  const text = `  Paris ${FAMILY} x`;
  const at = text.indexOf(FAMILY);
  assert.deepEqual(normalizeRange(text, 0, 8), [2, 7]);
  assert.deepEqual(normalizeRange(text, 8, 2), [2, 7]); // backwards
  assert.deepEqual(normalizeRange(text, at + 1, at + 2), [at, at + FAMILY.length]);
  assert.equal(normalizeRange(text, 0, 2), null);
  assert.equal(normalizeRange(text, 3, 3), null);
  const tokens = Int32Array.from([2, 7, at, at + FAMILY.length, text.length - 1, text.length]);
  assert.deepEqual(normalizeRange(text, 4, 5, tokens), [2, 7]);
  assert.deepEqual(normalizeRange(text, 4, at + 1, tokens), [2, at + FAMILY.length]);
  const gaps = Int32Array.from([2, 4, 6, 7]); // tokens that leave gaps
  assert.deepEqual(normalizeRange(text, 4, 6, gaps), null);
  assert.deepEqual(normalizeRange(text, 3, 7, gaps), [2, 7]);
});

test("a selection starting on a space that carries a combining mark starts after the whole cluster", () => {
  const text = "a \u0301bc d";
  assert.deepEqual(normalizeRange(text, 1, 5), [3, 5]);
  assert.deepEqual(normalizeRange("x\r\n\r\nyz", 1, 7), [5, 7]);
});
