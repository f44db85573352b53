import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTION_KEYS, actionKeys, filterLabels, hasCommandModifier, isTyping, keyHandler, keyLabel, keyOwner, labelKeymap, legendPairs } from "./keys.js";
import { LabelSession } from "./session.js";

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

test("Tab, unclaimed modified keys and typing are not the widget's", () => {
  const div = { tagName: "DIV" };
  assert.equal(keyOwner({ key: "Tab", target: div }), "browser");
  assert.equal(keyOwner({ key: "c", ctrlKey: true, target: div }), "browser");
  assert.equal(keyOwner({ key: "ArrowLeft", ctrlKey: true, target: div }, (event) => event.key === "ArrowLeft"), "widget", "claimed by the view");
  assert.equal(keyOwner({ key: "a", target: { tagName: "TEXTAREA" } }), "field");
  assert.equal(keyOwner({ key: "a", shiftKey: true, target: div }), "widget");
});

function handlerFor({ review = null, viewKeys = [], guideline = null, feedback = null, upcoming = null } = {}) {
  const ran = [];
  const session = new LabelSession({ send: () => {} });
  session.receive({ kind: "snapshot", history: [], upcoming: upcoming || [{ pos: 0, id: "0", view: {}, review }], exhausted: false });
  session.shown();
  const actions = Object.fromEntries(["back", "forward", "undo", "skip", "flag", "comment"].map((name) => [name, [name, () => ran.push(name) > 0]]));
  const handle = keyHandler({
    keys: actionKeys({ forward: ["ArrowRight", "PageDown"] }),
    actions,
    session,
    viewKey: (key) => viewKeys.includes(key) && ran.push(`view ${key}`) > 0,
    pick: (index) => ran.push(`pick ${index}`) > 0,
    guideline,
    feedback,
    leave: () => ran.push("leave"),
  });
  return { handle, ran, session };
}

test("keys run the shared actions; the view's own keys come first", () => {
  const { handle, ran } = handlerFor({ viewKeys: ["ArrowRight", "1"] });
  assert.equal(handle("u", {}), true);
  assert.equal(handle("PageDown", {}), true);
  assert.equal(handle("ArrowRight", {}), true);
  assert.equal(handle("1", {}), true);
  assert.equal(handle("z", {}), false);
  assert.deepEqual(ran, ["undo", "forward", "view ArrowRight", "view 1"]);
});

test("Shift+digit decides with that answer, only while reviewing", () => {
  const reviewing = handlerFor({ review: [{ annotator: "ana", value: "a" }] });
  assert.equal(reviewing.handle("@", { code: "Digit2", shiftKey: true }), true);
  assert.deepEqual(reviewing.ran, ["pick 1"]);
  const labeling = handlerFor({ viewKeys: ["@"] });
  labeling.handle("@", { code: "Digit2", shiftKey: true });
  assert.deepEqual(labeling.ran, ["view @"]);
});

test("g toggles the guideline; Esc closes it, else leaves the widget", () => {
  let open = false;
  const guideline = { toggle: () => (open = !open) || true, close: () => open && !(open = false) };
  const { handle, ran } = handlerFor({ guideline });
  assert.equal(handle("g", {}), true);
  assert.equal(open, true);
  assert.equal(handle("Escape", {}), true);
  assert.equal(open, false);
  assert.equal(handle("Escape", {}), false);
  assert.deepEqual(ran, ["leave"]);
  assert.equal(handlerFor().handle("g", {}), false, "no guideline, nothing to toggle");
});

test("the legend lists the keys no button shows", () => {
  assert.deepEqual(legendPairs({ reviewing: false, viewShortcuts: [["Enter", "submit"]], guidelineKey: null }), [["Enter", "submit"], ["Esc", "leave the widget"]]);
  assert.deepEqual(legendPairs({ reviewing: true, viewShortcuts: [], guidelineKey: "g" }), [["⇧1–⇧9", "decide with that answer"], ["g", "guidelines"], ["Esc", "leave the widget"]]);
});

