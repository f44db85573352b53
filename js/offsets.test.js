import assert from "node:assert/strict";
import { test } from "node:test";
import { OffsetMap } from "./offsets.js";

// Pieces of the texts that break span tools: astral emoji, ZWJ sequences, flags, skin tones,
// variation selectors, combining marks, CJK (BMP and astral), right-to-left scripts, \r\n.
const PIECES = [
  "a", "Z", " ", "  ", ".", ",", "\n", "\r\n", "\t", "é",
  "e\u0301", "n\u0303", "a\u0308\u0301", "\u0301",
  "日本語", "中文", "𠀋", "𪚥", "한국어",
  "שלום", "مرحبا", "\u200f", "\u200e",
  "😀", "👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "🇫🇷", "🇩🇪", "❤️", "\u200d", "\ufe0f",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "<b>", "&amp;",
];

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(next, maxPieces = 40) {
  const count = Math.floor(next() * maxPieces);
  let text = "";
  for (let i = 0; i < count; i += 1) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

/** The reference: code points as Python counts them (Array.from splits a string by code point). */
function codePoints(text) {
  return Array.from(text);
}

function checkText(text) {
  const map = new OffsetMap(text);
  const points = codePoints(text);
  assert.equal(map.length, points.length, `length of ${JSON.stringify(text)}`);
  assert.equal(map.utf16Length, text.length);
  let u16 = 0;
  for (let cp = 0; cp <= points.length; cp += 1) {
    assert.equal(map.toUtf16(cp), u16, `toUtf16(${cp}) of ${JSON.stringify(text)}`);
    assert.equal(map.toCodePoint(u16), cp, `toCodePoint(${u16}) of ${JSON.stringify(text)}`);
    assert.ok(map.isBoundary(u16));
    if (cp < points.length) {
      if (points[cp].length === 2) {
        assert.throws(() => map.toCodePoint(u16 + 1), RangeError);
        assert.equal(map.isBoundary(u16 + 1), false);
      }
      u16 += points[cp].length;
    }
  }
  return { map, points };
}

test("plain BMP text maps one to one", () => {
  const map = new OffsetMap("hello, 日本語 and שלום\r\n");
  assert.equal(map.length, 21);
  assert.equal(map.toUtf16(21), 21);
  assert.equal(map.toCodePoint(7), 7);
  assert.equal(map.pairs.length, 0);
});

test("astral characters take two UTF-16 units and one code point", () => {
  const text = "a😀b👩‍👩‍👧c";
  const map = new OffsetMap(text);
  // a 😀 b 👩 ZWJ 👩 ZWJ 👧 c: 9 code points, 13 UTF-16 units
  assert.equal(map.length, 9);
  assert.equal(map.utf16Length, 13);
  assert.equal(map.toUtf16(2), 3); // "b"
  assert.equal(text.slice(map.toUtf16(3), map.toUtf16(8)), "👩‍👩‍👧");
  assert.equal(map.toCodePoint(12), 8); // "c"
  assert.throws(() => map.toCodePoint(2), /inside a surrogate pair/);
});

test("out-of-range and non-integer offsets are refused", () => {
  const map = new OffsetMap("ab😀");
  assert.throws(() => map.toUtf16(4), /outside the text \(0–3\)/);
  assert.throws(() => map.toUtf16(-1), RangeError);
  assert.throws(() => map.toUtf16(1.5), RangeError);
  assert.throws(() => map.toCodePoint(5), /outside the text \(0–4\)/);
  assert.throws(() => map.toCodePoint("1"), RangeError);
  assert.throws(() => new OffsetMap(null), TypeError);
  assert.equal(map.isBoundary(99), false);
});

test("the empty text has one offset", () => {
  const map = new OffsetMap("");
  assert.equal(map.length, 0);
  assert.equal(map.toUtf16(0), 0);
  assert.equal(map.toCodePoint(0), 0);
});

test("lone surrogates count as one code point each, as in Python", () => {
  for (const text of ["\ud800", "a\udc00b", "\udc00\ud800", "\ud800\ud83d\ude00", "x\ud83d"]) checkText(text);
  const map = new OffsetMap("\ud800\ud83d\ude00");
  assert.equal(map.length, 2); // a lone high surrogate, then 😀
});

test("property: random texts round-trip every offset and slice like Python", () => {
  const next = random(20240611);
  for (let run = 0; run < 400; run += 1) {
    const text = randomText(next);
    const { map, points } = checkText(text);
    // Any span [a, b) in code points slices the same characters in UTF-16.
    for (let k = 0; k < 5; k += 1) {
      const a = Math.floor(next() * (points.length + 1));
      const b = a + Math.floor(next() * (points.length - a + 1));
      assert.equal(text.slice(map.toUtf16(a), map.toUtf16(b)), points.slice(a, b).join(""));
    }
  }
});

test("property: long texts with many astral characters stay exact", () => {
  const next = random(7);
  let text = "";
  while (text.length < 20000) text += randomText(next, 200);
  const map = new OffsetMap(text);
  const points = codePoints(text);
  const starts = [0];
  for (const point of points) starts.push(starts[starts.length - 1] + point.length);
  for (let k = 0; k < 2000; k += 1) {
    const cp = Math.floor(next() * (points.length + 1));
    assert.equal(map.toUtf16(cp), starts[cp]);
    assert.equal(map.toCodePoint(starts[cp]), cp);
  }
});
