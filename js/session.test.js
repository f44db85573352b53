import assert from "node:assert/strict";
import { test } from "node:test";
import { LabelSession, displayItemId } from "./session.js";

function item(pos, answer = null) {
  return { pos, id: JSON.stringify(`item-${pos}`), view: { text: `text ${pos}` }, answer };
}

function started({ history = [], upcoming = [0, 1, 2, 3], exhausted = false } = {}) {
  const sent = [];
  let clock = 1000;
  const session = new LabelSession({ send: (m) => sent.push(m), now: () => clock });
  session.receive({ kind: "snapshot", history: history.map((p) => item(p, { event: "label", value: "a", flag: null, comment: null })), upcoming: upcoming.map((p) => item(p)), exhausted });
  return { session, sent, tick: (ms) => (clock += ms) };
}

const acked = (req, pos, answer, extra = {}) => ({ kind: "ack", req, pos, answer, append: [], exhausted: false, ...extra });

test("loading until the snapshot arrives", () => {
  const session = new LabelSession({ send: () => {} });
  assert.equal(session.screen(), "loading");
  assert.equal(session.current(), null);
});

test("snapshot puts the cursor on the first unanswered item", () => {
  const { session } = started({ history: [7, 8], upcoming: [9, 10] });
  assert.equal(session.screen(), "item");
  assert.equal(session.current().pos, 9);
  assert.equal(session.cursor, 2);
});

test("answer moves on at once and sends the answer with time on item", () => {
  const { session, sent, tick } = started();
  tick(1500);
  assert.ok(session.answer("pos"));
  assert.equal(session.current().pos, 1);
  assert.deepEqual(sent[0], { kind: "answer", req: "r1", pos: 0, event: "label", value: "pos", flag: false, comment: null, duration_ms: 1500 });
  assert.equal(session.slots[0].status, "pending");
  assert.equal(session.pendingCount(), 1);
  assert.equal(session.pendingNewAnswers(), 1);
});

test("ack marks the answer saved with the kernel's normalised value and appends items", () => {
  const { session } = started();
  session.answer(["b", "a"]);
  session.receive(acked("r1", 0, { event: "label", value: ["a", "b"], flag: null, comment: null }, { append: [item(4)] }));
  assert.equal(session.slots[0].status, "acked");
  assert.deepEqual(session.slots[0].answer.value, ["a", "b"]);
  assert.equal(session.slots.length, 5);
  assert.equal(session.pendingCount(), 0);
});

test("appended items already in the window are not duplicated", () => {
  const { session } = started();
  session.receive({ kind: "append", items: [item(2), item(5)], exhausted: true });
  assert.deepEqual(session.slots.map((s) => s.pos), [0, 1, 2, 3, 5]);
  assert.equal(session.exhausted, true);
});

test("a re-ranked window drops upcoming items but never the one on screen or an answered one", () => {
  const { session } = started({ upcoming: [0, 1, 2, 3, 4] });
  session.answer("a"); // item 0 answered, item 1 on screen
  session.answer("b"); // item 1 answered (in flight), item 2 on screen
  const dropped = session.receive(acked("r1", 0, { event: "label", value: "a", flag: null, comment: null }, { drop: [1, 2, 3, 4], append: [item(9), item(8)] }));
  assert.deepEqual(session.slots.map((slot) => slot.pos), [0, 1, 2, 9, 8]);
  assert.deepEqual(dropped.map((slot) => slot.pos), [3, 4]);
  assert.equal(session.current().pos, 2);
  session.receive({ kind: "append", items: [], drop: [9], exhausted: false });
  assert.deepEqual(session.slots.map((slot) => slot.pos), [0, 1, 2, 8]);
});

test("reject brings the item back with the reason and restores the previous answer", () => {
  const { session } = started();
  session.answer("bad");
  session.answer("ok");
  assert.equal(session.current().pos, 2);
  session.receive({ kind: "reject", req: "r1", pos: 0, reason: "'bad' is not a label" });
  assert.equal(session.current().pos, 0);
  assert.equal(session.current().answer, null);
  assert.equal(session.current().status, "rejected");
  assert.match(session.notice, /not a label/);
  assert.equal(session.pendingCount(), 1);
});

