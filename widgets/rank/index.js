// Ranking view. Two options: side by side (A/B) with synchronised scrolling and optional
// highlighting of their differences; one key answers "A better", "B better", "tie" or "both bad".
// Three or more: a list reordered with the keyboard (select, move, tie, untie) or by dragging.
// Options are shown under neutral names (A/B, Option 1…) in the order the kernel drew for this
// annotator; that order goes with every answer. Ratings are typed after r, one key per option.
//
// This entry puts the view together: the prompt, the A/B panes (pair.js, differences.js) or the
// list (list.js, drag.js), the status line and the buttons (action_bar.js). What keys, clicks and
// drops do is actions.js's job, the draft and the wording draft.js's; all three are DOM-free.

import { h, setText, show } from "../../js/dom.js";
import { mountLabeler } from "../../js/shell.js";
import { createActionBar } from "./action_bar.js";
import { rankActions } from "./actions.js";
import { createDifferences } from "./differences.js";
import { describeAnswer, draftRanking, pairVerdict, rankStatus, shownKeys } from "./draft.js";
import { rankKeymap } from "./keymap.js";
import { createList } from "./list.js";
import { createPair } from "./pair.js";
import { ratingLevels } from "./rating.js";

function rankView(task) {
  const keymap = rankKeymap(task);
  const pairwise = keymap.pairwise;
  const levels = ratingLevels(task.rating);
  let parts = null; // the item area: {prompt, status, bar, pair, differences} or {prompt, status, bar, list}
  let mounted = null; // the shell's context, once mounted
  let shownSlot = null;
  const actions = rankActions({ keymap, levels, scroll: (dy) => parts.pair.scrollBy(dy) });
  const { ui } = actions;

  // ---- building the item area ----------------------------------------------------------------
  function mount(body, ctx) {
    mounted = ctx;
    const { session, signal } = ctx;
    const after = (change) => (...args) => {
      change(...args);
      ctx.render();
    };
    const rate = after((key, level) => actions.rate(session, key, level));
    const prompt = h("div", { class: "nbl-rank-prompt nbl-text" });
    const status = h("div", { class: "nbl-rank-status", attrs: { "aria-live": "polite" } });
    const bar = createActionBar({
      task,
      keymap,
      run: (action, position) => {
        if (actions.act(action, session, position)) ctx.render();
      },
      signal,
    });
    parts = { prompt, status, bar };
    if (pairwise) {
      parts.differences = createDifferences(signal, () => ui.diffOn);
      parts.pair = createPair({ levels, session, rate, signal });
      body.append(prompt, parts.pair.element, parts.pair.note, status, bar.element);
    } else {
      parts.list = createList({
        task,
        levels,
        session,
        select: after((key) => actions.select(session, key)),
        rate,
        drop: after((key, index, where) => actions.drop(session, key, index, where)),
        signal,
      });
      body.append(prompt, parts.list.element, parts.list.out, status, bar.element);
    }
  }

  // ---- drawing -------------------------------------------------------------------------------
  function showItem(slot) {
    const view = slot.view;
    const hasPrompt = "prompt" in view;
    show(parts.prompt, hasPrompt);
    if (hasPrompt) {
      setText(parts.prompt, view.prompt === null ? "(no prompt)" : view.prompt);
      parts.prompt.classList.toggle("nbl-missing", view.prompt === null);
    }
    if (pairwise) parts.pair.show(slot, ui.diffOn ? parts.differences.of(slot) : null);
    else parts.list.show(slot);
  }

  function render(slot, draft, ctx) {
    if (slot !== shownSlot || ui.stale) {
      actions.shown();
      showItem(slot);
      shownSlot = slot;
    }
    const { session } = ctx;
    if (pairwise) parts.differences.prepare(session.slots[session.cursor + 1]);
    const st = draftRanking(slot, draft);
    const shown = shownKeys(slot);
    if (pairwise) {
      const stored = slot.answer && slot.answer.event === "label" ? slot.answer : null;
      const verdict = stored ? pairVerdict(stored, shown) : null;
      parts.pair.update(shown, st.ratings, ui.rating, verdict);
      shown.forEach((key, side) => parts.bar.press(`prefer:${side}`, verdict === `prefer:${side}`));
      for (const name of ["tie", "bad"]) parts.bar.press(name, verdict === name);
    } else parts.list.update(st, shown, ui);
    setText(parts.status, rankStatus(slot, st, ui.rating, levels, pairwise));
    parts.bar.press("diff", ui.diffOn);
    parts.bar.press("expand", ui.expanded);
    parts.bar.press("rate", Boolean(ui.rating));
  }

  return {
    mount,
    render,

    onKey(key, event, ctx) {
      return actions.key(key, ctx.session);
    },

    shortcuts() {
      return keymap.legend;
    },

    /**
     * An answer in the names shown on screen. An answer that comes without its item (another
     * annotator's in the review panel, a check question's) is told in the current item's order.
     */
    describe(slot) {
      const current = mounted && mounted.session.screen() === "item" ? mounted.session.current() : null;
      const on = slot.view ? slot : current && current.view ? current : null;
      return describeAnswer(slot.answer, on, pairwise);
    },

    /** Adjudicating: decide with another annotator's ranking, its verdict and ratings included. */
    pick(value, annotator, ctx) {
      return actions.pick(ctx.session, value, annotator);
    },
  };
}

export default {
  render({ model, el }) {
    return mountLabeler({ model, el, view: rankView(model.get("task")) });
  },
};
