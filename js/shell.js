// The frame every labeling view shares, put together from its parts: header, guideline, feedback,
// teaching panel, item status, review panel, comment box, toolbar, legend, waiting and done screens, the
// keyboard, the link to the kernel and the answers it did not save. A task view (classify, spans,
// rank) plugs into it and only draws the item and its answers.

import { createCommentBox } from "./comment.js";
import { h, setText, show } from "./dom.js";
import { createDoneScreen } from "./done.js";
import { createFeedbackPanel } from "./feedback.js";
import { createGuideline } from "./guideline.js";
import { createHeader, createModelStatus } from "./header.js";
import { holdHover, keepFocus, listenForButtons, listenForKeys } from "./input.js";
import { createItemStatus } from "./item_status.js";
import { followKernel } from "./kernel_sync.js";
import { actionKeys, keyHandler, legendPairs } from "./keys.js";
import { createLegend } from "./legend.js";
import { createLessonPanel } from "./lesson.js";
import { createReviewPanel } from "./review.js";
import { LabelSession } from "./session.js";
import { createToolbar } from "./toolbar.js";
import { createUnsavedPanel } from "./unsaved_panel.js";

/**
 * What the shell gives a task view (and its own parts).
 * @typedef {object} ShellContext
 * @property {object} model  the anywidget model
 * @property {LabelSession} session  the item window
 * @property {AbortSignal} signal  aborted on cleanup: pass it to every addEventListener
 * @property {object} task  the task as plain data
 * @property {() => void} render  redraw now
 * @property {() => void} focus  give the keyboard back to the widget
 */

/**
 * @typedef {object} TaskView
 * @property {(body: HTMLElement, ctx: ShellContext) => void} mount  build the item area once
 * @property {(slot: object, draft: object, ctx: ShellContext) => void} render  draw the current item
 * @property {(key: string, event: KeyboardEvent, ctx: ShellContext) => boolean} onKey  task keys
 * @property {() => string[][]} shortcuts  extra [key, action] pairs for the legend
 * @property {(slot: object) => string} describe  short text of an answer's value
 * @property {(value: any, annotator: string, ctx: ShellContext) => boolean} [pick]  when
 *   adjudicating, start from another annotator's answer (default: submit it as the decision)
 * @property {object} [actionKeys]  keys for shell actions this view uses differently, e.g.
 *   {back: ["PageUp"], forward: ["PageDown"]} when the arrows move a caret
 * @property {(event: KeyboardEvent) => boolean} [claimsModifiedKey]  true for the keys with Ctrl,
 *   Alt or Meta the view handles itself (e.g. Ctrl+→ to move by word); the others are left to
 *   the browser and the notebook
 */

/**
 * Mount a labeling view into `el`. Returns the cleanup that removes every listener and timer.
 * @param {{model: object, el: HTMLElement, view: TaskView}} options
 */