test("back and forward walk the history; forward stops at an unanswered item", () => {
  const { session } = started();
  session.answer("a");
  assert.ok(session.back());
  assert.equal(session.current().pos, 0);
  assert.equal(session.current().answer.value, "a");
  assert.ok(session.forward());
  assert.equal(session.current().pos, 1);
  assert.equal(session.forward(), false);
  assert.equal(session.back() && session.back(), false);
});

test("re-answering a history item sends a new answer and moves to the next", () => {
  const { session, sent } = started();
  session.answer("a");
  session.answer("b");
  session.back();
  session.back();
  session.answer("c");
  assert.equal(sent.at(-1).value, "c");
  assert.equal(sent.at(-1).pos, 0);
  assert.equal(session.current().pos, 1);
});

test("undo retracts the previous answer and returns to it", () => {
  const { session, sent } = started();
  session.answer("a");
  assert.ok(session.undo());
  assert.equal(session.current().pos, 0);
  assert.equal(session.current().answer, null);
  assert.deepEqual(sent.at(-1), { kind: "retract", req: "r2", pos: 0 });
  session.receive(acked("r1", 0, { event: "label", value: "a", flag: null, comment: null }));
  assert.equal(session.current().answer, null, "a late ack of the answer must not resurrect it");
  session.receive(acked("r2", 0, null));
  assert.equal(session.current().answer, null);
  assert.equal(session.pendingCount(), 0);
});

test("undo on an answered item retracts that item and stays", () => {
  const { session } = started();
  session.answer("a");
  session.answer("b");
  session.back();
  assert.ok(session.undo());
  assert.equal(session.current().pos, 1);
  assert.equal(session.slots[0].answer.value, "a");
});

test("undo with nothing answered does nothing", () => {
  const { session, sent } = started();
  assert.equal(session.undo(), false);
  assert.equal(sent.length, 0);
});

test("skip, flag and comment travel with the answer", () => {
  const { session, sent } = started();
  session.toggleFlag();
  session.setComment("hard one");
  session.skip();
  assert.deepEqual(sent[0], { kind: "answer", req: "r1", pos: 0, event: "skip", value: null, flag: true, comment: "hard one", duration_ms: 0 });
  assert.equal(session.slots[0].answer.flag, "unsure");
});

test("answers can carry details for the kernel", () => {
  const { session, sent } = started();
  session.answer([{ start: 0, end: 2, label: "X" }], { accepted: [0] });
  assert.deepEqual(sent[0].meta, { accepted: [0] });
  assert.equal("meta" in sent, false);
});

test("adjudication answers say whose answer was picked; slots keep what the kernel sent", () => {
  const sent = [];
  const session = new LabelSession({ send: (m) => sent.push(m) });
  session.receive({ kind: "snapshot", history: [], upcoming: [{ ...item(0), review: [{ annotator: "ana", value: "x" }] }], exhausted: true });
  assert.deepEqual(session.current().review, [{ annotator: "ana", value: "x" }]);
  session.answer("x", null, { picked: "ana" });
  assert.equal(sent[0].picked, "ana");
  assert.equal(sent[0].kind, "answer", "fields never override the protocol's own");
});

test("a draft's value starts as a copy of the stored answer", () => {
  const { session } = started({ history: [5] });
  session.back();
  const draft = session.draft();
  assert.equal(draft.value, "a");
  session.receive({ kind: "update", pos: 5, answer: { event: "label", value: [{ start: 1 }], flag: null, comment: null } });
  const fresh = session.draft();
  fresh.value[0].start = 9;
  assert.equal(session.current().answer.value[0].start, 1, "editing the draft never changes the answer");
});

test("multi-label drafts toggle values", () => {
  const { session } = started();
  session.toggleSelected("x");
  session.toggleSelected("y");
  session.toggleSelected("x");
  assert.deepEqual(session.draft().selected, ["y"]);
});

