import assert from "node:assert/strict";
import { test } from "node:test";
import { PALETTE, highlightRules, labelColour, markNames, markPriority } from "./palette.js";
import { SpanDoc } from "./span_doc.js";

test("label colours cycle through the palette", () => {
  assert.equal(labelColour(0), PALETTE[0]);
  assert.equal(labelColour(PALETTE.length + 1), PALETTE[1]);
});

test("spans are painted by label and layer, pending suggestions by label, decided ones not at all", () => {
  const doc = new SpanDoc({
    text: "Ana Lima moved to Paris.",
    overlap: true,
    suggestions: [
      [18, 23, "LOC"],
      [9, 14, "PER"],
    ],
  });
  doc.selectRange(0, 8);
  doc.applyLabel("PER");
  doc.selectRange(0, 3);
  doc.applyLabel("LOC");
  doc.reject(doc.suggestions[1]);
  const labelIndex = new Map([["PER", 0], ["LOC", 1]]);
  const names = markNames(doc, labelIndex);
  const byText = new Map([...names].map(([item, name]) => [`${doc.text.slice(item.start, item.end)}:${item.label}`, name]));
  assert.equal(byText.size, 3);
  assert.equal(byText.get("Paris:LOC"), "s1");
  assert.match(byText.get("Ana Lima:PER"), /^l0-[0-2]$/);
  assert.match(byText.get("Ana:LOC"), /^l1-[0-2]$/);
  assert.notEqual(byText.get("Ana Lima:PER").slice(-1), byText.get("Ana:LOC").slice(-1), "overlapping spans on different layers");
  assert.deepEqual(["l0-0", "l3-2", "s1"].map(markPriority), [0, 2, 5]);
});

test("one set of ::highlight rules per label, then the selection and the focus, under the view's prefix", () => {
  const rules = highlightRules("nbl-spans-1-x", ["PER", "LOC"]).split("\n");
  assert.equal(rules.length, 2 * 4 + 2);
  assert.ok(rules.every((rule) => rule.startsWith("::highlight(nbl-spans-1-x-")));
  assert.ok(rules[4].startsWith(`::highlight(nbl-spans-1-x-l1-0) { background-color: color-mix(in srgb, ${PALETTE[1]} 30%`));
  assert.ok(rules.at(-2).startsWith("::highlight(nbl-spans-1-x-selection)"));
  assert.ok(rules.at(-1).startsWith("::highlight(nbl-spans-1-x-focus)"));
});
