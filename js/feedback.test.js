import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { installFakeDom } from "./fake_dom.js";
import { createFeedbackPanel, feedbackSummary, feedbackWords } from "./feedback.js";

let removeDom;
before(() => (removeDom = installFakeDom()));
after(() => removeDom());

const overruled = {
  key: "3|overruled|12", pos: 3, id: "3", kind: "overruled", answer: "pos", correct: "neg", by: "rev",
  comment: "sarcasm counts as negative (§2)", at: "2026-12-06T13:00:05+00:00", snippet: "Great, another delay.",
};
const missed = { key: "7|missed gold|9", pos: 7, id: "7", kind: "missed gold", answer: "neg", correct: "pos", by: "gold", comment: null, at: null, snippet: null };

/** A model holding a `feedback` trait, with the change listeners the shell registers. */
function fakeModel(feedback) {
  const traits = { feedback };
  return {
    get: (name) => traits[name],
    set(name, value) {
      traits[name] = value;
    },
  };
}

function panelFor(feedback) {
  const said = [];
  const model = fakeModel(feedback);
  const panel = createFeedbackPanel({ model, session: { say: (text) => said.push(text) > 0 }, signal: new AbortController().signal }, "!");
  panel.element.contains = () => true;
  panel.update();
  return { panel, model, said };
}

/** Every element under `node`, depth first. */
function elements(node) {
  return (node.children || []).flatMap((child) => [child, ...elements(child)]);
}

test("an entry says what was answered, what was decided and why", () => {
  assert.deepEqual(feedbackWords(overruled), {
    heading: "Overruled by rev · item 3 · 2026-12-06 13:00:05 UTC",
    answers: "You answered “pos”; the decision is “neg”.",
    why: "rev’s comment: sarcasm counts as negative (§2)",
    passage: null,
  });
  assert.deepEqual(feedbackWords(missed), {
    heading: "Missed a gold item · item 7",
    answers: "You answered “neg”; the gold answer is “pos”.",
    why: null,
    passage: null,
  });
  assert.equal(feedbackSummary(1, 0), "1 answer to look at");
  assert.equal(feedbackSummary(3, 2), "3 answers to look at (2 new)");
});

test("span answers, which quote their own texts, are not quoted twice", () => {
  const spans = { ...overruled, answer: "“Ana” PER, “Acme” PER", correct: "no spans" };
  assert.equal(feedbackWords(spans).answers, "You answered “Ana” PER, “Acme” PER; the decision is “no spans”.");
});

test("a cited passage is quoted apart from the comment, heading and text as cited", () => {
  const cited = { ...overruled, passage: { heading: "Sarcasm", text: "Irony that *praises* a failure is negative." } };
  assert.deepEqual(feedbackWords(cited).passage, { heading: "Guideline · Sarcasm", text: "Irony that *praises* a failure is negative." });
  const { panel } = panelFor({ count: 1, items: [cited] });
  const quote = elements(panel.element).find((el) => el.tagName === "BLOCKQUOTE");
  assert.equal(quote.className, "nbl-feedback-passage");
  assert.equal(quote.textContent, "Guideline · SarcasmIrony that *praises* a failure is negative.");
  const why = elements(panel.element).find((el) => el.className === "nbl-feedback-why");
  assert.equal(why.textContent, "rev’s comment: sarcasm counts as negative (§2)", "the comment stays apart");
});

test("the panel is hidden without feedback, and ! then says there is none", () => {
  const { panel, said } = panelFor({});
  assert.equal(panel.element.hidden, true);
  assert.equal(panel.toggle(), true);
  assert.equal(panel.element.open, undefined, "nothing to open");
  assert.match(said[0], /^No feedback yet/);
});

test("the panel lists the entries newest first, marks them new until it is opened", () => {
  const { panel, model } = panelFor({ count: 2, items: [overruled, missed] });
  assert.equal(panel.element.hidden, false);
  assert.match(panel.element.textContent, /Feedback · 2 answers to look at \(2 new\)/);
  assert.equal(panel.element.classList.contains("nbl-fresh"), true);
  const entries = elements(panel.element).filter((el) => el.tagName === "LI");
  assert.equal(entries.length, 2);
  assert.match(entries[0].textContent, /Overruled by rev.*Great, another delay\..*You answered “pos”; the decision is “neg”\..*sarcasm/);
  assert.equal(entries[0].dataset.kind, "overruled");
  assert.equal(panel.toggle(), true);
  assert.equal(panel.element.open, true);
  assert.match(panel.element.textContent, /2 answers to look at(?! \()/);
  assert.equal(panel.element.classList.contains("nbl-fresh"), false, "seen once opened");
  assert.equal(panel.close(), true);
  assert.equal(panel.close(), false, "already folded");
  // A reviewer decides while the panel is open: the new entry alone is new.
  panel.toggle();
  assert.equal(panel.element.open, true);
  const later = { ...overruled, key: "5|overruled|20", id: "5", pos: 5 };
  model.set("feedback", { count: 3, items: [later, overruled, missed] });
  panel.update();
  assert.match(panel.element.textContent, /3 answers to look at \(1 new\)/);
  const marked = elements(panel.element).filter((el) => el.tagName === "LI" && el.classList.contains("nbl-new"));
  assert.deepEqual(marked.map((el) => el.dataset.kind), ["overruled"]);
  assert.match(marked[0].textContent, /item 5/);
  panel.close();
  panel.toggle();
  assert.match(panel.element.textContent, /3 answers to look at(?! \()/, "seen when opened again");
});

test("entries beyond those sent are counted, not dropped silently", () => {
  const { panel } = panelFor({ count: 51, items: [overruled] });
  assert.match(panel.element.textContent, /… and 50 older/);
});

test("text from data is shown as text, never parsed as HTML", () => {
  const hostile = { ...overruled, comment: "<img src=x onerror=alert(1)>", answer: "<b>pos</b>", snippet: "<script>x()</script>", by: "<i>rev</i>", passage: { heading: "<u>h</u>", text: "<em>t</em>" } };
  const { panel } = panelFor({ count: 1, items: [hostile] });
  const all = [panel.element, ...elements(panel.element)];
  assert.deepEqual(all.filter((el) => Object.hasOwn(el, "innerHTML")), [], "no element had innerHTML set");
  assert.deepEqual(all.map((el) => el.tagName).filter((tag) => !["DETAILS", "SUMMARY", "KBD", "SPAN", "OL", "LI", "DIV", "BLOCKQUOTE"].includes(tag)), []);
  assert.match(panel.element.textContent, /<img src=x onerror=alert\(1\)>/);
  assert.match(panel.element.textContent, /<script>x\(\)<\/script>/);
  assert.match(panel.element.textContent, /Guideline · <u>h<\/u><em>t<\/em>/);
});

test("inside the open panel, scrolling keys and Enter are the page's; others stay the widget's", () => {
  const { panel } = panelFor({ count: 1, items: [overruled] });
  const inside = (key) => panel.holds({ key, target: {} });
  assert.equal(inside("ArrowDown"), false, "folded: the keys label");
  panel.toggle();
  assert.equal(inside("ArrowDown"), true);
  assert.equal(inside("Enter"), true);
  assert.equal(inside("1"), false);
  assert.equal(inside("Escape"), false);
  panel.element.contains = () => false;
  assert.equal(inside("ArrowDown"), false, "outside the panel the arrows are the view's");
});