test("draft of an answered item starts from its answer and reports changes", () => {
  const { session } = started({ history: [5] });
  session.back();
  assert.equal(session.draftChanged(), false);
  session.toggleFlag();
  assert.equal(session.draftChanged(), true);
});

test("done when the window is empty and the kernel has no more items", () => {
  const { session } = started({ upcoming: [0], exhausted: true });
  session.answer("a");
  assert.equal(session.screen(), "done");
  session.back();
  assert.equal(session.screen(), "item");
});

test("waiting when answers outran the window but the kernel has more", () => {
  const { session } = started({ upcoming: [0] });
  session.answer("a");
  assert.equal(session.screen(), "waiting");
  session.receive(acked("r1", 0, { event: "label", value: "a", flag: null, comment: null }, { append: [item(1)] }));
  assert.equal(session.screen(), "item");
  assert.equal(session.current().pos, 1);
});

test("an answer from another view of the same annotator is followed", () => {
  const { session } = started();
  session.receive(acked("r99", 0, { event: "label", value: "z", flag: null, comment: null }));
  assert.equal(session.slots[0].answer.value, "z");
  assert.equal(session.current().pos, 1, "the item on screen was answered elsewhere: move on");
});

test("update messages change an answer unless a request for it is in flight", () => {
  const { session } = started();
  session.receive({ kind: "update", pos: 2, answer: { event: "skip", value: null, flag: null, comment: null } });
  assert.equal(session.slots[2].answer.event, "skip");
  session.answer("mine");
  session.receive({ kind: "update", pos: 0, answer: null });
  assert.equal(session.slots[0].answer.value, "mine");
});

test("history beyond the limit is dropped and returned for cleanup", () => {
  const sent = [];
  const session = new LabelSession({ send: (m) => sent.push(m), historyLimit: 2 });
  session.receive({ kind: "snapshot", history: [], upcoming: [0, 1, 2, 3, 4].map((p) => item(p)), exhausted: true });
  for (let i = 0; i < 4; i += 1) session.answer("a");
  const dropped = session.receive(acked("r1", 0, { event: "label", value: "a", flag: null, comment: null }));
  assert.equal(dropped.length, 0, "slots with requests in flight are kept");
  for (const req of ["r2", "r3", "r4"]) session.receive(acked(req, Number(req.slice(1)) - 1, { event: "label", value: "a", flag: null, comment: null }));
  assert.equal(session.slots.length, 3);
  assert.equal(session.current().pos, 4);
});

test("oldestPendingAge measures how long the kernel has kept us waiting", () => {
  const { session, tick } = started();
  assert.equal(session.oldestPendingAge(), 0);
  session.answer("a");
  tick(4000);
  assert.equal(session.oldestPendingAge(), 4000);
});

test("item ids are shown readably", () => {
  assert.equal(displayItemId('"abc"'), "abc");
  assert.equal(displayItemId("17"), "17");
  assert.equal(displayItemId('{"ts": "2024-01-02T00:00:00"}'), "2024-01-02T00:00:00");
});

test("a ranking's details go with the answer and stay on the pending answer", () => {
  const sent = [];
  const session = new LabelSession({ send: (m) => sent.push(m), now: () => 0 });
  session.receive({ kind: "snapshot", history: [], upcoming: [{ pos: 0, id: "0", view: {}, answer: null }, { pos: 1, id: "1", view: {}, answer: null }], exhausted: false });
  const meta = { shown: ["b", "a"], ratings: { a: 4 } };
  session.answer([["a"], ["b"]], meta);
  assert.deepEqual(sent[0].meta, meta);
  assert.deepEqual(session.slots[0].answer, { event: "label", value: [["a"], ["b"]], flag: null, comment: null, meta });
  session.answer([["b", "a"]]);
  assert.ok(!("meta" in sent[1]) && !("meta" in session.slots[1].answer), "no details, no meta");
});
