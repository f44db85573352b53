import assert from "node:assert/strict";
import { test } from "node:test";
import { connectSession } from "./channel.js";
import { LabelSession } from "./session.js";

/** Stands in for an anywidget model: records what the view sends, delivers kernel messages. */
function fakeModel() {
  const handlers = new Set();
  return {
    sent: [],
    send(message) {
      this.sent.push(message);
    },
    on(name, handler) {
      assert.equal(name, "msg:custom");
      handlers.add(handler);
    },
    off(name, handler) {
      assert.equal(name, "msg:custom");
      handlers.delete(handler);
    },
    deliver(message, buffers = []) {
      for (const handler of [...handlers]) handler(message, buffers);
    },
    listening: () => handlers.size,
  };
}

const item = (pos, view = {}) => ({ pos, id: String(pos), view, answer: null });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a view says hello with its own id and takes only the snapshot addressed to it", () => {
  const model = fakeModel();
  const session = new LabelSession({ send: () => {} });
  let changes = 0;
  connectSession(model, session, () => (changes += 1));
  const [hello] = model.sent;
  assert.equal(hello.kind, "hello");
  model.deliver({ kind: "snapshot", to: "someone else", history: [], upcoming: [item(7)], exhausted: false });
  assert.equal(session.screen(), "loading", "another view's snapshot is not ours");
  model.deliver({ kind: "snapshot", to: hello.to, history: [], upcoming: [item(0), item(1)], exhausted: false });
  assert.equal(session.current().pos, 0);
  assert.equal(changes, 1);
});

test("answers leave after the keypress, in order, and a disconnect sends what is left", async () => {
  const model = fakeModel();
  const session = new LabelSession({ send: () => {} });
  const disconnect = connectSession(model, session, () => {});
  model.deliver({ kind: "snapshot", to: model.sent[0].to, history: [], upcoming: [0, 1, 2, 3].map((p) => item(p)), exhausted: true });
  session.answer("a");
  session.answer("b");
  assert.equal(model.sent.length, 1, "nothing is sent before the next item is painted");
  await tick();
  assert.deepEqual(model.sent.slice(1).map((m) => [m.kind, m.pos, m.value]), [["answer", 0, "a"], ["answer", 1, "b"]]);
  session.answer("c");
  disconnect();
  assert.deepEqual(model.sent.slice(3).map((m) => [m.kind, m.pos, m.value]), [["answer", 2, "c"]], "flushed on disconnect");
  assert.equal(model.listening(), 0, "the handler is removed");
  model.deliver({ kind: "ack", req: "r1", pos: 0, answer: null, append: [] });
  assert.equal(session.slots[0].status, "pending", "a disconnected session hears nothing more");
});

test("images arrive as binary buffers, become object URLs and are released", () => {
  const model = fakeModel();
  const session = new LabelSession({ send: () => {}, historyLimit: 0 });
  const created = [];
  const revoked = [];
  const { createObjectURL, revokeObjectURL } = URL;
  URL.createObjectURL = (blob) => {
    created.push(blob);
    return `blob:test/${created.length}`;
  };
  URL.revokeObjectURL = (url) => revoked.push(url);
  try {
    const disconnect = connectSession(model, session, () => {});
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const upcoming = [item(0, { image: { buffer: 0, mime: "image/png" } }), item(1, { image: { buffer: 5, mime: "image/png" } }), item(2)];
    model.deliver({ kind: "snapshot", to: model.sent[0].to, history: [], upcoming, exhausted: true }, [png.buffer]);
    assert.equal(session.slots[0].view.image.url, "blob:test/1");
    assert.equal(created[0].type, "image/png");
    assert.equal(session.slots[1].view.image.error, "image data missing", "a missing buffer is said, not shown");
    session.answer("a"); // the history limit of 0 drops the answered slot on the next message
    model.deliver({ kind: "ack", req: "r1", pos: 0, answer: { event: "label", value: "a", flag: null, comment: null }, append: [] });
    assert.deepEqual(revoked, ["blob:test/1"], "the dropped item's image is released");
    disconnect();
    assert.deepEqual(revoked, ["blob:test/1"], "nothing is released twice");
  } finally {
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = revokeObjectURL;
  }
});
