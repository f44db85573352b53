import assert from "node:assert/strict";
import { test } from "node:test";
import { KEPT_SUBMISSIONS, spanDrafts, suggestionSource } from "./drafts.js";

/** A stand-in for the session: one slot on screen; what it was asked to do, in `calls`. */
function sessionOn(slot, { draftChanged = false } = {}) {
  const calls = [];
  const draft = {};
  const record = (name) => (...args) => {
    calls.push([name, ...args]);
    return true;
  };
  return { calls, draft: () => draft, current: () => slot, draftChanged: () => draftChanged, answer: record("answer"), forward: record("forward"), skip: record("skip") };
}

const TEXT = "Ana lives in Paris.";

test("suggestions are named by where they come from", () => {
  assert.equal(suggestionSource(null), null);
  assert.equal(suggestionSource(undefined), null);
  assert.equal(suggestionSource("guess"), "column:guess");
  assert.equal(suggestionSource("callable:ner"), "callable:ner");
});

test("an item's document is made once from its stored answer and kept in the draft", () => {
  const docs = spanDrafts({ overlap: false, suggest: null });
  const slot = { pos: 0, view: { text: TEXT }, answer: { event: "label", value: [{ start: 13, end: 18, label: "LOC" }], meta: null } };
  const session = sessionOn(slot);
  const doc = docs.current(session);
  assert.deepEqual(doc.value(), [{ start: 13, end: 18, label: "LOC" }]);
  assert.equal(docs.current(session), doc);
  assert.equal(session.draft().spanDoc, doc);
  assert.equal(docs.current({ current: () => null }), null);
});

test("an item that cannot be read gets an empty document saying why", () => {
  const docs = spanDrafts({ overlap: false, suggest: "guess" });
  const doc = docs.docFor({ pos: 0, view: { text: TEXT, suggestions: [[0, 99, "PER"], "not a suggestion"] }, answer: null }, {});
  assert.equal(doc.text, TEXT);
  assert.deepEqual(doc.value(), []);
  assert.match(doc.notice, /^Cannot show this item's spans: /);
});

test("Enter accepts the pending suggestions first, then submits the spans", () => {
  const docs = spanDrafts({ overlap: false, suggest: "guess" });
  const session = sessionOn({ pos: 3, view: { text: TEXT, suggestions: [[0, 3, "PER"]] }, answer: null });
  assert.ok(docs.submit(session));
  assert.deepEqual(session.calls, []);
  assert.ok(docs.submit(session));
  assert.equal(session.calls.length, 1);
  const [name, value, meta] = session.calls[0];
  assert.equal(name, "answer");
  assert.deepEqual(value, [{ start: 0, end: 3, label: "PER" }]);
  assert.equal(meta.suggestions.source, "column:guess");
});

test("Enter on an answered item left as it was goes on, or skips again a skipped one", () => {
  const docs = spanDrafts({ overlap: false, suggest: null });
  const answered = { pos: 0, view: { text: TEXT }, answer: { event: "label", value: [], meta: null }, status: "acked" };
  const kept = sessionOn(answered);
  docs.submit(kept);
  assert.deepEqual(kept.calls, [["forward"]]);
  const skipped = sessionOn({ pos: 1, view: { text: TEXT }, answer: { event: "skip", value: null }, status: "acked" }, { draftChanged: true });
  docs.submit(skipped);
  assert.deepEqual(skipped.calls, [["skip"]]);
});

test("the work on an item comes back when the kernel refuses its answer", () => {
  const docs = spanDrafts({ overlap: false, suggest: null });
  const slot = { pos: 7, view: { text: TEXT }, answer: null };
  const session = sessionOn(slot);
  const doc = docs.current(session);
  doc.selectRange(0, 3);
  doc.applyLabel("PER");
  docs.submit(session);
  const refused = { ...slot, status: "rejected" };
  assert.equal(docs.docFor(refused, {}), doc);
  for (let pos = 100; pos < 100 + KEPT_SUBMISSIONS; pos += 1) docs.submit(sessionOn({ pos, view: { text: TEXT }, answer: null }));
  assert.notEqual(docs.docFor(refused, {}), doc, "only the latest submissions are kept");
});

test("a pre-labeler's spans are offered when the task has no suggestions of its own, and named in the answer", () => {
  const docs = spanDrafts({ overlap: false, suggest: null });
  const suggestion = { value: [{ start: 13, end: 18, label: "LOC" }], confidence: null, source: "prelabel", by: "rules", version: "v2" };
  const session = sessionOn({ pos: 1, view: { text: TEXT }, answer: null, suggestion });
  assert.ok(docs.submit(session), "Enter accepts the suggestion first");
  assert.ok(docs.submit(session));
  const [, value, meta] = session.calls[0];
  assert.deepEqual(value, [{ start: 13, end: 18, label: "LOC" }]);
  assert.deepEqual(meta.suggestions, { source: "prelabel:rules", spans: [[13, 18, "LOC"]], accepted: [0], edited: [], rejected: [], ignored: [] });
  const own = spanDrafts({ overlap: false, suggest: "guess" }).docFor({ pos: 2, view: { text: TEXT, suggestions: [[0, 3, "PER"]] }, answer: null, suggestion }, {});
  assert.deepEqual(own.suggestions.map((s) => s.label), ["PER"], "the task's own suggestions come first");
});
