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
  assert.deepEqual(sent[0], { kind: "answer", req: "r1", pos: 0, event: "label", value: "pos", flag: false, comment: null, duration_ms: 1500, based_on: 0 });
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
  assert.deepEqual(sent.at(-1), { kind: "retract", req: "r2", pos: 0, based_on: 0 });
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
  assert.deepEqual(sent[0], { kind: "answer", req: "r1", pos: 0, event: "skip", value: null, flag: true, comment: "hard one", duration_ms: 0, based_on: 0 });
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

test("a decision cites a guideline passage by its heading: with a label, never with a skip", () => {
  const sent = [];
  const session = new LabelSession({ send: (m) => sent.push(m) });
  const upcoming = [0, 1].map((pos) => ({ ...item(pos), review: [{ annotator: "ana", value: "x" }] }));
  session.receive({ kind: "snapshot", history: [], upcoming, exhausted: true });
  assert.equal(session.draft().passage, null);
  session.setPassage("Billing");
  session.answer("x", null, { picked: "ana" });
  assert.equal(sent[0].passage, "Billing");
  assert.deepEqual(session.slots[0].answer.meta, { passage: { heading: "Billing" } });
  session.setPassage("Billing");
  session.skip();
  assert.equal("passage" in sent[1], false, "a skip cites nothing");
  session.back();
  session.back();
  assert.equal(session.draft().passage, "Billing", "the draft starts from the passage stored");
  session.setPassage(null);
  assert.equal(session.draftChanged(), true, "dropping the passage is a change to save");
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

// ---- what each answer is based on ------------------------------------------------------------

const labelled = (value) => ({ event: "label", value, flag: null, comment: null });

test("an answer says what it replaces: the item's event, then each ack's or update's", () => {
  const { session, sent } = started();
  session.receive({ kind: "append", items: [{ ...item(9), answer: labelled("x"), based_on: 4 }], exhausted: false });
  assert.equal(session.slots.at(-1).based_on, 4, "from the item");
  session.answer("a");
  assert.equal(sent[0].based_on, 0);
  session.receive(acked("r1", 0, labelled("a"), { event_id: 12 }));
  session.back();
  session.answer("b");
  assert.equal(sent[1].based_on, 12, "from the ack of its own answer");
  session.receive({ kind: "update", pos: 2, answer: labelled("z"), based_on: 15 });
  assert.equal(session.slots[2].based_on, 15, "from an update");
  session.receive({ kind: "update", pos: 2, answer: labelled("old"), based_on: 14 });
  assert.equal(session.slots[2].answer.value, "z", "an older state never replaces a newer one");
  session.cursor = 2;
  session.undo();
  assert.deepEqual(sent.at(-1), { kind: "retract", req: "r3", pos: 2, based_on: 15 });
});

test("a stale refusal shows its reason, then the current answer the update brings", () => {
  const { session } = started();
  session.answer("a");
  session.answer("b");
  session.answer("c");
  const reason = "not saved: this item was answered meanwhile in another view or notebook of 'ana'";
  session.receive({ kind: "reject", req: "r1", pos: 0, reason, stale: true });
  // The kernel pulled the other view's answers: updates for every item, two still in flight.
  for (const [pos, value, id] of [[0, "x", 7], [1, "y", 8], [2, "z", 9]]) session.receive({ kind: "update", pos, answer: labelled(value), based_on: id });
  assert.equal(session.current().pos, 0, "back to the first refused item");
  assert.equal(session.notice, "Not saved: this item was answered meanwhile in another view or notebook of 'ana'");
  assert.equal(session.current().answer.value, "x");
  assert.equal(session.current().status, "acked");
  assert.equal(session.current().stale, true);
  assert.equal(session.slots[1].answer.value, "b", "an answer in flight stays shown until the kernel decides");
  session.receive({ kind: "reject", req: "r2", pos: 1, reason, stale: true });
  session.receive({ kind: "reject", req: "r3", pos: 2, reason, stale: true });
  assert.deepEqual(session.slots.slice(0, 3).map((slot) => slot.answer.value), ["x", "y", "z"], "each shows the answer saved elsewhere");
  assert.deepEqual(session.slots.slice(0, 3).map((slot) => slot.based_on), [7, 8, 9], "and the next answer is based on it");
  assert.equal(session.current().pos, 0, "later refusals do not move the view forward");
  assert.equal(session.pendingCount(), 0);
});

test("a refusal restores what the kernel last said, not an answer it refused before", () => {
  const { session, sent } = started();
  session.answer("a"); // r1
  session.back();
  session.answer("b"); // r2, before r1's refusal arrived
  assert.equal(sent[1].based_on, 0);
  session.receive({ kind: "reject", req: "r1", pos: 0, reason: "stale", stale: true });
  session.receive({ kind: "update", pos: 0, answer: labelled("x"), based_on: 7 });
  assert.equal(session.slots[0].answer.value, "b", "r2 still on its way");
  session.receive({ kind: "reject", req: "r2", pos: 0, reason: "stale", stale: true });
  assert.equal(session.slots[0].answer.value, "x");
  assert.equal(session.slots[0].based_on, 7);
});

// ---- keys act on what is on screen -------------------------------------------------------------

test("the session is in step with the screen only until a kernel message changes what it shows", () => {
  const { session } = started({ upcoming: [0] });
  assert.equal(session.inStep(), false, "nothing drawn yet");
  session.shown();
  assert.equal(session.inStep(), true);
  session.answer("a");
  session.shown();
  assert.equal(session.screen(), "waiting");
  session.receive(acked("r1", 0, labelled("a"), { append: [item(1)] }));
  assert.equal(session.inStep(), false, "an item arrived on the waiting screen, not drawn yet");
  session.shown();
  session.receive(acked("r9", 3, labelled("q")));
  assert.equal(session.inStep(), true, "an answer elsewhere, to an item off screen");
  session.receive({ kind: "update", pos: 1, answer: labelled("elsewhere"), based_on: 5 });
  assert.equal(session.inStep(), false, "the answer on screen changed");
});

// ---- a lost kernel -------------------------------------------------------------------------------

test("a lost kernel: what waited is returned once, items say so, nothing more is sent", () => {
  const { session, sent } = started();
  session.answer("a");
  session.answer("b");
  session.receive(acked("r1", 0, labelled("a"), { event_id: 3 }));
  session.undo(); // retract b
  const unsaved = session.lose("the kernel was restarted or stopped");
  assert.deepEqual(unsaved.map((r) => [r.kind, r.pos, r.item, r.message.based_on]), [["answer", 1, '"item-1"', 0], ["retract", 1, '"item-1"', 0]]);
  const { req, ...message } = sent[1];
  assert.equal(req, "r2");
  assert.deepEqual(unsaved[0].message, message, "what was sent, to send again");
  assert.deepEqual(session.lose("again"), [], "reported once");
  assert.equal(session.pendingCount(), 0);
  assert.equal(session.slots[1].status, "lost");
  const before = sent.length;
  assert.equal(session.answer("c"), false);
  assert.equal(session.undo(), false);
  assert.equal(sent.length, before);
  assert.match(session.notice, /^Not saved: the kernel was restarted or stopped/);
});

test("kept answers are sent again with the state they were based on, and the view moves past them", () => {
  const { session, sent } = started({ history: [7] });
  session.receive({ kind: "update", pos: 1, answer: null, based_on: 6 });
  const kept = [
    { message: { kind: "answer", pos: 0, event: "label", value: "a", flag: true, comment: "hm", duration_ms: 900, based_on: 0 }, item: '"item-0"' },
    { message: { kind: "answer", pos: 1, event: "skip", value: null, flag: false, comment: null, duration_ms: 5, based_on: 2 }, item: '"item-1"' },
    { message: { kind: "answer", pos: 40, event: "label", value: "b", flag: false, comment: null, duration_ms: 5, based_on: 0 }, item: '"item-40"' },
  ];
  assert.ok(session.resubmit(kept));
  assert.deepEqual(sent.map((m) => [m.kind, m.pos, m.based_on, m.item, m.req]), [["answer", 0, 0, '"item-0"', "r1"], ["answer", 1, 2, '"item-1"', "r2"], ["answer", 40, 0, '"item-40"', "r3"]]);
  assert.deepEqual(session.slots[1].answer, { event: "label", value: "a", flag: "unsure", comment: "hm" });
  assert.equal(session.current().pos, 2, "past the items they answer");
  assert.equal(session.pendingNewAnswers(), 3, "new answers, one to an item outside the window");
});

test("a kept answer the window shows as saved since is recognised", () => {
  const { session } = started();
  session.receive({ kind: "update", pos: 0, answer: { event: "label", value: "a", flag: "unsure", comment: null }, based_on: 9 });
  const answer = (pos, value, basedOn) => ({ message: { kind: "answer", pos, event: "label", value, flag: true, comment: null, based_on: basedOn } });
  assert.equal(session.alreadySaved(answer(0, "a", 0)), true);
  assert.equal(session.alreadySaved(answer(0, "b", 0)), false, "another answer was saved since: submit, and let the kernel refuse it");
  assert.equal(session.alreadySaved(answer(0, "a", 9)), false, "nothing newer than what it was based on");
  assert.equal(session.alreadySaved(answer(55, "a", 0)), false, "outside the window: unknown");
  assert.equal(session.alreadySaved({ message: { kind: "retract", pos: 1, based_on: 0 } }), false);
});

test("each view names its requests its own way: views of one annotator hear each other's acks", () => {
  const sent = [];
  const mine = new LabelSession({ send: (m) => sent.push(m), requestPrefix: "v1-r" });
  mine.receive({ kind: "snapshot", history: [], upcoming: [item(0), item(1)], exhausted: false });
  mine.answer("a");
  assert.equal(sent[0].req, "v1-r1");
  mine.receive({ kind: "ack", req: "v2-r1", pos: 5, event_id: 3, answer: labelled("z"), append: [] });
  assert.equal(mine.pendingCount(), 1, "another view's first request is not this one's");
});