export function mountLabeler({ model, el, view }) {
  const controller = new AbortController();
  const { signal } = controller;
  const session = new LabelSession({ send: () => {}, requestPrefix: `${Math.random().toString(36).slice(2, 10)}-r` });
  /** @type {ShellContext} */
  const ctx = { model, session, signal, task: model.get("task"), render: () => render(), focus: () => root.focus() };
  const keys = actionKeys(view.actionKeys);

  // ---- parts -----------------------------------------------------------------------------------
  const unsaved = createUnsavedPanel(ctx, (slot) => view.describe(slot));
  const header = createHeader(ctx, () => unsaved.lostCount());
  const modelStatus = createModelStatus(ctx);
  const guideline = createGuideline(model.get("guideline") || {});
  // An annotator's answers overruled or gold missed; a reviewer's view has none.
  const feedback = model.get("review") ? null : createFeedbackPanel(ctx, keys.feedback[0]);
  const notice = h("div", { class: "nbl-notice", attrs: { role: "alert" } });
  const lesson = createLessonPanel(view, ctx);
  const itemStatus = createItemStatus(view);
  const review = createReviewPanel(view, ctx);
  const problem = h("div", { class: "nbl-problem", attrs: { role: "alert" } });
  const body = h("div", { class: "nbl-body" });
  // A reviewer's comment box also cites a passage of the guideline, by its heading.
  const comment = createCommentBox(ctx, model.get("review") ? (model.get("guideline") || {}).passages : null);
  /** The actions every view shares, in toolbar order: [button text, run]. */
  const actions = {
    back: ["back", () => session.back()],
    forward: ["forward", () => session.forward()],
    undo: ["undo", () => session.undo()],
    skip: ["skip", () => session.skip()],
    flag: ["unsure", () => session.toggleFlag()],
    comment: ["comment", () => comment.open()],
  };
  const toolbar = createToolbar(actions, keys, signal);
  const itemPane = h("div", { class: "nbl-item-pane" }, itemStatus.element, review.element, problem, body, comment.element, toolbar.element);
  const waiting = h("div", { class: "nbl-waiting" });
  const done = createDoneScreen(ctx, keys.back[0]);
  const legend = createLegend();
  const root = h(
    "div",
    {
      class: "nbl-root",
      // data-lm-suppress-shortcuts keeps JupyterLab's command-mode keys (a, b, d d, m…) away.
      attrs: { tabindex: "0", role: "application", "aria-label": `nblabel: ${ctx.task.kind} labeling`, "data-lm-suppress-shortcuts": "true" },
    },
    header.element,
    modelStatus.element,
    guideline ? guideline.element : null,
    feedback ? feedback.element : null,
    notice,
    unsaved.element,
    lesson.element,
    itemPane,
    waiting,
    done.element,
    legend.element,
  );
  view.mount(body, ctx);
  legend.list(
    legendPairs({
      reviewing: Boolean(model.get("review")),
      viewShortcuts: view.shortcuts(),
      guidelineKey: guideline ? keys.guideline[0] : null,
      feedbackKey: feedback ? keys.feedback[0] : null,
    }),
  );
  el.append(root);

  // ---- drawing ---------------------------------------------------------------------------------
  function render() {
    const screen = session.screen();
    show(itemPane, screen === "item");
    show(waiting, screen === "waiting" || screen === "loading");
    show(done.element, screen === "done");
    renderHeader();
    setText(notice, session.notice);
    show(notice, Boolean(session.notice));
    lesson.update();
    if (screen === "item") renderItem();
    else if (screen === "done") done.update();
    else setText(waiting, waitingText(screen, session.lost));
    unsaved.check();
    session.shown();
  }

  function renderHeader() {
    header.update();
    modelStatus.update();
  }

  function renderItem() {
    const slot = session.current();
    if (slot !== session.onScreen?.slot) settleHover();
    const draft = session.draft();
    itemStatus.update(slot, draft, session.draftChanged());
    toolbar.update(slot, draft, session.cursor === 0);
    review.update(slot);
    // An item the kernel could not build says why; it can be skipped, and the rest labeled.
    const unshowable = Boolean(slot.problem) || !slot.view;
    show(problem, unshowable);
    show(body, !unshowable);
    if (unshowable) setText(problem, slot.problem || "This item cannot be shown: skip it to go on.");
    else view.render(slot, draft, ctx);
  }

  // ---- input -----------------------------------------------------------------------------------
  const runKey = keyHandler({
    keys,
    actions,
    session,
    viewKey: (key, event) => view.onKey(key, event, ctx),
    pick: (index) => review.pick(index),
    guideline,
    feedback,
    leave: () => root.blur(), // hand the keyboard back to the notebook
  });
  listenForKeys(root, {
    handle(key, event) {
      // Inside the open feedback panel, arrows scroll it and Enter folds it, as on any page.
      if (feedback && feedback.holds(event)) return false;
      if (unsaved.key(key)) return true;
      const before = session.current();
      const handled = runKey(key, event);
      lesson.noteSince(before);
      return handled;
    },
    claimsModifiedKey: view.claimsModifiedKey ? (event) => view.claimsModifiedKey(event) : null,
    redraw: render,
    signal,
  });
  keepFocus(root, signal);
  const settleHover = holdHover(root, signal);
  // A click acts on what the annotator sees: not while a kernel message changed it undrawn.
  root.addEventListener(
    "click",
    (event) => {
      if (session.inStep() || !event.target.closest || !event.target.closest("button, .nbl-review-row")) return;
      event.stopPropagation();
      event.preventDefault();
      render();
    },
    { signal, capture: true },
  );
  listenForButtons(
    root,
    session,
    (before) => {
      lesson.noteSince(before);
      render();
    },
    signal,
  );

  // ---- the kernel ------------------------------------------------------------------------------
  const stopFollowing = followKernel({
    model,
    session,
    root,
    redraw: render,
    tick() {
      unsaved.tick();
      if (session.pendingCount() || session.lost) renderHeader();
    },
    lost: (reason) => unsaved.lost(session.lose(reason)),
  });
  // Feedback changes when a reviewer decides (in any view or kernel): only its panel redraws.
  const onFeedback = () => feedback.update();
  if (feedback) {
    feedback.update();
    model.on("change:feedback", onFeedback);
  }
  // Answers still waiting when the page goes away are kept for the next view.
  window.addEventListener("pagehide", () => unsaved.leave(), { signal });
  render();

  return () => {
    controller.abort();
    if (feedback) model.off("change:feedback", onFeedback);
    stopFollowing();
    unsaved.leave();
    root.remove();
  };
}

/** What the view says while it has no item to show. */
function waitingText(screen, lost) {
  if (lost) return `No items: ${lost}. Run the cell again to go on.`;
  return screen === "loading" ? "Loading items…" : "Waiting for the kernel to send more items…";
}
