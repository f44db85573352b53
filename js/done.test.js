import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDoneScreen } from "./done.js";
import { installFakeDom } from "./fake_dom.js";

let removeDom;
before(() => (removeDom = installFakeDom()));
after(() => removeDom());

function doneScreen(progress, pending = 0) {
  const screen = createDoneScreen({ model: { get: () => progress }, session: { pendingCount: () => pending } }, "ArrowLeft");
  screen.update();
  return screen.element;
}

test("with no answer per label, the done screen shows no summary and never “null”", () => {
  for (const progress of [{ labeled: 0, skipped: 2, flagged: 0, by_label: {} }, { labeled: 0, skipped: 1 }, null]) {
    const element = doneScreen(progress);
    assert.equal(
      element.textContent,
      `All done — thank you!${progress ? progress.labeled : 0} labeled · ${progress ? progress.skipped : 0} skipped · 0 marked unsure` +
        "Every answer is saved.Press ← to go back and review your answers.",
    );
    assert.deepEqual(
      element.children.map((child) => child.className),
      ["nbl-done-title", "nbl-done-counts", "nbl-done-save", "nbl-done-hint"],
    );
  }
});

test("answers per label are listed, most frequent first", () => {
  const element = doneScreen({ labeled: 3, skipped: 0, flagged: 1, by_label: { ok: 1, bug: 2 } }, 2);
  const summary = element.children[2];
  assert.equal(summary.className, "nbl-summary");
  assert.deepEqual(
    summary.children.map((row) => row.textContent),
    ["bug2", "ok1"],
  );
  assert.equal(element.children[3].textContent, "saving 2 answers…");
});
