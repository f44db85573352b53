// The comment box: a comment on the item on screen, saved with its next answer. In a reviewer's
// view of a project with a guideline it also cites a passage of the guideline (by its heading),
// stored with the decision and shown to the annotators it overrules.

import { h, show } from "./dom.js";

/**
 * The box, hidden until `open()` (which returns false when no item is on screen). What is typed and
 * the passage chosen go to the draft as they change, so a click that answers (or, in a review,
 * picks an answer) while the box is open answers with them; Enter closes the box keeping them,
 * Shift+Enter starts a new line, Tab moves to the passage, Esc closes it and puts back the comment
 * and passage the draft had when it opened. Either way the focus goes back to the widget and it
 * redraws.
 * @param {{session: import("./session.js").LabelSession, focus: () => void, render: () => void,
 *   signal: AbortSignal}} ctx  the shell's context
 * @param {string[]|null} [passages]  headings of the guideline a decision may cite (a reviewer's
 *   view); null or empty: no passage to choose
 */
export function createCommentBox({ session, focus, render, signal }, passages = null) {
  const citing = Array.isArray(passages) && passages.length > 0;
  const hint = citing
    ? "Comment on this decision — Tab: cite a guideline passage; Enter saves, Shift+Enter new line, Esc cancels"
    : "Comment on this item — Enter saves, Shift+Enter new line, Esc cancels";
  const input = h("textarea", { class: "nbl-comment-input", attrs: { rows: 2, placeholder: hint } });
  const select = citing
    ? h(
        "select",
        { class: "nbl-passage-input", attrs: { "aria-label": "guideline passage the decision cites" } },
        h("option", { attrs: { value: "" }, text: "no passage cited" }),
        ...passages.map((heading) => h("option", { attrs: { value: heading }, text: heading })),
      )
    : null;
  const element = h("div", { class: "nbl-comment" }, input, select ? h("label", { class: "nbl-passage" }, "Guideline passage cited: ", select) : null);
  show(element, false);
  let before = null; // the draft's comment and passage when the box opened (Esc puts them back)

  function close(save) {
    if (save) {
      session.setComment(input.value.trim());
      if (select) session.setPassage(select.value || null);
    } else if (before) {
      session.setComment(before.comment);
      if (select) session.setPassage(before.passage);
    }
    before = null;
    show(element, false);
    focus();
    render();
  }

  element.addEventListener(
    "keydown",
    (event) => {
      event.stopPropagation();
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        close(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close(false);
      }
    },
    { signal },
  );
  input.addEventListener("input", () => session.setComment(input.value.trim()), { signal });
  if (select) select.addEventListener("change", () => session.setPassage(select.value || null) && render(), { signal });

  return {
    element,
    open() {
      if (session.screen() !== "item") return false;
      const draft = session.draft();
      before = { comment: draft.comment || null, passage: draft.passage || null };
      input.value = draft.comment || "";
      if (select) select.value = draft.passage && passages.includes(draft.passage) ? draft.passage : "";
      show(element, true);
      input.focus();
      return true;
    },
  };
}
