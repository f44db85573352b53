import assert from "node:assert/strict";
import { test } from "node:test";
import { diffTexts, diffTokens, tokenize } from "./diff.js";

const joined = (segments) => segments.map(([text]) => text).join("");
const changed = (segments) => segments.filter(([, differs]) => differs).map(([text]) => text);

test("tokens give the text back", () => {
  const text = "Héllo,  wörld!\nשלום 👩‍👩‍👧 e\u0301 日本語 x_1";
  assert.equal(tokenize(text).join(""), text);
  assert.deepEqual(tokenize("a, b"), ["a", ",", " ", "b"]);
});

test("changed words are marked on each side, the rest is kept", () => {
  const { left, right, by } = diffTexts("The cat sat on the mat.", "The dog sat on a mat.");
  assert.equal(by, "word");
  assert.equal(joined(left), "The cat sat on the mat.");
  assert.equal(joined(right), "The dog sat on a mat.");
  assert.deepEqual(changed(left), ["cat", "the"]);
  assert.deepEqual(changed(right), ["dog", "a"]);
});

test("insertions and deletions", () => {
  const { left, right } = diffTexts("one two three", "one three four");
  assert.deepEqual(changed(left), ["two"]);
  assert.deepEqual(changed(right), ["four"]);
});

test("a changed phrase is one highlight; white space alone is not a change", () => {
  const { left, right } = diffTexts("keep it short and clear, please", "keep it  long and very vague, please");
  assert.deepEqual(changed(left), ["short", "clear"]);
  assert.deepEqual(changed(right), ["long", "very vague"]);
  assert.equal(joined(right), "keep it  long and very vague, please");
  assert.deepEqual(diffTexts("a  b\n", "a b").left, [["a  b\n", false]]);
});

test("identical, empty and missing texts", () => {
  assert.deepEqual(diffTexts("same text", "same text"), { left: [["same text", false]], right: [["same text", false]], by: "word" });
  assert.deepEqual(diffTexts("", "new"), { left: [], right: [["new", true]], by: "word" });
  assert.deepEqual(diffTexts(null, "x").right, [["x", true]]);
});

test("long texts fall back to lines, then to no comparison", () => {
  const a = Array.from({ length: 60 }, (_, i) => `line ${i} with words`).join("\n");
  const b = a.replace("line 5 with words", "line five with words").replace("line 55 with words", "line 55 with other words");
  const words = diffTexts(a, b);
  assert.equal(words.by, "word");
  assert.deepEqual(changed(words.left), ["5"]);
  const lines = diffTexts(a, b, 5000);
  assert.equal(lines.by, "line");
  assert.deepEqual(changed(lines.left), ["line 5 with words\n", "line 55 with words\n"]);
  assert.equal(joined(lines.right), b);
  const none = diffTexts("a b c d e f", "f e d c b a", 3);
  assert.equal(none.by, null);
  assert.deepEqual(none.left, [["a b c d e f", false]]);
});

test("two different 5,000-character texts compare word by word", () => {
  const words = (seed) => Array.from({ length: 900 }, (_, i) => `w${(i * seed) % 97}`).join(" ");
  const a = words(7).slice(0, 5000);
  const b = words(11).slice(0, 5000);
  const result = diffTexts(a, b);
  assert.equal(result.by, "word");
  assert.equal(joined(result.left), a);
  assert.equal(joined(result.right), b);
});

test("token diff keeps a longest common subsequence", () => {
  const { left, right } = diffTokens(["a", "b", "c", "d"], ["b", "x", "d"]);
  assert.deepEqual(left, [["a", true], ["b", false], ["c", true], ["d", false]]);
  assert.deepEqual(right, [["b", false], ["x", true], ["d", false]]);
});
