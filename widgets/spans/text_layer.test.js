// The span view's text cut into blocks and pieces (chunks.js, text_layer.js) and the marks painted
// over it (marks.js): offsets map to the right characters across piece and block borders, cuts
// never split what is shown, and an edit repaints only the spans it changed.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { installFakeDom } from "../../js/fake_dom.js";
import { cutText, pieceAt } from "./chunks.js";
import { createMarks } from "./marks.js";
import { SpanDoc } from "./span_doc.js";
import { createTextLayer } from "./text_layer.js";

const FAMILY = "👩‍👩‍👧";
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** A long text mixing emoji sequences, combining marks, CRLF, right-to-left and CJK text. */
function hardText(words = 3000) {
  const parts = ["Zoë", "met", FAMILY, "e\u0301te\u0301", "in", "東京", "תל", "אביב", "🇫🇷", "a\u200db", "ACME", "Corp.", "👍🏽"];
  let text = "";
  for (let i = 0; i < words; i += 1) text += parts[(i * 7) % parts.length] + (i % 23 === 22 ? "\r\n" : i % 41 === 40 ? " \u0301" : " ");
  return text;
}

/** The text of [start, end) read back from a range's DOM positions (as the browser paints it). */
function rangeText(range, layer) {
  const from = layer.offsetOf(range.startContainer, range.startOffset);
  const to = layer.offsetOf(range.endContainer, range.endOffset);
  return layer.text.slice(from, to);
}

function boundaries(text) {
  const found = new Set([text.length]);
  for (const { index } of graphemes.segment(text)) found.add(index);
  return found;
}

let restore = null;
let log = null; // the highlight operations since the last reset
beforeEach(() => {
  restore = installFakeDom();
  log = [];
  globalThis.Highlight = class extends Set {
    add(range) {
      log.push(["add", range]);
      return super.add(range);
    }

    delete(range) {
      log.push(["delete", range]);
      return super.delete(range);
    }
  };
  globalThis.CSS = { highlights: new Map() };
});
afterEach(() => {
  restore();
  delete globalThis.Highlight;
  delete globalThis.CSS;
});

test("cuts keep the text whole and never split a character, a line break or a paragraph", () => {
  const text = hardText();
  const { pieces, blocks } = cutText(text, { block: 600, piece: 150 });
  assert.ok(pieces.length > 20 && blocks.length > 5, `${pieces.length} pieces, ${blocks.length} blocks`);
  const safe = boundaries(text);
  for (const start of pieces) {
    assert.ok(safe.has(start), `a piece starts inside a grapheme cluster at ${start}`);
    assert.notEqual(text[start - 1], "\r", "a cut between \\r and \\n");
    assert.doesNotMatch(text.slice(start, start + 1), /\p{M}/u, "a cut before a combining mark");
  }
  for (const b of blocks.slice(1)) assert.equal(text[pieces[b] - 1], "\n", "a block does not end with a line feed");
  assert.deepEqual([...pieces], [...pieces].sort((x, y) => x - y));
});

test("text without spaces or line feeds is cut between grapheme clusters", () => {
  const text = `${"東京🇫🇷👍🏽e\u0301".repeat(400)}`;
  const { pieces, blocks } = cutText(text, { block: 600, piece: 100 });
  assert.equal(blocks.length, 1, "one paragraph, one block");
  assert.ok(pieces.length > 10);
  const safe = boundaries(text);
  for (const start of pieces) assert.ok(safe.has(start), `cut inside a cluster at ${start}`);
});

test("a short or empty text is one piece in one block", () => {
  assert.deepEqual(cutText("Ana met Zoë."), { pieces: Int32Array.of(0), blocks: Int32Array.of(0) });
  assert.deepEqual(cutText(""), { pieces: Int32Array.of(0), blocks: Int32Array.of(0) });
});

test("pieceAt: an offset where a piece starts belongs to it, or with atEnd to the one before", () => {
  const starts = Int32Array.of(0, 10, 20);
  assert.equal(pieceAt(starts, 0), 0);
  assert.equal(pieceAt(starts, 9), 0);
  assert.equal(pieceAt(starts, 10), 1);
  assert.equal(pieceAt(starts, 10, true), 0);
  assert.equal(pieceAt(starts, 25), 2);
  assert.equal(pieceAt(starts, 0, true), 0);
});

test("the layer's DOM holds the text, block by block, piece by piece", () => {
  const element = document.createElement("div");
  const layer = createTextLayer(element, { makeRange: (init) => init, sizes: { block: 600, piece: 150 } });
  const text = hardText();
  layer.show(text);
  assert.equal(element.textContent, text);
  assert.ok(element.childNodes.length > 5);
  for (const block of element.childNodes) assert.equal(block.className, "nbl-spans-block");
  for (let offset = 0; offset <= text.length; offset += 37) {
    const [node, at] = layer.position(offset);
    assert.equal(layer.offsetOf(node, at), offset);
    const [endNode, endAt] = layer.position(offset, true);
    assert.equal(layer.offsetOf(endNode, endAt), offset);
    if (offset > 0) assert.ok(endAt > 0, "an end position is never at the start of a piece");
  }
  // Positions between a block's children and between blocks (as a browser selection may give).
  const [second] = [element.childNodes[1]];
  assert.equal(layer.offsetOf(element, 1), text.indexOf(second.textContent));
  assert.equal(layer.offsetOf(element, element.childNodes.length), text.length);
  assert.equal(layer.offsetOf(second, second.childNodes.length), text.indexOf(second.textContent) + second.textContent.length);
  assert.equal(layer.offsetOf(document.createTextNode("x"), 0), null);
  layer.show("");
  assert.equal(element.textContent, "");
  assert.equal(layer.offsetOf(...layer.position(0)), 0);
});

