// The frame every labeling view shares, put together from its parts: header, guideline, teaching
// panel, item status, review panel, comment box, toolbar, legend, waiting and done screens, the
// keyboard, and the link to the kernel. A task view (classify, spans, rank) plugs into it and
// only draws the item and its answers.

import { createCommentBox } from "./comment.js";
import { h, setText, show } from "./dom.js";
import { createDoneScreen } from "./done.js";
import { createGuideline } from "./guideline.js";
import { createHeader, createModelStatus } from "./header.js";
import { keepFocus, listenForButtons, listenForKeys } from "./input.js";
import { createItemStatus } from "./item_status.js";
import { followKernel } from "./kernel_sync.js";
import { actionKeys, keyHandler, legendPairs } from "./keys.js";
import { createLegend } from "./legend.js";
import { createLessonPanel } from "./lesson.js";
import { createReviewPanel } from "./review.js";
import { LabelSession } from "./session.js";
import { createToolbar } from "./toolbar.js";

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
  const session = new LabelSession({ send: () => {} });
  /** @type {ShellContext} */
  const ctx = { model, session, signal, task: model.get("task"), render: () => render(), focus: () => root.focus() };
  const keys = actionKeys(view.actionKeys);

  // ---- parts -----------------------------------------------------------------------------------
  const header = createHeader(ctx);
  const modelStatus = createModelStatus(ctx);
  const guideline = createGuideline(model.get("guideline") || {});
  const notice = h("div", { class: "nbl-notice", attrs: { role: "alert" } });
  const lesson = createLessonPanel(view, ctx);
  const itemStatus = createItemStatus(view);
  const review = createReviewPanel(view, ctx);
  const body = h("div", { class: "nbl-body" });
  const comment = createCommentBox(ctx);
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
  const itemPane = h("div", { class: "nbl-item-pane" }, itemStatus.element, review.element, body, comment.element, toolbar.element);
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
    notice,
    lesson.element,
    itemPane,
    waiting,
    done.element,
    legend.element,
  );
  view.mount(body, ctx);
  legend.list(legendPairs({ reviewing: Boolean(model.get("review")), viewShortcuts: view.shortcuts(), guidelineKey: guideline ? keys.guideline[0] : null }));
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
    else setText(waiting, screen === "loading" ? "Loading items…" : "Waiting for the kernel to send more items…");
  }

  function renderHeader() {
    header.update();
    modelStatus.update();
  }

  function renderItem() {
    const slot = session.current();
    const draft = session.draft();
    itemStatus.update(slot, draft, session.draftChanged());
    toolbar.update(slot, draft, session.cursor === 0);
    review.update(slot);
    view.render(slot, draft, ctx);
  }

  // ---- input -----------------------------------------------------------------------------------
  const runKey = keyHandler({
    keys,
    actions,
    session,
    viewKey: (key, event) => view.onKey(key, event, ctx),
    pick: (index) => review.pick(index),
    guideline,
    leave: () => root.blur(), // hand the keyboard back to the notebook
  });
  listenForKeys(root, {
    handle(key, event) {
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
  const stopFollowing = followKernel({ model, session, root, redraw: render, tick: renderHeader });
  render();

  return () => {
    controller.abort();
    stopFollowing();
    root.remove();
  };
}
