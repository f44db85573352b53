import assert from "node:assert/strict";
import { test } from "node:test";
import { connectSession } from "./channel.js";
import { LabelSession } from "./session.js";

/** Stands in for an anywidget model: records what the view sends, delivers kernel messages. */
function fakeModel({ send = null } = {}) {
  const handlers = new Map();
  const listeners = (name) => handlers.get(name) || handlers.set(name, new Set()).get(name);
  return {
    sent: [],
    send(message) {
      if (send) return send(message);
      this.sent.push(message);
    },
    on(name, handler) {
      listeners(name).add(handler);
    },
    off(name, handler) {
      listeners(name).delete(handler);
    },
    deliver(message, buffers = []) {
      for (const handler of [...listeners("msg:custom")]) handler(message, buffers);
    },
    trigger(name) {
      for (const handler of [...listeners(name)]) handler();
    },
    listening: () => [...handlers.values()].reduce((n, set) => n + set.size, 0),
  };
}

/** Connects a fresh session; returns what the test needs. */
function connected(model, options = {}) {
  const session = new LabelSession({ send: () => {}, ...options });
  const lost = [];
  let changes = 0;
  const channel = connectSession(model, session, { onChange: () => (changes += 1), onLost: (reason) => lost.push(session.lose(reason)) });
  return { session, channel, lost, changes: () => changes };
}

const item = (pos, view = {}) => ({ pos, id: String(pos), view, answer: null });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a view says hello with its own id and takes only the snapshot addressed to it", () => {
  const model = fakeModel();
  const { session, changes } = connected(model);
  const [hello] = model.sent;
  assert.equal(hello.kind, "hello");
  model.deliver({ kind: "snapshot", to: "someone else", history: [], upcoming: [item(7)], exhausted: false });
  assert.equal(session.screen(), "loading", "another view's snapshot is not ours");
  model.deliver({ kind: "snapshot", to: hello.to, history: [], upcoming: [item(0), item(1)], exhausted: false });
  assert.equal(session.current().pos, 0);
  assert.equal(changes(), 1);
});

test("answers leave after the keypress, one request in flight, what waited leaves as one batch, a disconnect sends what is left", async () => {
  const model = fakeModel();
  const { session, channel } = connected(model);
  model.deliver({ kind: "snapshot", to: model.sent[0].to, history: [], upcoming: [0, 1, 2, 3, 4].map((p) => item(p)), exhausted: true });
  session.answer("a");
  await tick();
  assert.deepEqual(model.sent.slice(1).map((m) => [m.kind, m.pos, m.value]), [["answer", 0, "a"]], "a lone answer leaves as itself");
  session.answer("b");
  session.answer("c");
  assert.equal(model.sent.length, 2, "nothing is sent before the next item is painted");
  await tick();
  assert.equal(model.sent.length, 2, "the next waits for the kernel's reply");
  model.deliver({ kind: "ack", req: "r77", pos: 3, answer: null, append: [] });
  assert.equal(model.sent.length, 2, "another view's ack is not the reply");
  model.deliver({ kind: "ack", req: "r1", pos: 0, event_id: 1, answer: { event: "label", value: "a", flag: null, comment: null }, append: [] });
  const batch = model.sent[2];
  assert.equal(batch.kind, "batch", "what waited leaves together");
  assert.deepEqual(batch.messages.map((m) => [m.kind, m.req, m.pos, m.value]), [["answer", "r2", 1, "b"], ["answer", "r3", 2, "c"]], "in order");
  session.answer("d");
  await tick();
  model.deliver({ kind: "reject", req: "r2", pos: 1, reason: "no" });
  assert.equal(model.sent.length, 3, "a reply to the batch's first answer does not end the batch");
  model.deliver({ kind: "ack", req: "r3", pos: 2, event_id: 2, answer: { event: "label", value: "c", flag: null, comment: null }, append: [] });
  assert.deepEqual([model.sent[3].kind, model.sent[3].value], ["answer", "d"], "the reply to its last answer does");
  session.answer("e");
  channel.disconnect();
  assert.deepEqual(model.sent.slice(4).map((m) => [m.kind, m.value]), [["answer", "e"]], "flushed on disconnect");
  assert.equal(model.listening(), 0, "the handler is removed");
  model.deliver({ kind: "ack", req: "r4", pos: 3, answer: null, append: [] });
  assert.equal(session.pendingCount(), 2, "a disconnected session hears nothing more");
});

test("images arrive as binary buffers, become object URLs and are released", () => {
  const model = fakeModel();
  const created = [];
  const revoked = [];
  const { createObjectURL, revokeObjectURL } = URL;
  URL.createObjectURL = (blob) => {
    created.push(blob);
    return `blob:test/${created.length}`;
  };
  URL.revokeObjectURL = (url) => revoked.push(url);
  try {
    const { session, channel } = connected(model, { historyLimit: 0 });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const upcoming = [item(0, { image: { buffer: 0, mime: "image/png" } }), item(1, { image: { buffer: 5, mime: "image/png" } }), item(2)];
    model.deliver({ kind: "snapshot", to: model.sent[0].to, history: [], upcoming, exhausted: true }, [png.buffer]);
    assert.equal(session.slots[0].view.image.url, "blob:test/1");
    assert.equal(created[0].type, "image/png");
    assert.equal(session.slots[1].view.image.error, "image data missing", "a missing buffer is said, not shown");
    session.answer("a"); // the history limit of 0 drops the answered slot on the next message
    model.deliver({ kind: "ack", req: "r1", pos: 0, answer: { event: "label", value: "a", flag: null, comment: null }, append: [] });
    assert.deepEqual(revoked, ["blob:test/1"], "the dropped item's image is released");
    channel.disconnect();
    assert.deepEqual(revoked, ["blob:test/1"], "nothing is released twice");
  } finally {
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = revokeObjectURL;
  }
});

test("a send that throws loses the kernel once: what waits is reported, nothing more is sent", async () => {
  let fail = false;
  const sent = [];
  const model = fakeModel({
    send(message) {
      if (fail) throw new Error("Cannot send");
      sent.push(message);
    },
  });
  const { session, channel, lost } = connected(model);
  model.deliver({ kind: "snapshot", to: sent[0].to, history: [], upcoming: [0, 1, 2].map((p) => item(p)), exhausted: false });
  fail = true;
  session.answer("a");
  session.answer("b");
  await tick();
  assert.deepEqual(lost.map((requests) => requests.map((r) => r.message.value)), [["a", "b"]]);
  assert.equal(session.lost, "the kernel cannot be reached (Cannot send)");
  assert.equal(channel.poll(), false, "no poll once the kernel is gone");
  assert.equal(session.answer("c"), false, "no answer either");
  assert.match(session.notice, /Run the cell again/);
});

test("a comm that dies (kernel restarted) or a send promise that fails loses the kernel", async () => {
  const model = fakeModel();
  const { session, lost } = connected(model);
  model.trigger("comm_live_update");
  model.trigger("comm:close");
  assert.equal(lost.length, 1, "reported once");
  assert.equal(session.lost, "the kernel was restarted or stopped");

  const rejecting = fakeModel({ send: () => Promise.reject(new Error("socket closed")) });
  const other = connected(rejecting);
  await tick();
  assert.equal(other.session.lost, "the kernel cannot be reached (socket closed)");
});

test("disconnecting stops listening to the comm too", () => {
  const model = fakeModel();
  const { channel } = connected(model);
  assert.equal(model.listening(), 3);
  channel.disconnect();
  assert.equal(model.listening(), 0);
});
