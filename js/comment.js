// The comment box: a comment on the item on screen, saved with its next answer.

import { h, show } from "./dom.js";

/**
 * The box, hidden until `open()` (which returns false when no item is on screen). Enter saves the
 * comment to the draft, Shift+Enter starts a new line, Esc cancels; either way the focus goes
 * back to the widget and it redraws.
 * @param {{session: import("./session.js").LabelSession, focus: () => void, render: () => void,
 *   signal: AbortSignal}} ctx  the shell's context
 */
export function createCommentBox({ session, focus, render, signal }) {
  const input = h("textarea", { class: "nbl-comment-input", attrs: { rows: 2, placeholder: "Comment on this item — Enter saves, Shift+Enter new line, Esc cancels" } });
  const element = h("div", { class: "nbl-comment" }, input);
  show(element, false);

  function close(save) {
    if (save) session.setComment(input.value.trim());
    show(element, false);
    focus();
    render();
  }

  input.addEventListener(
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

  return {
    element,
    open() {
      if (session.screen() !== "item") return false;
      input.value = session.draft().comment || "";
      show(element, true);
      input.focus();
      return true;
    },
  };
}
