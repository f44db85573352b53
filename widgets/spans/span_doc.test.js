import assert from "node:assert/strict";
import { test } from "node:test";
import { SpanDoc } from "./span_doc.js";

const FAMILY = "👩‍👩‍👧";

function doc(text, options = {}) {
  return new SpanDoc({ text, ...options });
}

/** Select [a, b) by code points as a Python user would count them, through the keyboard API. */
function selectByKeys(d, fromU16, toU16) {
  d.setCaret(fromU16);
  while (d.caret < toU16) d.moveCaret("char", 1, true);
}

test("keyboard: select characters with Shift and apply a label", () => {
  const d = doc("Ana lives in Paris.");
  d.setCaret(13);
  for (let i = 0; i < 5; i += 1) d.moveCaret("char", 1, true);
  assert.deepEqual(d.selection(), [13, 18]);
  assert.ok(d.applyLabel("LOC"));
  assert.deepEqual(d.value(), [{ start: 13, end: 18, label: "LOC" }]);
  assert.equal(d.focus.kind, "span");
  assert.equal(d.anchor, null);
  assert.ok(d.changed());
});

test("offsets leave in code points, whatever the text holds", () => {
  const text = `${FAMILY} Zoë e\u0301 😀 日本 Tel Aviv שלום\r\nLine`;
  const d = doc(text);
  const py = Array.from(text); // Python's view of the text
  const cases = [FAMILY, "e\u0301", "😀", "日本", "שלום", "Line", "\r\nLine"];
  for (const piece of cases) {
    const at = text.indexOf(piece);
    selectByKeys(d, at, at + piece.length);
    d.applyLabel(`L${piece.length}`);
  }
  for (const span of d.value()) {
    const sliced = py.slice(span.start, span.end).join("");
    assert.ok(cases.includes(sliced), `${JSON.stringify(sliced)} is not one of the selected pieces`);
  }
  assert.equal(d.value().length, cases.length - 1, "\\r\\nLine is trimmed to Line, already labeled");
});

test("words: Ctrl-style moves by word, Shift extends", () => {
  const d = doc("Ana met Bob in New York today");
  d.setCaret(15);
  d.moveCaret("word", 1, true);
  d.moveCaret("word", 1, true);
  assert.deepEqual(d.selection(), [15, 23]);
  d.applyLabel("LOC");
  d.moveCaret("word", -1);
  d.moveCaret("word", -1);
  assert.equal(d.caret, 15);
  d.moveCaret("char", 1);
  assert.equal(d.caret, 16);
});

test("an arrow without Shift collapses the selection to its side", () => {
  const d = doc("abcdef");
  d.setCaret(1);
  d.moveCaret("char", 1, true);
  d.moveCaret("char", 1, true);
  d.moveCaret("char", -1);
  assert.equal(d.caret, 1);
  assert.equal(d.anchor, null);
});

test("token snapping: a partial selection covers whole tokens", () => {
  const text = "The New York-based firm";
  // "whitespace" tokens in code points: The / New / York-based / firm
  const d = doc(text, { tokens: [0, 3, 4, 7, 8, 18, 19, 23] });
  d.selectRange(5, 10);
  assert.deepEqual(d.selection(), [4, 18]);
  d.applyLabel("ORG");
  assert.deepEqual(d.value(), [{ start: 4, end: 18, label: "ORG" }]);
  assert.equal(d.selectRange(3, 4), false);
  assert.match(d.notice, /no token/);
  assert.equal(d.applyLabel("ORG"), false);
});

test("tokens arrive in code points and are used in UTF-16", () => {
  const text = `${FAMILY} and 😀x`;
  const d = doc(text, { tokens: [0, 5, 6, 9, 10, 12] });
  d.selectWord(text.indexOf("😀") + 1);
  d.applyLabel("EMO");
  assert.deepEqual(d.value(), [{ start: 10, end: 12, label: "EMO" }]);
  assert.equal(Array.from(text).slice(10, 12).join(""), "😀x");
});

