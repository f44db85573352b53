import assert from "node:assert/strict";
import { test } from "node:test";
import { installFakeDom } from "../../js/fake_dom.js";
import { createChosen } from "./chosen.js";

const HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", '"><svg onload=alert(1)>', "&lt;b&gt;"];

/** Every text node under `node`, in order. */
function texts(node) {
  return node.childNodes.flatMap((child) => (child.childNodes ? texts(child) : [child.data]));
}

/** Every element under `node`, itself included. */
function elements(node) {
  return [node, ...node.children.flatMap(elements)];
}

test("the chosen items, their caption and the opened line are text, whatever they hold", () => {
  const remove = installFakeDom();
  try {
    const opened = [];
    const chosen = createChosen({ signal: undefined, onOpen: (what) => opened.push(what) });
    chosen.showSelection({
      caption: `2 items: ${HOSTILE.join(" ")}`,
      columns: ["item", HOSTILE[1]],
      rows: [[HOSTILE[0], HOSTILE[2]], [HOSTILE[3], ""]],
      total: 2,
    });
    chosen.showOpened({ error: HOSTILE[1] });
    const shown = texts(chosen.el);
    for (const text of [`2 items: ${HOSTILE.join(" ")}`, ...HOSTILE]) assert.ok(shown.includes(text), text);
    const tags = new Set(elements(chosen.el).map((el) => el.tagName));
    assert.deepEqual([...tags].filter((tag) => ["IMG", "SCRIPT", "SVG"].includes(tag)), []);
    const cells = elements(chosen.el).filter((el) => el.tagName === "TH" || el.tagName === "TD");
    assert.deepEqual(cells.map((cell) => cell.textContent), ["item", HOSTILE[1], HOSTILE[0], HOSTILE[2], HOSTILE[3], ""]);
    const [relabel, review] = elements(chosen.el).filter((el) => el.tagName === "BUTTON");
    assert.equal(relabel.disabled, false, "items listed: the buttons work");
    relabel.listeners.find((l) => l.type === "click").listener();
    review.listeners.find((l) => l.type === "click").listener();
    assert.deepEqual(opened, ["relabel", "review"]);
    chosen.showSelection({ caption: "none", columns: [], rows: [], total: 0 });
    assert.equal(relabel.disabled, true, "nothing listed: nothing to open");
  } finally {
    remove();
  }
});
