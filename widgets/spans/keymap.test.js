import assert from "node:assert/strict";
import { test } from "node:test";
import { labelKeymap } from "../../js/keys.js";
import { claimsModifiedKey, editKey, spanShortcuts } from "./keymap.js";
import { SpanDoc } from "./span_doc.js";

const LABELS = ["PER", "LOC"];
const NONE = { ctrlKey: false, altKey: false, metaKey: false, shiftKey: false };

function setUp(text = "Ana lives in Paris.") {
  const doc = new SpanDoc({ text });
  const lines = [];
  let submitted = 0;
  const options = {
    labels: LABELS,
    keymap: labelKeymap(["1", "2"]),
    moveLine: (direction, extend) => lines.push([direction, extend]),
    submit: () => (submitted += 1) > 0,
  };
  const press = (key, mods = {}) => editKey(doc, key, { ...NONE, ...mods }, options);
  return { doc, press, lines, submitted: () => submitted };
}

test("arrows move the caret by character, by word with a modifier, and select with Shift", () => {
  const { doc, press, lines } = setUp();
  assert.ok(press("ArrowRight"));
  assert.equal(doc.caret, 1);
  press("ArrowRight", { ctrlKey: true });
  assert.equal(doc.caret, 3);
  press("ArrowLeft", { shiftKey: true });
  assert.deepEqual(doc.selection(), [2, 3]);
  assert.ok(press("ArrowDown", { shiftKey: true }));
  assert.ok(press("ArrowUp"));
  assert.deepEqual(lines, [[1, true], [-1, false]], "lines are the layout's business");
});

test("a label key labels the selection; Del, [ ], Esc and Enter do what they say", () => {
  const { doc, press, submitted } = setUp();
  press("ArrowRight", { ctrlKey: true, shiftKey: true });
  assert.ok(press("1"));
  assert.deepEqual(doc.value(), [{ start: 0, end: 3, label: "PER" }]);
  assert.ok(press("2"), "a label key relabels the focused span");
  assert.equal(doc.spans[0].label, "LOC");
  assert.equal(press("1", { ctrlKey: true }), false, "a label key with a modifier is not a label");
  assert.ok(press("Escape"));
  assert.equal(doc.focus, null);
  assert.ok(press("]"));
  assert.equal(doc.focus.item, doc.spans[0]);
  assert.ok(press("Delete"));
  assert.deepEqual(doc.value(), []);
  assert.ok(press("Enter"));
  assert.equal(submitted(), 1);
  assert.equal(press("q"), false);
});

test("Ctrl/⌘+Z undoes an edit, and says so when there is none", () => {
  const { doc, press } = setUp();
  assert.ok(press("z", { ctrlKey: true }));
  assert.equal(doc.notice, "Nothing to undo in this item (u undoes the last answer).");
  press("ArrowRight", { ctrlKey: true, shiftKey: true });
  press("1");
  assert.ok(press("Z", { metaKey: true }));
  assert.deepEqual(doc.value(), []);
});

test("the view keeps word moves and undo from the browser, but not redo nor ⌘+arrows", () => {
  const key = (k, mods = {}) => ({ ...NONE, key: k, ...mods });
  assert.equal(claimsModifiedKey(key("ArrowLeft", { ctrlKey: true }), false), true);
  assert.equal(claimsModifiedKey(key("ArrowLeft", { altKey: true }), false), false);
  assert.equal(claimsModifiedKey(key("ArrowRight", { altKey: true }), true), true);
  assert.equal(claimsModifiedKey(key("ArrowRight", { metaKey: true }), true), false);
  assert.equal(claimsModifiedKey(key("z", { ctrlKey: true }), false), true);
  assert.equal(claimsModifiedKey(key("z", { metaKey: true }), true), true);
  assert.equal(claimsModifiedKey(key("Z", { ctrlKey: true, shiftKey: true }), false), false);
  assert.equal(claimsModifiedKey(key("c", { ctrlKey: true }), false), false);
});

test("the legend names the platform's keys, and the suggestion keys when there are suggestions", () => {
  const plain = spanShortcuts({ suggest: null }, false);
  assert.deepEqual(plain[1], ["Ctrl+←→", "by word"]);
  assert.ok(plain.some(([key, what]) => key === "Ctrl+Z" && what === "undo an edit"));
  assert.ok(!plain.some(([key]) => key === "Space"));
  assert.deepEqual(plain.at(-1), ["PgUp PgDn", "previous / next item"]);
  const suggested = spanShortcuts({ suggest: "guess" }, true);
  assert.deepEqual(suggested[1], ["⌥+←→", "by word"]);
  assert.deepEqual(suggested[5], ["Space", "accept suggestion"]);
  assert.ok(suggested.some(([key, what]) => key === "Enter" && what === "accept all suggestions, then submit"));
  assert.ok(suggested.some(([key]) => key === "⌘Z"));
});