test("without overlap a new span replaces the spans it overlaps; undo restores them", () => {
  const d = doc("New York City");
  d.selectRange(0, 8);
  d.applyLabel("LOC");
  d.selectRange(4, 13);
  d.applyLabel("ORG");
  assert.deepEqual(d.value(), [{ start: 4, end: 13, label: "ORG" }]);
  assert.match(d.notice, /Replaced “New York” \(LOC\)/);
  assert.ok(d.undo());
  assert.deepEqual(d.value(), [{ start: 0, end: 8, label: "LOC" }]);
  assert.ok(d.undo());
  assert.deepEqual(d.value(), []);
  assert.equal(d.undo(), false);
  assert.equal(d.changed(), false);
});

test("with overlap, nested and crossing spans coexist and get drawing layers", () => {
  const d = doc("Bank of New York Mellon", { overlap: true });
  d.selectRange(0, 23);
  d.applyLabel("ORG");
  d.selectRange(8, 16);
  d.applyLabel("LOC");
  d.selectRange(12, 23);
  d.applyLabel("X");
  d.selectRange(8, 16);
  d.applyLabel("GPE"); // same extent, other label: allowed with overlap
  assert.equal(d.value().length, 4);
  const layers = d.layers();
  const byLabel = Object.fromEntries(d.spans.map((span) => [span.label, layers.get(span)]));
  assert.equal(byLabel.ORG, 0);
  assert.ok(byLabel.LOC >= 1 && byLabel.GPE >= 1 && byLabel.LOC !== byLabel.GPE);
  assert.ok(byLabel.X >= 1);
});

test("the same span twice is refused and focused", () => {
  const d = doc("Paris");
  d.selectRange(0, 5);
  d.applyLabel("LOC");
  d.selectRange(0, 5);
  assert.equal(d.applyLabel("LOC"), false);
  assert.match(d.notice, /already labeled/);
  assert.equal(d.value().length, 1);
});

test("a label key without a selection explains what to do", () => {
  const d = doc("Paris");
  assert.equal(d.applyLabel("LOC"), false);
  assert.match(d.notice, /Select some text first/);
  d.selectRange(0, 0);
  assert.equal(d.applyLabel("LOC"), false);
  d.setCaret(0);
  d.moveCaret("char", 1, true);
  d.moveCaret("char", -1, true);
  assert.equal(d.selection(), null);
});

test("a focused span is relabelled by a label key and deleted by Delete", () => {
  const d = doc("Ana and Bob");
  d.selectRange(0, 3);
  d.applyLabel("PER");
  d.selectRange(8, 11);
  d.applyLabel("PER");
  d.setCaret(5);
  d.focusNext(-1);
  assert.equal(d.focus.item.start, 0);
  d.applyLabel("ORG");
  assert.deepEqual(d.value().map((s) => s.label), ["ORG", "PER"]);
  d.focusNext(1);
  assert.equal(d.focus.item.start, 8);
  d.focusNext(1); // wraps around
  assert.equal(d.focus.item.start, 0);
  assert.ok(d.deleteFocused());
  assert.deepEqual(d.value(), [{ start: 8, end: 11, label: "PER" }]);
  assert.equal(d.deleteFocused(), false);
  assert.match(d.notice, /Nothing to delete/);
});

test("relabelling onto an identical span merges them", () => {
  const d = doc("Ana", { overlap: true });
  d.selectRange(0, 3);
  d.applyLabel("PER");
  d.selectRange(0, 3);
  d.applyLabel("ORG");
  d.clickAt(1);
  assert.equal(d.focus.item.label, "ORG");
  d.applyLabel("PER");
  assert.deepEqual(d.value(), [{ start: 0, end: 3, label: "PER" }]);
});