test("spans across piece and block borders are painted over exactly their text; edits repaint only what they change", () => {
  const element = document.createElement("div");
  const layer = createTextLayer(element, { makeRange: (init) => init, sizes: { block: 600, piece: 150 } });
  const text = hardText();
  layer.show(text);
  const doc = new SpanDoc({ text, overlap: true });
  const marks = createMarks("t", layer, new Map([["PER", 0], ["LOC", 1]]));
  const painted = () => {
    const shown = [];
    for (const [name, highlight] of CSS.highlights) {
      if (name === "t-selection" || name === "t-focus") continue;
      for (const range of highlight) shown.push(rangeText(range, layer));
    }
    return shown.sort();
  };
  const expected = () => doc.spans.map((span) => text.slice(span.start, span.end)).sort();

  // A span across each of the first block borders, one across a piece border inside a block,
  // a span nested in another (overlap allowed), and one crossing it.
  const blockStarts = element.childNodes.slice(1, 4).map((block) => text.indexOf(block.textContent));
  const targets = blockStarts.map((at) => [at - 20, at + 15]);
  const pieceBorder = layer.offsetOf(element.childNodes[0].childNodes[1], 0);
  targets.push([pieceBorder - 5, pieceBorder + 5], [pieceBorder - 3, pieceBorder + 2], [pieceBorder + 1, pieceBorder + 9]);
  marks.draw(doc);
  for (const [a, b] of targets) {
    doc.selectRange(a, b);
    const before = doc.spans.length;
    log.length = 0;
    assert.ok(doc.applyLabel("PER"), doc.notice);
    marks.draw(doc);
    assert.equal(doc.spans.length, before + 1);
    assert.equal(log.filter(([op]) => op === "add").length, 1, "one range painted per new span");
    assert.equal(log.filter(([op]) => op === "delete").length, 0);
    assert.deepEqual(painted(), expected());
  }
  // Every span's range reads back as the span's own text, and starts and ends on a grapheme boundary.
  for (const span of doc.spans) assert.ok(boundaries(text).has(span.start) && boundaries(text).has(span.end));

  // Relabel the focused span: one range out, one in.
  doc.focusItem({ kind: "span", item: doc.spans[0] });
  log.length = 0;
  doc.applyLabel("LOC");
  marks.draw(doc);
  assert.deepEqual(painted(), expected());
  assert.ok(log.length <= 4, `relabelling repainted ${log.length} ranges`);

  // Delete one, undo twice (the delete, then the relabel): the painted ranges follow.
  doc.focusItem({ kind: "span", item: doc.spans[2] });
  doc.deleteFocused();
  marks.draw(doc);
  assert.deepEqual(painted(), expected());
  for (let k = 0; k < 2; k += 1) {
    log.length = 0;
    assert.ok(doc.undo());
    marks.draw(doc);
    assert.deepEqual(painted(), expected());
    assert.ok(log.length <= 4, `an undo repainted ${log.length} ranges`);
  }
  // The focus and the selection are painted over their own text, and left alone when unchanged.
  doc.focusItem({ kind: "span", item: doc.spans[1] });
  marks.drawCursor(doc);
  const [focusRange] = CSS.highlights.get("t-focus");
  assert.equal(rangeText(focusRange, layer), text.slice(doc.spans[1].start, doc.spans[1].end));
  log.length = 0;
  marks.drawCursor(doc);
  assert.equal(log.length, 0, "an unchanged cursor is not repainted");
});

test("a long document's offsets leave in code points after edits across borders", () => {
  const element = document.createElement("div");
  const layer = createTextLayer(element, { makeRange: (init) => init, sizes: { block: 600, piece: 150 } });
  const text = `${FAMILY} ${hardText(800)}`;
  layer.show(text);
  const doc = new SpanDoc({ text });
  const border = layer.offsetOf(element.childNodes[1], 0);
  doc.selectRange(border - 12, border + 12);
  doc.applyLabel("ORG");
  const [span] = doc.value();
  const points = Array.from(text);
  assert.equal(points.slice(span.start, span.end).join(""), text.slice(doc.spans[0].start, doc.spans[0].end));
});

test("with a band, only the spans meeting it are painted, and moving the band repaints only the difference", () => {
  const element = document.createElement("div");
  const layer = createTextLayer(element, { makeRange: (init) => init, sizes: { block: 600, piece: 150 } });
  const text = hardText();
  layer.show(text);
  const doc = new SpanDoc({ text, answer: [], overlap: false });
  for (let at = 0; at + 10 < text.length; at += 400) {
    doc.selectRange(at, at + 8);
    doc.applyLabel("PER");
  }
  const marks = createMarks("t", layer, new Map([["PER", 0]]));
  const count = () => [...CSS.highlights.values()].reduce((sum, highlight) => sum + highlight.size, 0);
  const inside = (band) => doc.spans.filter((span) => span.end > band[0] && span.start < band[1]).length;
  const first = layer.blockSpan(0, 1);
  marks.draw(doc, first);
  assert.equal(count(), inside(first));
  assert.ok(count() < doc.spans.length / 3, `${count()} of ${doc.spans.length} painted`);
  const next = layer.blockSpan(1, 2);
  log.length = 0;
  marks.draw(doc, next);
  assert.equal(count(), inside(next));
  const changed = inside(first) + inside(next) - 2 * doc.spans.filter((s) => s.end > next[0] && s.start < first[1]).length;
  assert.equal(log.length, changed, "only the spans leaving and entering the band are repainted");
  marks.draw(doc);
  assert.equal(count(), doc.spans.length);
});
