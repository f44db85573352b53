// The feedback panel: the annotator's answers a reviewer overruled or that missed a gold item,
// with the decision, the reviewer's comment (or the gold explanation), the guideline passage the
// decision cites, and when. It follows the
// `feedback` trait, which the kernel updates when a decision is made in any view or kernel; the
// labeling keys never redraw it. Everything in it is data, set as text, never as HTML.

import { h, setChildren, setText, show } from "./dom.js";
import { keyLabel } from "./keys.js";

/** Keys that act inside the open panel as in any page (scroll, Tab on, toggle the summary). */
const PANEL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", "Enter", " "]);

/**
 * The words of one entry, DOM-free: a heading, what the annotator answered against what was
 * decided (or the gold answer), why, and the guideline passage the decision cites (its heading
 * and its text, as cited).
 * @param {{kind: string, id: string, answer: string, correct: string, by: string,
 *   comment: string|null, passage?: {heading: string, text: string}|null, at: string|null}} entry
 *   one item of the trait
 */
export function feedbackWords(entry) {
  const gold = entry.kind === "missed gold";
  const when = entry.at ? ` · ${entry.at.replace("T", " ").replace(/\+00:00$/, " UTC")}` : "";
  return {
    heading: `${gold ? "Missed a gold item" : `Overruled by ${entry.by}`} · item ${entry.id}${when}`,
    answers: `You answered ${quoted(entry.answer)}; ${gold ? "the gold answer is" : "the decision is"} ${quoted(entry.correct)}.`,
    why: entry.comment ? `${gold ? "Why" : `${entry.by}’s comment`}: ${entry.comment}` : null,
    passage: entry.passage ? { heading: `Guideline · ${entry.passage.heading}`, text: entry.passage.text } : null,
  };
}

/** An answer's words in quotes, unless they quote their own parts already (spans: “Ana” PER). */
function quoted(words) {
  return /[“”]/.test(words) ? words : `“${words}”`;
}

/**
 * The summary line: how many answers to look at, and how many arrived since the panel was last
 * open in this view.
 * @param {number} count  entries in all
 * @param {number} fresh  entries not yet seen in this view
 */
export function feedbackSummary(count, fresh) {
  const what = `${count} answer${count === 1 ? "" : "s"} to look at`;
  return fresh ? `${what} (${fresh} new)` : what;
}

/**
 * The panel, folded under a summary; hidden while there is no feedback. `update()` redraws it
 * from the trait, `toggle()` and `close()` open and fold it (the "!" key, Esc), `holds(event)`
 * says whether a key pressed inside the open panel belongs to it.
 * @param {{model: object, session: {say(text: string): boolean}, signal: AbortSignal}} ctx  the
 *   shell's context
 * @param {string} key  the key that opens it
 */
export function createFeedbackPanel({ model, session, signal }, key) {
  const count = h("span", { class: "nbl-feedback-count" });
  const summary = h("summary", {}, h("kbd", { text: keyLabel(key) }), " Feedback · ", count);
  const list = h("ol", { class: "nbl-feedback-list", attrs: { tabindex: "0", "aria-label": "feedback on your answers" } });
  const element = h("details", { class: "nbl-feedback" }, summary, list);
  const seen = new Set();
  let items = [];
  // Opened by a click or by Enter on the summary: what it shows now counts as seen.
  element.addEventListener("toggle", () => element.open && open(), { signal });

  /** Entries are new until the panel is opened; those arriving while it is open stay new. */
  function open() {
    for (const entry of items) seen.add(entry.key);
    update();
  }

  function update() {
    const feedback = model.get("feedback") || {};
    items = feedback.items || [];
    const total = feedback.count || 0;
    show(element, total > 0);
    const fresh = items.filter((entry) => !seen.has(entry.key)).length;
    setText(count, feedbackSummary(total, fresh));
    element.classList.toggle("nbl-fresh", fresh > 0);
    setChildren(
      list,
      ...items.map((entry) => {
        const words = feedbackWords(entry);
        return h(
          "li",
          { class: `nbl-feedback-entry${seen.has(entry.key) ? "" : " nbl-new"}`, dataset: { kind: entry.kind } },
          h("div", { class: "nbl-feedback-heading", text: words.heading }),
          entry.snippet ? h("div", { class: "nbl-feedback-snippet", text: entry.snippet }) : null,
          h("div", { class: "nbl-feedback-answers", text: words.answers }),
          words.why ? h("div", { class: "nbl-feedback-why", text: words.why }) : null,
          words.passage
            ? h(
                "blockquote",
                { class: "nbl-feedback-passage" },
                h("div", { class: "nbl-feedback-passage-heading", text: words.passage.heading }),
                words.passage.text ? h("div", { class: "nbl-feedback-passage-text", text: words.passage.text }) : null,
              )
            : null,
        );
      }),
      total > items.length ? h("li", { class: "nbl-feedback-more", text: `… and ${total - items.length} older (project.feedback() lists them all)` }) : null,
    );
  }

  return {
    element,
    update,
    toggle() {
      if (element.hidden) return session.say("No feedback yet: answers a reviewer overrules, and gold items you miss, will show here.");
      element.open = !element.open;
      if (element.open) open();
      return true;
    },
    close() {
      if (!element.open) return false;
      element.open = false;
      return true;
    },
    holds(event) {
      return Boolean(element.open && event.target && element.contains && element.contains(event.target) && PANEL_KEYS.has(event.key));
    },
  };
}
