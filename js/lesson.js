// The teaching panel: after a check question is answered in teaching mode, whether the answer
// was right, the expected answer and why.

import { lessonOf, sameAnswer } from "./answers.js";
import { h, setChildren, show } from "./dom.js";

/**
 * The panel. After an action, `noteSince(before)` keeps the lesson of the slot it left (or none);
 * `update()` draws the lesson kept, which stays until the next action moves on.
 * @param {{describe: (slot: object) => string}} view  the task view (it words the answers)
 * @param {{session: import("./session.js").LabelSession}} ctx  the shell's context
 */
export function createLessonPanel(view, { session }) {
  const element = h("div", { class: "nbl-teach", attrs: { role: "status" } });
  let lesson = null;
  const describe = (value) => view.describe({ answer: { value } });

  return {
    element,
    noteSince(before) {
      if (!before || before === session.current()) return;
      lesson = lessonOf(before);
    },
    update() {
      show(element, Boolean(lesson));
      if (!lesson) return;
      const { given, teach } = lesson;
      const right = sameAnswer(given, teach.expected);
      element.classList.toggle("nbl-right", right);
      setChildren(
        element,
        h("strong", { text: right ? "✓ Right." : "✗ Not quite." }),
        ` That was a check question: the answer is “${describe(teach.expected)}”`,
        right ? "." : ` (you answered “${describe(given)}”).`,
        teach.explanation ? h("div", { class: "nbl-teach-why", text: `Why: ${teach.explanation}` }) : null,
      );
    },
  };
}
