// The frame every labeling view shares: header and progress, guideline, item position, answer
// state, toolbar, comment box, shortcut legend, waiting and done screens, keyboard and focus.
// A task view (classify, spans, rank) plugs into it and only draws the item and its answers.

import { connectSession } from "./channel.js";
import { h, setText, show } from "./dom.js";
import { actionKeys, hasCommandModifier, isTyping, keyLabel } from "./keys.js";
import { LabelSession, displayItemId } from "./session.js";

const TICK_MS = 1000;
const POLL_EVERY_TICKS = 5;
const SLOW_KERNEL_MS = 3000;

/**
 * @typedef {object} TaskView
 * @property {(body: HTMLElement, ctx: object) => void} mount  build the item area once
 * @property {(slot: object, draft: object, ctx: object) => void} render  draw the current item
 * @property {(key: string, event: KeyboardEvent, ctx: object) => boolean} onKey  task keys
 * @property {() => string[][]} shortcuts  extra [key, action] pairs for the legend
 * @property {(slot: object) => string} describe  short text of an answer's value
 * @property {(value: any, annotator: string, ctx: object) => boolean} [pick]  when adjudicating,
 *   start from another annotator's answer (default: submit it as the decision)
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
  const ctx = { model, session, signal, task: model.get("task"), render: () => render(), focus: () => root.focus() };

  // ---- structure -----------------------------------------------------------------------------
  const who = h("span", { class: "nbl-who" });
  const bar = h("div", { class: "nbl-bar-fill" });
  const counts = h("span", { class: "nbl-counts" });
  const saveState = h("span", { class: "nbl-save", attrs: { "aria-live": "polite" } });
  const focusHint = h("span", { class: "nbl-focus-hint" });
  const qualification = h("span", { class: "nbl-qualification" });
  const modelLine = h("div", { class: "nbl-model", attrs: { role: "status" } });
  const header = h(
    "div",
    { class: "nbl-header" },
    who,
    h("div", { class: "nbl-bar", attrs: { role: "progressbar", "aria-label": "progress" } }, bar),
    counts,
    saveState,
    qualification,
    focusHint,
  );
  const guideline = buildGuideline(model.get("guideline") || {});
  const notice = h("div", { class: "nbl-notice", attrs: { role: "alert" } });
  const teaching = h("div", { class: "nbl-teach", attrs: { role: "status" } });
  let lesson = null; // the gold item just answered in teaching mode, and the answer given
  const position = h("span", { class: "nbl-position" });
  const answerState = h("span", { class: "nbl-answer" });
  const meta = h("div", { class: "nbl-meta" }, position, answerState);
  const body = h("div", { class: "nbl-body" });
  const reviewPanel = h("div", { class: "nbl-review", attrs: { role: "list", "aria-label": "answers to review" } });
  let reviewedSlot = null;

  const buttons = {};
  const toolbar = h("div", { class: "nbl-toolbar" });
  const keys = actionKeys(view.actionKeys);
  const actions = {
    back: ["back", () => session.back()],
    forward: ["forward", () => session.forward()],
    undo: ["undo", () => session.undo()],
    skip: ["skip", () => session.skip()],
    flag: ["unsure", () => session.toggleFlag()],
    comment: ["comment", () => openComment()],
  };
  for (const [name, [label, act]] of Object.entries(actions)) {
    buttons[name] = actionButton(keyLabel(keys[name][0]), label, () => act(), signal);
    toolbar.append(buttons[name]);
  }

  const commentBox = h("textarea", { class: "nbl-comment-input", attrs: { rows: 2, placeholder: "Comment on this item — Enter saves, Shift+Enter new line, Esc cancels" } });
  const commentPane = h("div", { class: "nbl-comment" }, commentBox);
  show(commentPane, false);

  const legend = h("div", { class: "nbl-legend" });
  const waiting = h("div", { class: "nbl-waiting" });
  const done = h("div", { class: "nbl-done" });
  const itemPane = h("div", { class: "nbl-item-pane" }, meta, reviewPanel, body, commentPane, toolbar);

  const root = h(
    "div",
    {
      class: "nbl-root",
      // data-lm-suppress-shortcuts keeps JupyterLab's command-mode keys (a, b, d d, m…) away.
      attrs: { tabindex: "0", role: "application", "aria-label": `nblabel: ${ctx.task.kind} labeling`, "data-lm-suppress-shortcuts": "true" },
    },
    header,
    modelLine,
    guideline ? guideline.element : null,
    notice,
    teaching,
    itemPane,
    waiting,
    done,
    legend,
  );
  view.mount(body, ctx);
  renderLegend();
  el.append(root);

  // ---- behaviour -----------------------------------------------------------------------------
  function render() {
    const screen = session.screen();
    show(itemPane, screen === "item");
    show(waiting, screen === "waiting" || screen === "loading");
    show(done, screen === "done");
    renderHeader();
    setText(notice, session.notice);
    show(notice, Boolean(session.notice));
    renderLesson();
    if (screen === "item") renderItem();
    else if (screen === "done") renderDone();
    else setText(waiting, screen === "loading" ? "Loading items…" : "Waiting for the kernel to send more items…");
  }

  function renderHeader() {
    const progress = model.get("progress") || {};
    const total = progress.total || 0;
    const doneCount = Math.min(total, (progress.done || 0) + session.pendingNewAnswers());
    setText(who, model.get("review") ? `${model.get("annotator")} · reviewing` : model.get("annotator"));
    bar.style.width = total ? `${(100 * doneCount) / total}%` : "0%";
    setText(counts, `${doneCount} / ${total}`);
    const pending = session.pendingCount();
    const slow = pending && session.oldestPendingAge() > SLOW_KERNEL_MS;
    setText(saveState, pending ? (slow ? `kernel busy — ${pending} waiting to be saved` : `saving ${pending}…`) : "all saved ✓");
    saveState.classList.toggle("nbl-busy", Boolean(slow));
    const state = model.get("model") || {};
    show(modelLine, Boolean(state.message));
    setText(modelLine, state.message || "");
    modelLine.dataset.status = state.status || "";
    const round = progress.qualification;
    show(qualification, Boolean(round));
    if (round) {
      let text = `qualification ${round.done} / ${round.needed}`;
      if (round.passed === true) text = `qualified ✓ (${round.correct} / ${round.needed} right)`;
      if (round.passed === false) text = `not qualified (${round.correct} / ${round.needed} right): your answers are kept but not counted`;
      setText(qualification, text);
      qualification.classList.toggle("nbl-failed", round.passed === false);
    }
  }

  function renderItem() {
    const slot = session.current();
    const draft = session.draft();
    setText(position, `item ${displayItemId(slot.id)}`);
    let state = "";
    if (slot.answer) {
      const what = slot.answer.event === "skip" ? "skipped" : `answered: ${view.describe(slot)}`;
      state = `${what} · ${slot.status === "pending" ? "saving…" : "saved"}`;
    } else if (slot.status === "pending") state = "undoing…";
    else if (slot.status === "rejected") state = `not saved: ${slot.reason}`;
    if (draft.flag) state += `${state ? " · " : ""}marked unsure`;
    if (draft.comment) state += `${state ? " · " : ""}comment: “${draft.comment}”`;
    if (session.draftChanged()) state += " · press Enter to save the change";
    setText(answerState, state);
    answerState.classList.toggle("nbl-rejected", slot.status === "rejected");
    buttons.flag.classList.toggle("nbl-on", draft.flag);
    buttons.flag.setAttribute("aria-pressed", String(draft.flag));
    buttons.comment.classList.toggle("nbl-on", Boolean(draft.comment));
    buttons.back.disabled = session.cursor === 0;
    buttons.forward.disabled = !slot.answer;
    renderReview(slot);
    view.render(slot, draft, ctx);
  }

  function renderDone() {
    const progress = model.get("progress") || {};
    done.replaceChildren(
      h("div", { class: "nbl-done-title", text: "All done — thank you!" }),
      h(
        "div",
        { class: "nbl-done-counts" },
        `${progress.labeled || 0} labeled · ${progress.skipped || 0} skipped · ${progress.flagged || 0} marked unsure`,
      ),
      labelSummary(progress.by_label || {}),
      h("div", { class: "nbl-done-save", text: session.pendingCount() ? `saving ${session.pendingCount()} answers…` : "Every answer is saved." }),
      h("div", { class: "nbl-done-hint", text: `Press ${keyLabel(keys.back[0])} to go back and review your answers.` }),
    );
  }

  /** Everyone's answer on an item under review, each with its Shift+number key. */
  function renderReview(slot) {
    show(reviewPanel, Boolean(slot.review));
    if (!slot.review || slot === reviewedSlot) return;
    reviewedSlot = slot;
    reviewPanel.replaceChildren(
      ...slot.review.map((other, index) =>
        h(
          "div",
          { class: "nbl-review-row", attrs: { role: "listitem" }, on: { click: () => pick(index) && render() }, signal },
          index < 9 ? h("kbd", { text: `⇧${index + 1}` }) : null,
          h("span", { class: "nbl-review-who", text: other.annotator }),
          h("span", { class: "nbl-review-value", text: view.describe({ answer: other }) }),
          other.flag ? h("span", { class: "nbl-review-flag", text: "unsure" }) : null,
          other.comment ? h("span", { class: "nbl-review-comment", text: `“${other.comment}”` }) : null,
        ),
      ),
    );
  }

  /** Adjudicate with the `index`-th answer shown (the view may open it for editing instead). */
  function pick(index) {
    const slot = session.current();
    const other = slot && slot.review && slot.review[index];
    if (!other) return false;
    if (view.pick) return view.pick(other.value, other.annotator, ctx);
    return session.answer(other.value, null, { picked: other.annotator });
  }

  function renderLesson() {
    show(teaching, Boolean(lesson));
    if (!lesson) return;
    const { given, teach } = lesson;
    const right = sameAnswer(given, teach.expected);
    teaching.classList.toggle("nbl-right", right);
    teaching.replaceChildren(
      h("strong", { text: right ? "✓ Right." : "✗ Not quite." }),
      ` That was a check question: the answer is “${view.describe({ answer: { value: teach.expected } })}”`,
      right ? "." : ` (you answered “${view.describe({ answer: { value: given } })}”).`,
      teach.explanation ? h("div", { class: "nbl-teach-why", text: `Why: ${teach.explanation}` }) : null,
    );
  }

  function renderLegend() {
    // Toolbar buttons show their own keys; the legend lists the keys that have no button.
    const reviewing = model.get("review") ? [["⇧1–⇧9", "decide with that answer"]] : [];
    const pairs = [...reviewing, ...view.shortcuts(), ...(guideline ? [[keyLabel(keys.guideline[0]), "guidelines"]] : []), ["Esc", "leave the widget"]];
    legend.replaceChildren(...pairs.map(([key, action]) => h("span", { class: "nbl-legend-item" }, h("kbd", { text: key }), ` ${action}`)));
  }

  function openComment() {
    if (session.screen() !== "item") return false;
    commentBox.value = session.draft().comment || "";
    show(commentPane, true);
    commentBox.focus();
    return true;
  }

  function closeComment(save) {
    if (save) session.setComment(commentBox.value.trim());
    show(commentPane, false);
    root.focus();
    render();
  }

  /** After an action: if it answered a gold item in teaching mode, keep the lesson to show. */
  function noteLesson(before) {
    if (!before || before === session.current()) return;
    const answer = before.answer;
    lesson = before.teach && answer && answer.event === "label" && before.status === "pending" ? { given: answer.value, teach: before.teach } : null;
  }

  function handleKey(key, event) {
    const digit = /^Digit([1-9])$/.exec(event.code || "");
    if (digit && event.shiftKey && session.screen() === "item" && session.current().review) {
      return pick(Number(digit[1]) - 1);
    }
    // The view goes first: a span view, say, moves its caret with keys other views navigate by.
    if (session.screen() === "item" && view.onKey(key, event, ctx)) return true;
    for (const [name, [, act]] of Object.entries(actions)) if (keys[name].includes(key)) return act();
    if (keys.guideline.includes(key)) return guideline ? guideline.toggle() : false;
    if (key === "Escape") {
      if (guideline && guideline.close()) return true;
      root.blur(); // hand the keyboard back to the notebook
    }
    return false;
  }

  root.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Tab") return;
      if (hasCommandModifier(event) && !(view.claimsModifiedKey && view.claimsModifiedKey(event))) return;
      if (isTyping(event)) {
        event.stopPropagation();
        return;
      }
      const key = event.key;
      const before = session.current();
      const handled = handleKey(key, event);
      noteLesson(before);
      if (key === "Escape" && !handled) return;
      event.stopPropagation();
      if (handled) {
        event.preventDefault();
        render();
      }
    },
    { signal },
  );
  commentBox.addEventListener(
    "keydown",
    (event) => {
      event.stopPropagation();
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        closeComment(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeComment(false);
      }
    },
    { signal },
  );
  root.addEventListener(
    "mousedown",
    (event) => {
      // Buttons must not take focus away from the widget, or its keys would stop working.
      if (event.target.closest && event.target.closest("button")) {
        event.preventDefault();
        root.focus();
      }
    },
    { signal },
  );
  let clickedFrom = null;
  root.addEventListener("pointerdown", () => (clickedFrom = session.current()), { signal, capture: true });
  root.addEventListener(
    "nbl-action",
    () => {
      noteLesson(clickedFrom);
      render();
    },
    { signal },
  );

  // Kernel messages (acks, progress) redraw at most once per frame, so a burst of them never
  // delays the next keypress; keypresses themselves redraw at once.
  let frame = null;
  const scheduleRender = () => {
    if (frame === null) {
      frame = requestAnimationFrame(() => {
        frame = null;
        render();
      });
    }
  };
  const disconnect = connectSession(model, session, scheduleRender);
  const onProgress = () => scheduleRender();
  model.on("change:progress", onProgress);
  model.on("change:model", onProgress);
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (session.pendingCount()) renderHeader();
    if (ticks % POLL_EVERY_TICKS === 0 && root.isConnected && document.visibilityState === "visible" && !session.pendingCount()) {
      model.send({ kind: "poll" });
    }
  }, TICK_MS);
  render();

  return () => {
    controller.abort();
    clearInterval(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    model.off("change:progress", onProgress);
    model.off("change:model", onProgress);
    disconnect();
    root.remove();
  };
}