test("a click focuses the innermost span, or places the caret", () => {
  const d = doc("Bank of New York", { overlap: true });
  d.selectRange(0, 16);
  d.applyLabel("ORG");
  d.selectRange(8, 16);
  d.applyLabel("LOC");
  d.clickAt(10);
  assert.equal(d.focus.item.label, "LOC");
  d.clickAt(2);
  assert.equal(d.focus.item.label, "ORG");
  const plain = doc("no spans here");
  plain.clickAt(4);
  assert.equal(plain.focus, null);
  assert.equal(plain.caret, 4);
  assert.equal(plain.focusNext(1), false);
});

test("suggestions: Enter-style accept all, then the meta records every decision", () => {
  const text = `Ana ${FAMILY} met Bob in Paris`;
  const py = Array.from(text);
  const at = (piece) => py.join("").indexOf(piece) === -1 ? -1 : Array.from(text.slice(0, text.indexOf(piece))).length;
  const suggestions = [
    [at("Ana"), at("Ana") + 3, "PER"],
    [at("Bob"), at("Bob") + 3, "PER"],
    [at("Paris"), at("Paris") + 5, "LOC"],
  ];
  const d = doc(text, { suggestions, source: "callable:tagger" });
  assert.equal(d.pending().length, 3);
  assert.equal(d.acceptAll(), 3);
  assert.equal(d.pending().length, 0);
  assert.deepEqual(d.value().map((s) => py.slice(s.start, s.end).join("")), ["Ana", "Bob", "Paris"]);
  assert.deepEqual(d.meta(), {
    suggestions: { source: "callable:tagger", spans: suggestions, accepted: [0, 1, 2], edited: [], rejected: [], ignored: [] },
  });
  assert.ok(d.undo());
  assert.equal(d.pending().length, 3);
  assert.equal(d.acceptAll(), 3);
  assert.equal(d.acceptAll(), 0, "nothing left to accept: Enter submits");
});

test("suggestions: accept, reject and edit one at a time", () => {
  const text = "Ana met Bob in Paris";
  const suggestions = [[0, 3, "PER"], [8, 11, "PER"], [15, 20, "LOC"], [15, 20, "ORG"]];
  const d = doc(text, { suggestions, source: "column:guess", overlap: false });
  d.focusNext(1);
  assert.equal(d.focus.kind, "suggestion");
  assert.equal(d.focus.item.index, 0);
  d.acceptFocused(); // Space
  assert.equal(d.focus.item.index, 1, "the next suggestion is focused");
  d.applyLabel("ORG"); // accept with another label: an edit
  assert.equal(d.focus.item.index, 2);
  d.deleteFocused(); // reject
  assert.equal(d.focus.item.index, 3);
  assert.equal(d.pending().length, 1);
  // Delete the accepted Ana span: its suggestion counts as rejected.
  d.clickAt(1);
  d.deleteFocused();
  const meta = d.meta().suggestions;
  assert.deepEqual([meta.accepted, meta.edited, meta.rejected, meta.ignored], [[], [1], [0, 2], [3]]);
  assert.deepEqual(d.value(), [{ start: 8, end: 11, label: "ORG" }]);
});

test("reselecting over an accepted suggestion edits its extent", () => {
  const text = "Ana Lima met Bob";
  const d = doc(text, { suggestions: [[0, 3, "PER"], [13, 16, "PER"]], source: "column:guess", overlap: false });
  d.focusNext(1);
  d.acceptFocused();
  d.clearSelection();
  selectByKeys(d, 0, 8);
  assert.ok(d.applyLabel("PER"));
  const meta = d.meta().suggestions;
  assert.deepEqual([meta.accepted, meta.edited, meta.rejected, meta.ignored], [[], [0], [], [1]]);
  assert.deepEqual(d.value(), [{ start: 0, end: 8, label: "PER" }]);
  // A span over two accepted suggestions replaces both: neither is its origin.
  const both = doc("Ana Bob", { suggestions: [[0, 3, "PER"], [4, 7, "PER"]], source: "column:guess", overlap: false });
  both.acceptAll();
  selectByKeys(both, 0, 7);
  both.applyLabel("ORG");
  assert.deepEqual(both.meta().suggestions.rejected, [0, 1]);
});

