import assert from "node:assert/strict";
import { test } from "node:test";
import { SILENT_MS, keptAnswers } from "./unsaved.js";

/** Stands in for localStorage. */
function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (name) => (items.has(name) ? items.get(name) : null),
    setItem: (name, value) => items.set(name, String(value)),
    removeItem: (name) => items.delete(name),
  };
}

const record = (pos, value) => ({ message: { kind: "answer", pos, event: "label", value, based_on: 0 }, item: String(pos), text: `item ${pos}: ${value}` });

test("what a lost view kept is offered to the next view of the same key, then forgotten", () => {
  const storage = memoryStorage();
  const old = keptAnswers({ storage, key: "k", owner: "old" });
  assert.equal(old.keep([record(1, "a"), record(2, "b")], true), null);
  assert.deepEqual(old.orphans(), [], "a view is never offered its own answers");
  const next = keptAnswers({ storage, key: "k", owner: "new" });
  const found = next.orphans();
  assert.deepEqual(found.map(({ owner, record: r }) => [owner, r.message.pos]), [["old", 1], ["old", 2]]);
  assert.deepEqual(keptAnswers({ storage, key: "other project", owner: "x" }).orphans(), [], "keyed by store, project and annotator");
  assert.equal(next.forget(found.slice(0, 1)), null);
  assert.deepEqual(next.orphans().map(({ record: r }) => r.message.pos), [2]);
  next.forget(next.orphans());
  assert.equal(storage.items.size, 0, "nothing left behind");
});

test("answers a live view still waits for are not offered until it falls silent", () => {
  const storage = memoryStorage();
  let clock = 1000;
  const now = () => clock;
  const waiting = keptAnswers({ storage, key: "k", owner: "busy", now });
  waiting.keep([record(3, "c")], false);
  const other = keptAnswers({ storage, key: "k", owner: "other", now });
  assert.deepEqual(other.orphans(), []);
  clock += SILENT_MS + 1;
  assert.equal(other.orphans().length, 1, "a view that stopped saying it is alive no longer owns them");
  waiting.keep([], false);
  assert.deepEqual(other.orphans(), [], "confirmed after all: forgotten");
});

test("a storage that refuses or holds garbage is reported, never thrown", () => {
  const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); }, removeItem: () => {} };
  assert.equal(keptAnswers({ storage: full, key: "k", owner: "v" }).keep([record(1, "a")], true), "QuotaExceededError");
  const garbage = { getItem: () => "{not json", setItem: () => {}, removeItem: () => {} };
  assert.deepEqual(keptAnswers({ storage: garbage, key: "k", owner: "v" }).orphans(), []);
});
