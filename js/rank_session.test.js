import assert from "node:assert/strict";
import { test } from "node:test";
import { LabelSession } from "./session.js";

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
