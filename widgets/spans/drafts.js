// The SpanDoc of each item on screen, DOM-free (unit-tested in Node): made from the item and its
// stored answer on first use and kept in the session's draft; submitted with Enter; kept a while
// after submitting, so the work comes back if the kernel refuses the answer.

import { SpanDoc } from "./span_doc.js";

/** How many submitted documents are kept for a refusal. */
export const KEPT_SUBMISSIONS = 30;

/** Where a task's suggestions come from, as the answer's details name it (null: none). */
export function suggestionSource(suggest) {
  if (suggest === null || suggest === undefined) return null;
  return suggest.startsWith("callable:") ? suggest : `column:${suggest}`;
}

/**
 * The suggestion the item's spans start from when the task has none of its own: a pre-labeler's
 * or the model's (`slot.suggestion`), or null.
 * @param {object} slot  the item
 */
export function offeredSuggestion(slot) {
  const view = slot.view || {};
  return !view.suggestions && slot.suggestion && Array.isArray(slot.suggestion.value) ? slot.suggestion : null;
}

/** Where an offered suggestion comes from, as the answer's details name it. */
function offeredSource(suggestion) {
  return suggestion.source === "model" ? "model" : `prelabel:${suggestion.by}`;
}

/**
 * The documents of a span task's items.
 * @param {object} task  the task as plain data (overlap, suggest)
 */
export function spanDrafts(task) {
  const source = suggestionSource(task.suggest);
  const submitted = new Map(); // pos → SpanDoc sent, to restore the work if the kernel rejects it

  /** The document of `slot`, kept in its draft. An item that cannot be read gets an empty one. */
  function docFor(slot, draft) {
    if (draft.spanDoc) return draft.spanDoc;
    const view = slot.view || {};
    let doc = slot.status === "rejected" && !slot.stale ? submitted.get(slot.pos) : null;
    if (!doc) {
      const answer = slot.answer && slot.answer.event === "label" ? slot.answer : null;
      const offered = offeredSuggestion(slot);
      try {
        doc = new SpanDoc({
          text: view.text,
          overlap: task.overlap,
          tokens: view.tokens || null,
          suggestions: offered ? offered.value.map(({ start, end, label }) => [start, end, label]) : view.suggestions || null,
          source: offered ? offeredSource(offered) : source,
          answer: answer ? answer.value : null,
          meta: answer ? answer.meta || null : null,
        });
      } catch (error) {
        doc = new SpanDoc({ text: view.text });
        doc.notice = `Cannot show this item's spans: ${error.message}`;
      }
    }
    draft.spanDoc = doc;
    return doc;
  }

  /** The document of the item on screen, or null when there is none. */
  function current(session) {
    const slot = session.current();
    return slot ? docFor(slot, session.draft()) : null;
  }

  /**
   * Enter: the first press accepts the suggestions still pending, the next submits the spans. On
   * an answered item left as it was, Enter keeps the answer, as in every view: suggestions the
   * annotator passed over stay passed over instead of changing the stored answer.
   */
  function submit(session) {
    const doc = current(session);
    const slot = session.current();
    if (slot.answer && slot.status !== "rejected" && !doc.changed()) {
      if (!session.draftChanged()) return session.forward();
      if (slot.answer.event === "skip") return session.skip();
    }
    if (doc.pending().length && doc.acceptAll()) return true;
    submitted.set(slot.pos, doc);
    if (submitted.size > KEPT_SUBMISSIONS) submitted.delete(submitted.keys().next().value);
    return session.answer(doc.value(), doc.meta());
  }

  return { docFor, current, submit };
}