/** A toolbar button: runs `act` on click (keeping focus on the widget) and re-renders. */
export function actionButton(key, label, act, signal) {
  const button = h(
    "button",
    {
      class: "nbl-action",
      attrs: { type: "button", tabindex: "-1", title: `${label} (${key})` },
      on: {
        click: (event) => {
          act();
          event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
        },
      },
      signal,
    },
    h("kbd", { text: key }),
    ` ${label}`,
  );
  return button;
}

function buildGuideline(guideline) {
  if (!guideline.html) return null;
  const content = h("div", { class: "nbl-guideline-body" });
  // The kernel renders the Markdown and sanitises the HTML (nblabel/_guidelines.py).
  content.innerHTML = guideline.html;
  const summary = h("summary", {}, h("kbd", { text: "g" }), " Guidelines", h("span", { class: "nbl-version", text: ` · version ${guideline.version}` }));
  const element = h("details", { class: "nbl-guideline" }, summary, content);
  return {
    element,
    toggle() {
      element.open = !element.open;
      return true;
    },
    close() {
      if (!element.open) return false;
      element.open = false;
      return true;
    },
  };
}

/** Whether an answer equals the expected one (label lists compare as sets). */
export function sameAnswer(given, expected) {
  const canonical = (value) => JSON.stringify(Array.isArray(value) && value.every((v) => typeof v !== "object") ? [...value].sort() : value);
  return canonical(given) === canonical(expected);
}

function labelSummary(byLabel) {
  const entries = Object.entries(byLabel).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return null;
  const most = entries[0][1];
  return h(
    "div",
    { class: "nbl-summary" },
    ...entries.map(([label, count]) =>
      h(
        "div",
        { class: "nbl-summary-row" },
        h("span", { class: "nbl-summary-label", text: label }),
        h("span", { class: "nbl-summary-bar", attrs: { style: `width: ${Math.max(2, (100 * count) / most)}%` } }),
        h("span", { class: "nbl-summary-count", text: count }),
      ),
    ),
  );
}
