import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTION_KEYS, actionKeys, filterLabels, hasCommandModifier, isTyping, keyLabel, labelKeymap } from "./keys.js";

test("Backspace goes back like ArrowLeft; views can move actions to other keys", () => {
  assert.deepEqual(ACTION_KEYS.back, ["ArrowLeft", "Backspace"]);
  const keys = actionKeys({ back: ["PageUp"] });
  assert.deepEqual(keys.back, ["PageUp"]);
  assert.deepEqual(keys.undo, ["u"]);
  assert.equal(keyLabel("ArrowLeft"), "←");
  assert.equal(keyLabel("x"), "x");
});

test("modifier keys are left to the browser and notebook", () => {
  assert.equal(hasCommandModifier({ ctrlKey: true }), true);
  assert.equal(hasCommandModifier({ metaKey: true }), true);
  assert.equal(hasCommandModifier({ shiftKey: true }), false);
});

test("typing targets are recognised", () => {
  assert.equal(isTyping({ target: { tagName: "TEXTAREA" } }), true);
  assert.equal(isTyping({ target: { tagName: "INPUT" } }), true);
  assert.equal(isTyping({ target: { tagName: "DIV", isContentEditable: true } }), true);
  assert.equal(isTyping({ target: { tagName: "DIV" } }), false);
});

test("label keymap skips labels without a key", () => {
  const map = labelKeymap(["1", null, "x"]);
  assert.deepEqual([...map.entries()], [["1", 0], ["x", 2]]);
});

test("label filter is case-insensitive and keeps display order", () => {
  assert.deepEqual(filterLabels(["Billing", "Bug", "other"], "B"), [0, 1]);
  assert.deepEqual(filterLabels(["Billing", "Bug"], ""), [0, 1]);
  assert.deepEqual(filterLabels(["Été", "ete"], "été"), [0]);
});
