// The top of every labeling view: who labels, progress, whether answers are saved, the
// qualification round, whether the keys are active; and under it, the model's state.

import { h, setText, show } from "./dom.js";
import { progressCount, qualificationStatus, saveStatus } from "./status_text.js";

/**
 * The header line. `update()` redraws it from the model's traits and the session.
 * @param {{model: object, session: import("./session.js").LabelSession}} ctx  the shell's context
 * @param {() => number} unsaved  how many answers a lost kernel did not save
 */
export function createHeader({ model, session }, unsaved) {
  const who = h("span", { class: "nbl-who" });
  const bar = h("div", { class: "nbl-bar-fill" });
  const counts = h("span", { class: "nbl-counts" });
  const saveState = h("span", { class: "nbl-save", attrs: { "aria-live": "polite" } });
  // Its text comes from the stylesheet, which knows whether the widget has the focus.
  const focusHint = h("span", { class: "nbl-focus-hint" });
  const qualification = h("span", { class: "nbl-qualification" });
  const element = h(
    "div",
    { class: "nbl-header" },
    who,
    h("div", { class: "nbl-bar", attrs: { role: "progressbar", "aria-label": "progress" } }, bar),
    counts,
    saveState,
    qualification,
    focusHint,
  );

  function update() {
    const progress = model.get("progress") || {};
    const { done, total } = progressCount(progress, session.pendingNewAnswers());
    setText(who, model.get("review") ? `${model.get("annotator")} · reviewing` : model.get("annotator"));
    bar.style.width = total ? `${(100 * done) / total}%` : "0%";
    setText(counts, `${done} / ${total}`);
    const saving = saveStatus(session, unsaved());
    setText(saveState, saving.text);
    saveState.classList.toggle("nbl-busy", saving.busy);
    const round = progress.qualification;
    show(qualification, Boolean(round));
    if (round) {
      const status = qualificationStatus(round);
      setText(qualification, status.text);
      qualification.classList.toggle("nbl-failed", status.failed);
    }
  }

  return { element, update };
}

/**
 * The model's line (training, scoring, errors), shown only while the kernel has a message.
 * @param {{model: object}} ctx  the shell's context
 */
export function createModelStatus({ model }) {
  const element = h("div", { class: "nbl-model", attrs: { role: "status" } });
  return {
    element,
    update() {
      const state = model.get("model") || {};
      show(element, Boolean(state.message));
      setText(element, state.message || "");
      element.dataset.status = state.status || "";
    },
  };
}
