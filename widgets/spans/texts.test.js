import assert from "node:assert/strict";
import { test } from "node:test";
import { SpanDoc } from "./span_doc.js";
import { describeSpans, provenance, spanStatus } from "./texts.js";

const TEXT = "Ana lives in Paris.";
const LABELS = ["PER", "LOC", "ORG", "DATE", "MISC"];
const KEYS = ["1", "2", null, "4", "5"];

test("the status line says what the caret, a selection or a focused span allow", () => {
  const doc = new SpanDoc({ text: TEXT });
  const fresh = { answer: null, status: null };
  let now = spanStatus(doc, fresh, LABELS, KEYS);
  assert.equal(now.context, "Select text (drag, double-click, or Shift+arrows), then press a label key.");
  assert.equal(now.counts, "0 spans · Enter submits");
  assert.deepEqual([now.acceptAll, now.accept, now.remove, now.notice], [false, false, false, ""]);
  doc.selectRange(13, 18);
  now = spanStatus(doc, fresh, LABELS, KEYS);
  assert.match(now.context, /^Selected .*Paris.* — press a label key: PER \(1\), LOC \(2\), ORG, DATE \(4\), …$/);
  doc.applyLabel("LOC");
  now = spanStatus(doc, fresh, LABELS, KEYS);
  assert.match(now.context, /^Span .* — a label key relabels it · Delete removes it · Esc deselects$/);
  assert.deepEqual([now.remove, now.removeText, now.counts], [true, " delete", "1 span · Enter submits"]);
  assert.equal(spanStatus(new SpanDoc({ text: null }), fresh, LABELS, KEYS).context, "");
});

test("suggestions: how many are left, what Enter does, and the focused one's actions", () => {
  const doc = new SpanDoc({ text: TEXT, suggestions: [[0, 3, "PER"], [13, 18, "LOC"]], source: "column:guess" });
  const fresh = { answer: null, status: null };
  let now = spanStatus(doc, fresh, LABELS, KEYS);
  assert.equal(now.counts, "0 spans · 2 suggestions to review — Enter accepts all");
  assert.equal(now.acceptAll, true);
  doc.focusNext(1);
  now = spanStatus(doc, fresh, LABELS, KEYS);
  assert.match(now.context, /^Suggestion .* — Space accepts · a label key accepts it as that label · Delete rejects$/);
  assert.deepEqual([now.accept, now.remove, now.removeText], [true, true, " reject"]);
  doc.acceptFocused();
  assert.equal(spanStatus(doc, fresh, LABELS, KEYS).counts, "1 span · 1 suggestion to review — Enter accepts all");
});

test("an answered item says whether it was edited and that Enter goes on when it was not", () => {
  const answer = { event: "label", value: [{ start: 0, end: 3, label: "PER" }], meta: null };
  const doc = new SpanDoc({ text: TEXT, answer: answer.value });
  const slot = { answer, status: "acked" };
  assert.equal(spanStatus(doc, slot, LABELS, KEYS).counts, "1 span · Enter goes on (unchanged)");
  doc.notice = "Nothing to undo in this item (u undoes the last answer).";
  assert.equal(spanStatus(doc, slot, LABELS, KEYS).notice, doc.notice);
  doc.focusNext(1);
  doc.deleteFocused();
  assert.equal(spanStatus(doc, slot, LABELS, KEYS).counts, "0 spans (edited) · Enter submits");
});

test("an answer in short", () => {
  assert.equal(describeSpans([]), "no spans");
  assert.equal(describeSpans([{ label: "PER" }]), "1 span (PER)");
  assert.equal(describeSpans([{ label: "PER" }, { label: "LOC" }, { label: "PER" }]), "3 spans (PER ×2, LOC)");
  assert.equal(describeSpans(null), "null");
});

test("a pre-labeler's or the model's spans say whose they are", () => {
  const doc = new SpanDoc({ text: TEXT, suggestions: [[0, 3, "PER"], [13, 18, "LOC"]], source: "prelabel:rules" });
  const slot = { answer: null, status: null, view: { text: TEXT }, suggestion: { value: [], source: "prelabel", by: "rules" } };
  assert.equal(spanStatus(doc, slot, LABELS, KEYS).counts, "0 spans · rules suggests 2 spans — Enter accepts all");
  doc.focusNext(1);
  assert.match(spanStatus(doc, slot, LABELS, KEYS).context, /^rules suggests .* — Space accepts/);
  const model = { ...slot, suggestion: { value: [], source: "model" } };
  assert.match(spanStatus(doc, model, LABELS, KEYS).context, /^model suggests /);
});

test("whose suggestions, in which version and how sure: the model's per span", () => {
  const doc = new SpanDoc({ text: TEXT, suggestions: [[0, 3, "PER"], [13, 18, "LOC"]], source: "model" });
  const offered = { value: [], source: "model", version: 3, confidence: 0.5, confidences: [0.914, 0.62] };
  const slot = { answer: null, status: null, view: { text: TEXT }, suggestion: offered };
  assert.equal(spanStatus(doc, slot, LABELS, KEYS).provenance, "model, version 3 · 50% sure of this item");
  doc.focusNext(1);
  assert.match(spanStatus(doc, slot, LABELS, KEYS).context, /^model suggests “Ana” \(PER\) at 91% — Space accepts/);
  doc.focusNext(1);
  assert.match(spanStatus(doc, slot, LABELS, KEYS).context, /^model suggests “Paris” \(LOC\) at 62% — /);
  assert.equal(provenance({ source: "prelabel", by: "gazetteer", version: "v2", confidence: null }), "gazetteer, version v2");
  const column = new SpanDoc({ text: TEXT, suggestions: [[0, 3, "PER"]], source: "column:guess" });
  assert.equal(spanStatus(column, { answer: null, status: null, view: { text: TEXT, suggestions: [[0, 3, "PER"]] } }, LABELS, KEYS).provenance, "");
});
