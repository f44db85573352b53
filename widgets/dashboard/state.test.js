import assert from "node:assert/strict";
import { test } from "node:test";
import { MIN_PLOT_WIDTH, freshPanels, openedText, plotWidth, pointsFromStore, tableFooter } from "./state.js";

test("a panel state is taken once, and never after a newer one", () => {
  const taken = new Map();
  const first = freshPanels(taken, [{ name: "labels", version: 1 }, { name: "progress", version: 1 }]);
  assert.deepEqual(first.map((p) => p.name), ["labels", "progress"]);
  assert.deepEqual(freshPanels(taken, [{ name: "labels", version: 1 }]), [], "a repeat is skipped");
  assert.deepEqual(freshPanels(taken, [{ name: "labels", version: 3 }]).map((p) => p.version), [3]);
  assert.deepEqual(freshPanels(taken, [{ name: "labels", version: 2 }]), [], "an older one is skipped");
  assert.deepEqual(freshPanels(taken, [null, { version: 9 }, undefined]), []);
  assert.deepEqual(freshPanels(taken, undefined), []);
});

test("clicked marks become points of their projected fields", () => {
  const store = [
    { unit: "layer_0", fields: [{ field: "label", type: "E" }, { field: "predicted", type: "E" }], values: ["bug", "billing"] },
    { unit: "layer_0", fields: [{ field: "label", type: "E" }, { field: "predicted", type: "E" }], values: ["praise", "praise"] },
  ];
  assert.deepEqual(pointsFromStore(store), [
    { label: "bug", predicted: "billing" },
    { label: "praise", predicted: "praise" },
  ]);
  const bins = [{ fields: [{ field: "bin_start" }, { field: "bin_end" }], values: [0.1, 0.15] }];
  assert.deepEqual(pointsFromStore(bins), [{ bin_start: 0.1, bin_end: 0.15 }]);
  const when = new Date(Date.UTC(2024, 4, 1, 8));
  assert.deepEqual(pointsFromStore([{ fields: [{ field: "t" }], values: [when] }]), [{ t: "2024-05-01T08:00:00.000Z" }]);
  assert.deepEqual(pointsFromStore([]), [], "a click beside the marks empties the store");
  assert.deepEqual(pointsFromStore(undefined), []);
  assert.deepEqual(pointsFromStore([{ fields: [], values: [] }]), []);
});

test("the line under the buttons says what opened and where", () => {
  assert.equal(openedText({}), "");
  assert.equal(openedText(undefined), "");
  assert.equal(openedText({ what: "relabel", items: 12, where: "below" }), "Relabeling 12 items below.");
  assert.equal(openedText({ what: "review", items: 1, where: "below" }), "Reviewing 1 item below.");
  assert.equal(openedText({ what: "relabel", items: 3, where: "opened" }), "Relabeling 3 items in the widget your code shows.");
  assert.match(openedText({ what: "relabel", items: 3, where: "waiting" }), /mo\.ui\.anywidget\(dash\.view_for\(board\.value\["request"\]\)\)/);
  assert.equal(openedText({ error: "no items are listed" }), "no items are listed");
});

test("a table cut short says so", () => {
  assert.equal(tableFooter(40, 40), "");
  assert.equal(tableFooter(250, 100), "The first 100 of 250 items are shown (all of them: dash.selected).");
});

test("a widened plot takes the room its axes and legend leave, down to a readable width", () => {
  assert.equal(plotWidth(400, 500, 320), 220, "axes and legend take 180 px of the 400");
  assert.equal(plotWidth(900, 500, 320), 720);
  assert.equal(plotWidth(300, 700, 320), MIN_PLOT_WIDTH, "long labels: the plot stays readable");
  assert.equal(plotWidth(0, 500, 320), 320, "not laid out yet: leave it as it is");
  assert.equal(plotWidth(Number.NaN, 500, 320), 320);
  assert.equal(plotWidth(400.7, 500, 320), 220, "whole pixels");
});