test("suggestions that overlap spans stay pending on accept-all without overlap", () => {
  const d = doc("New York City", { suggestions: [[0, 8, "LOC"], [4, 13, "ORG"], [9, 13, "LOC"]] });
  assert.equal(d.acceptAll(), 2);
  assert.match(d.notice, /1 suggestion would overlap other spans and is left/);
  assert.deepEqual(d.value().map((s) => [s.start, s.end]), [[0, 8], [9, 13]]);
  assert.equal(d.pending().length, 1);
  d.focusNext(1);
  assert.equal(d.focus.kind, "span");
  d.focusItem(d.items().find((f) => f.kind === "suggestion"));
  d.acceptFocused(); // explicitly: it replaces the two spans it overlaps
  assert.deepEqual(d.value(), [{ start: 4, end: 13, label: "ORG" }]);
  assert.match(d.notice, /Replaced/);
});

test("an answered item opens with its spans; suggestions in it count as accepted", () => {
  const answer = [{ start: 0, end: 3, label: "PER" }, { start: 8, end: 11, label: "ORG" }];
  const d = doc("Ana met Bob", { answer, suggestions: [[0, 3, "PER"], [8, 11, "PER"]], source: "column:s" });
  assert.deepEqual(d.value(), answer);
  assert.equal(d.changed(), false);
  assert.equal(d.pending().length, 0);
  assert.deepEqual(d.meta().suggestions.accepted, [0]);
  assert.deepEqual(d.meta().suggestions.rejected, [1]);
  assert.equal(doc("x").meta(), null);
});

test("a missing text has nothing to select", () => {
  const d = doc(null);
  assert.ok(d.missing);
  d.moveCaret("word", 1, true);
  assert.equal(d.applyLabel("A"), false);
  assert.deepEqual(d.value(), []);
});

test("describe shortens long excerpts without splitting a character", () => {
  const d = doc(`${"a".repeat(38)}${FAMILY}${"b".repeat(20)}`);
  const text = d.describe({ start: 0, end: d.text.length, label: "X" });
  assert.ok(text.endsWith("…” (X)"));
  assert.ok(!/[\ud800-\udbff]…/.test(text));
});

test("a long document: 2,000 spans stay sorted through edits", () => {
  const word = "lorem ipsum dolor sit amet ";
  const text = word.repeat(Math.ceil(100000 / word.length)).slice(0, 100000);
  const answer = [];
  for (let k = 0; k < 2000; k += 1) answer.push({ start: k * 50, end: k * 50 + 5, label: k % 2 ? "A" : "B" });
  const d = doc(text, { answer });
  for (let k = 0; k < 200; k += 1) {
    d.selectRange(k * 50 + 6, k * 50 + 11);
    d.applyLabel("A");
    d.layers();
  }
  assert.equal(d.value().length, 2200);
  const values = d.value();
  for (let k = 1; k < values.length; k += 1) assert.ok(values[k - 1].start <= values[k].start);
});

test("an answered item restores the decisions stored with it", () => {
  const answer = [{ start: 0, end: 3, label: "ORG" }];
  const decisions = { source: "column:s", spans: [[0, 3, "PER"], [4, 7, "PER"], [8, 11, "PER"]], accepted: [], edited: [0], rejected: [1], ignored: [2] };
  const d = doc("Ana met Bob", { answer, meta: { suggestions: decisions }, suggestions: decisions.spans, source: "column:s" });
  assert.deepEqual(d.suggestions.map((s) => s.state), ["accepted", "rejected", "pending"]);
  assert.deepEqual(d.meta().suggestions, decisions);
  assert.equal(d.changed(), false);
});