test("keys on the waiting and loading screens do nothing but the guideline and Esc", () => {
  let open = false;
  const guideline = { toggle: () => (open = !open) || true, close: () => open && !(open = false) };
  const { handle, ran, session } = handlerFor({ viewKeys: ["1"], guideline, upcoming: [] });
  assert.equal(session.screen(), "waiting");
  for (const key of ["1", "s", "u", "ArrowLeft", "Backspace", "ArrowRight", "Enter"]) assert.equal(handle(key, {}), false, key);
  assert.deepEqual(ran, [], "no action, no view key: the view does not move");
  assert.equal(handle("g", {}), true);
  assert.equal(handle("Escape", {}), true);
  const loading = new LabelSession({ send: () => {} });
  const keys = actionKeys();
  const back = keyHandler({ keys, actions: { back: ["back", () => ran.push("back") > 0] }, session: loading, viewKey: () => true, pick: () => true, guideline: null, leave: () => {} });
  assert.equal(back("ArrowLeft", {}), false);
  assert.deepEqual(ran, []);
});

test("a key pressed before a kernel message was drawn is swallowed: it answers nothing unseen", () => {
  const { handle, ran, session } = handlerFor({ viewKeys: ["1"], upcoming: [] });
  session.receive({ kind: "append", items: [{ pos: 4, id: "4", view: {} }], exhausted: false });
  assert.equal(session.screen(), "item", "an item arrived...");
  assert.equal(session.inStep(), false, "...but the screen still says waiting");
  assert.equal(handle("1", {}), true, "handled: the view is redrawn at once");
  assert.deepEqual(ran, []);
  session.shown();
  assert.equal(handle("1", {}), true);
  assert.deepEqual(ran, ["view 1"], "once drawn, keys act on it");
});

test("an item that cannot be shown takes the shared actions; other keys get a note", () => {
  const { handle, ran, session } = handlerFor({ viewKeys: ["1", "Enter"], upcoming: [{ pos: 0, id: "0", view: null, problem: "This item cannot be shown: bad text." }] });
  assert.equal(handle("1", {}), true);
  assert.equal(handle("Enter", {}), true);
  assert.deepEqual(ran, [], "the view never sees keys for it");
  assert.equal(session.notice, "This item cannot be labeled: s skips it, ← goes back.");
  assert.equal(handle("s", {}), true);
  assert.equal(handle("ArrowLeft", {}), true);
  assert.deepEqual(ran, ["skip", "back"]);
  assert.equal(handle("Shift", {}), false, "a modifier alone says nothing");
});

test("! opens and folds the feedback on every screen; Esc folds it before leaving the widget", () => {
  let open = false;
  const feedback = { toggle: () => (open = !open) || true, close: () => open && !(open = false) };
  for (const upcoming of [null, [], [{ pos: 0, id: "0", view: null, problem: "This item cannot be shown." }]]) {
    open = false;
    const { handle, ran, session } = handlerFor({ viewKeys: ["1"], feedback, upcoming });
    assert.equal(handle("!", {}), true);
    assert.equal(open, true, `open on the ${session.screen()} screen`);
    assert.equal(session.notice, null, "no note about the item: the key is the panel's");
    assert.equal(handle("Escape", {}), true);
    assert.equal(open, false);
    assert.deepEqual(ran, [], "Esc folded the panel and stayed in the widget");
    assert.equal(handle("Escape", {}), false);
    assert.deepEqual(ran, ["leave"]);
  }
  const { handle } = handlerFor({ feedback: null });
  assert.equal(handle("!", {}), false, "a reviewer's view has no feedback panel");
});

test("the legend lists the feedback key only where the view shows feedback", () => {
  assert.deepEqual(legendPairs({ reviewing: false, viewShortcuts: [], guidelineKey: null, feedbackKey: "!" }), [["!", "feedback on your answers"], ["Esc", "leave the widget"]]);
  assert.deepEqual(legendPairs({ reviewing: true, viewShortcuts: [], guidelineKey: null }), [["⇧1–⇧9", "decide with that answer"], ["Esc", "leave the widget"]]);
});
