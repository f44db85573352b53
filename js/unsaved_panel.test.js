import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { installFakeDom } from "./fake_dom.js";
import { LabelSession } from "./session.js";
import { UNCONFIRMED_MS } from "./status_text.js";
import { createUnsavedPanel } from "./unsaved_panel.js";

let removeDom;
let storage;
before(() => {
  removeDom = installFakeDom();
  globalThis.window = { localStorage: null };
});
after(() => {
  removeDom();
  delete globalThis.window;
});

function memoryStorage() {
  const items = new Map();
  return { items, getItem: (k) => (items.has(k) ? items.get(k) : null), setItem: (k, v) => items.set(k, v), removeItem: (k) => items.delete(k) };
}

/** A panel over a session with items 0–3, as one view of the storage key "k" shows it. */
function view({ key = "k", clock = { now: 1000 } } = {}) {
  const sent = [];
  const session = new LabelSession({ send: (m) => sent.push(m), now: () => clock.now });
  const item = (pos) => ({ pos, id: `"T${pos}"`, view: {}, answer: null, based_on: 0 });
  session.receive({ kind: "snapshot", history: [], upcoming: [0, 1, 2, 3].map(item), exhausted: false });
  const model = { get: (name) => (name === "storage_key" ? key : null) };
  const panel = createUnsavedPanel({ model, session, signal: null }, (slot) => String(slot.answer.value));
  return { session, panel, sent, clock };
}

const lines = (panel) => panel.element.childNodes[1].childNodes.map((li) => li.textContent);
const heading = (panel) => panel.element.childNodes[0].textContent;

test("a lost kernel: the panel names every answer not saved, and the next view offers them", () => {
  storage = memoryStorage();
  window.localStorage = storage;
  const old = view();
  old.session.answer("a");
  old.session.skip();
  old.panel.lost(old.session.lose("the kernel was restarted or stopped"));
  assert.equal(old.panel.element.hidden, false);
  assert.equal(heading(old.panel), "The kernel was restarted or stopped: 2 answers not saved.");
  assert.deepEqual(lines(old.panel), ["item T0: a", "item T1: skipped"]);
  assert.equal(old.panel.lostCount(), 2);

  const next = view();
  next.panel.check();
  assert.match(heading(next.panel), /^2 answers from an earlier view of this project were not saved/);
  assert.deepEqual(lines(next.panel), ["item T0: a", "item T1: skipped"]);
  assert.equal(next.panel.key("x"), false);
  assert.equal(next.panel.key("S"), true, "⇧S submits them");
  assert.deepEqual(next.sent.map((m) => [m.kind, m.pos, m.event, m.item]), [["answer", 0, "label", '"T0"'], ["answer", 1, "skip", '"T1"']]);
  assert.equal(next.panel.element.hidden, true);
  assert.equal(storage.items.size, 0, "forgotten once submitted: the new view now answers for them");
});

test("answers the next view's window shows as saved are not offered again", () => {
  storage = memoryStorage();
  window.localStorage = storage;
  const old = view();
  old.session.answer("a");
  old.panel.leave(); // the view closed with the answer on its way
  const next = view();
  next.session.receive({ kind: "update", pos: 0, answer: { event: "label", value: "a", flag: null, comment: null }, based_on: 4 });
  next.panel.check();
  assert.equal(next.panel.element.hidden, true);
  assert.equal(storage.items.size, 0);
});

test("answers without reply past the bound are kept, and forgotten once confirmed", () => {
  storage = memoryStorage();
  window.localStorage = storage;
  const slow = view();
  slow.session.answer("a");
  slow.panel.tick();
  assert.equal(storage.items.size, 0, "nothing kept while the kernel may just be busy");
  slow.clock.now += UNCONFIRMED_MS + 1000;
  slow.panel.tick();
  assert.equal(heading(slow.panel), "No reply from the kernel for 21 s: 1 answer not confirmed yet.");
  assert.equal(storage.items.size, 1);
  slow.session.receive({ kind: "ack", req: "r1", pos: 0, event_id: 3, answer: { event: "label", value: "a", flag: null, comment: null }, append: [] });
  slow.panel.tick();
  assert.equal(storage.items.size, 0);
  assert.equal(slow.panel.element.hidden, true);
});

test("without storage the panel still names what was not saved, and says it was not kept", () => {
  window.localStorage = null;
  const lone = view({ key: "" });
  lone.session.answer("a");
  lone.panel.lost(lone.session.lose("the kernel cannot be reached (Cannot send)"));
  assert.deepEqual(lines(lone.panel), ["item T0: a"]);
  assert.match(lone.panel.element.childNodes[2].textContent, /^They could not be kept in this browser/);
});
