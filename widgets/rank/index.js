// Ranking view. Two options: side by side (A/B) with synchronised scrolling and optional
// highlighting of their differences; one key answers "A better", "B better", "tie" or "both bad".
// Three or more: a list reordered with the keyboard (select, move, tie, untie) or by dragging.
// Options are shown under neutral names (A/B, Option 1…) in the order the kernel drew for this
// annotator; that order goes with every answer. Ratings are typed after r, one key per option.

import { h, setText, show } from "../../js/dom.js";
import { keyLabel } from "../../js/keys.js";
import { diffTexts } from "../../js/rank_diff.js";
import { rankKeymap } from "../../js/rank_keys.js";
import {
  describeRanking,
  groupOf,
  initialRanking,
  moveDown,
  moveUp,
  orderedKeys,
  place,
  rankingValue,
  sameRanking,
  tieAll,
  tieWithAbove,
  toggleOut,
  untie,
} from "../../js/rank_order.js";
import { levelForKey, levelKeys, ratingLevels } from "../../js/rank_rating.js";
import { mountLabeler } from "../../js/shell.js";

const SCROLL_STEP = 80;

function rankView(task) {
  const keymap = rankKeymap(task);
  const pairwise = keymap.pairwise;
  const levels = ratingLevels(task.rating);
  let parts = null;
  let mounted = null; // the shell's context, once mounted
  let shownSlot = null;
  let rating = null; // while rating: {at: index into the options as shown}
  let diffOn = false;
  let expanded = false;
  const diffs = new WeakMap(); // slot → its two texts' differences
  let ahead = null; // cancels the idle-time diff of the next pair, while one is scheduled

  // ---- state -------------------------------------------------------------------------------
  const shownKeys = (slot) => slot.view.options.map(([key]) => key);
  const nameOf = (slot, key) => optionName(shownKeys(slot).indexOf(key), pairwise);

  /** The draft's ranking, ratings and selection, from the stored answer on first use. */
  function state(slot, draft) {
    if (!draft.rank) {
      const shown = shownKeys(slot);
      const answer = slot.answer && slot.answer.event === "label" ? slot.answer : null;
      const meta = (answer && answer.meta) || {};
      draft.rank = { ranking: initialRanking(shown, answer ? answer.value : null), ratings: { ...(meta.ratings || {}) }, selected: shown[0] };
    }
    return draft.rank;
  }

  function answerMeta(slot, st, allBad) {
    const meta = { shown: shownKeys(slot) };
    if (Object.keys(st.ratings).length) meta.ratings = { ...st.ratings };
    if (allBad) meta.all_bad = true;
    return meta;
  }

  /** True when the draft's ranking or ratings differ from the stored answer's. */
  function changed(slot, st) {
    const answer = slot.answer;
    if (!answer || answer.event !== "label") return false;
    const stored = (answer.meta && answer.meta.ratings) || {};
    const keys = new Set([...Object.keys(stored), ...Object.keys(st.ratings)]);
    for (const key of keys) if (stored[key] !== st.ratings[key]) return true;
    return !pairwise && !sameRanking(answer.value, rankingValue(st.ranking));
  }

  // ---- actions -----------------------------------------------------------------------------
  function answer(ctx, value, allBad = false) {
    const { session } = ctx;
    const slot = session.current();
    return session.answer(value, answerMeta(slot, state(slot, session.draft()), allBad));
  }

  function submit(ctx) {
    const { session } = ctx;
    const slot = session.current();
    const st = state(slot, session.draft());
    const stored = slot.answer;
    const edited = changed(slot, st) || session.draftChanged();
    if (stored && !edited) return session.forward();
    if (stored && stored.event === "skip") return session.skip();
    if (pairwise) return stored ? answer(ctx, stored.value, Boolean(stored.meta && stored.meta.all_bad)) : false;
    const keepBad = Boolean(stored && stored.meta && stored.meta.all_bad && sameRanking(stored.value, rankingValue(st.ranking)));
    return answer(ctx, rankingValue(st.ranking), keepBad);
  }

  function act(name, ctx, position) {
    const { session } = ctx;
    const slot = session.current();
    const st = state(slot, session.draft());
    const shown = shownKeys(slot);
    switch (name) {
      case "prefer":
        return answer(ctx, [[shown[position]], [shown[1 - position]]]);
      case "tie":
        if (pairwise) return answer(ctx, [[...shown]]);
        return edit(st, tieWithAbove(st.ranking, st.selected));
      case "untie":
        return edit(st, untie(st.ranking, st.selected));
      case "bad":
        return answer(ctx, rankingValue(tieAll(st.ranking)), true);
      case "select":
        return select(st, shown[position]);
      case "next":
      case "previous": {
        const order = orderedKeys(st.ranking);
        const at = order.indexOf(st.selected) + (name === "next" ? 1 : -1);
        return select(st, order[Math.max(0, Math.min(order.length - 1, at))]);
      }
      case "up":
        return edit(st, moveUp(st.ranking, st.selected));
      case "down":
        return edit(st, moveDown(st.ranking, st.selected));
      case "out":
        return edit(st, toggleOut(st.ranking, st.selected));
      case "rate":
        rating = { at: pairwise ? 0 : Math.max(0, shown.indexOf(st.selected)) };
        return true;
      case "diff":
        diffOn = !diffOn;
        shownSlot = null; // redraw the texts
        return true;
      case "expand":
        expanded = !expanded;
        return true;
      case "scrollUp":
      case "scrollDown":
        parts.panes[0].text.scrollBy(0, name === "scrollUp" ? -SCROLL_STEP : SCROLL_STEP);
        return true;
      case "submit":
        return submit(ctx);
      default:
        return false;
    }
  }

  function edit(st, ranking) {
    st.ranking = ranking;
    parts.reveal = true;
    return true;
  }

  function select(st, key) {
    st.selected = key;
    parts.reveal = true;
    return true;
  }

  /** A key while rating: a level rates the option and moves to the next; Del clears; Esc stops. */
  function rateKey(key, ctx) {
    const { session } = ctx;
    const slot = session.current();
    const st = state(slot, session.draft());
    const shown = shownKeys(slot);
    if (key === "Escape") {
      rating = null;
      return true;
    }
    const level = levelForKey(levels, key);
    if (level === undefined && key !== "Delete") return false;
    const option = shown[rating.at];
    if (level === undefined) delete st.ratings[option];
    else st.ratings[option] = level;
    rating.at += 1;
    if (rating.at >= shown.length) rating = null;
    return true;
  }

  function setRating(ctx, key, level) {
    const { session } = ctx;
    const st = state(session.current(), session.draft());
    if (st.ratings[key] === level) delete st.ratings[key];
    else st.ratings[key] = level;
    ctx.render();
  }

  // ---- building the item area ----------------------------------------------------------------
  function mount(body, ctx) {
    mounted = ctx;
    ctx.signal.addEventListener("abort", () => ahead && ahead(), { once: true });
    const prompt = h("div", { class: "nbl-rank-prompt nbl-text" });
    const status = h("div", { class: "nbl-rank-status", attrs: { "aria-live": "polite" } });
    const note = h("div", { class: "nbl-rank-note" });
    const buttons = new Map();
    const bar = h("div", { class: "nbl-labels nbl-rank-actions", attrs: { role: "group", "aria-label": "ranking actions" } });
    const addButton = (action, key, text, position) => {
      const button = h(
        "button",
        {
          class: "nbl-label",
          attrs: { type: "button", tabindex: "-1", "aria-pressed": "false", title: `${text} (${keyLabel(key)})` },
          on: {
            click: () => {
              if (act(action, ctx, position)) ctx.render();
            },
          },
          signal: ctx.signal,
        },
        h("kbd", { text: keyLabel(key) }),
        h("span", { class: "nbl-label-text", text }),
      );
      buttons.set(position === undefined ? action : `${action}:${position}`, button);
      bar.append(button);
    };
    parts = { prompt, status, note, buttons, panes: [], cards: new Map(), reveal: false, scrolled: false };
    if (pairwise) {
      const pair = h("div", { class: "nbl-rank-pair" });
      for (const side of [0, 1]) {
        const pane = paneParts(side, ctx);
        pair.append(pane.element);
        parts.panes.push(pane);
      }
      const [left, right] = parts.panes.map((pane) => pane.text);
      let echo = null; // the pane whose next scroll event we caused
      const follow = (from, to) => {
        parts.scrolled = true;
        if (echo === from) {
          echo = null;
          return;
        }
        const range = from.scrollHeight - from.clientHeight;
        const target = Math.round((range > 0 ? from.scrollTop / range : 0) * (to.scrollHeight - to.clientHeight));
        if (Math.abs(to.scrollTop - target) < 1) return;
        echo = to;
        to.scrollTop = target;
      };
      left.addEventListener("scroll", () => follow(left, right), { signal: ctx.signal, passive: true });
      right.addEventListener("scroll", () => follow(right, left), { signal: ctx.signal, passive: true });
      task.keys.forEach((key, position) => {
        if (key !== null && key !== undefined) addButton("prefer", key, `${optionName(position, true)} is better`, position);
      });
      for (const { action, key, text } of keymap.buttons) addButton(action, key, text);
      body.append(prompt, pair, note, status, bar);
    } else {
      const list = h("ol", { class: "nbl-rank-list", attrs: { "aria-label": "ranking, best first" } });
      const out = h("div", { class: "nbl-rank-out" });
      for (const { action, key, text } of keymap.buttons) addButton(action, key, text);
      body.append(prompt, list, out, status, bar);
      parts.list = list;
      parts.out = out;
      listenForDrops(list, out, ctx);
    }
  }

  function paneParts(side, ctx) {
    const chips = ratingChips(ctx, () => shownKeys(ctx.session.current())[side]);
    const text = h("div", { class: "nbl-rank-text nbl-text", attrs: { tabindex: "-1" } });
    const head = h("div", { class: "nbl-rank-head" }, h("span", { class: "nbl-rank-name", text: optionName(side, true) }), chips.element);
    const element = h("section", { class: "nbl-rank-pane", attrs: { "aria-label": `option ${optionName(side, true)}` } }, head, text);
    return { element, text, chips };
  }

  /** Clickable level chips for one option (empty without a rating scale). */
  function ratingChips(ctx, keyOf) {
    const element = h("span", { class: "nbl-rank-chips", attrs: { role: "group", "aria-label": "rating" } });
    const chips = (levels || []).map((level, i) =>
      h("button", {
        class: "nbl-rank-chip",
        text: String(level),
        attrs: { type: "button", tabindex: "-1", title: `rate ${level} (r, then ${levelKeys(levels)[i]})`, "aria-pressed": "false" },
        on: { click: () => setRating(ctx, keyOf(), level) },
        signal: ctx.signal,
      }),
    );
    element.append(...chips);
    return {
      element,
      update(value) {
        chips.forEach((chip, i) => {
          const on = value === levels[i];
          chip.classList.toggle("nbl-on", on);
          chip.setAttribute("aria-pressed", String(on));
        });
      },
    };
  }

  function card(slot, key, ctx) {
    const index = shownKeys(slot).indexOf(key);
    const text = slot.view.options[index][1];
    const optionKey = task.keys[index];
    const chips = ratingChips(ctx, () => key);
    const placeLabel = h("span", { class: "nbl-rank-place" });
    const handle = h(
      "div",
      { class: "nbl-rank-head", attrs: { draggable: "true", title: "drag to move; drop on an option to tie" } },
      h("span", { class: "nbl-rank-grip", text: "⠿" }),
      optionKey ? h("kbd", { text: optionKey }) : null,
      h("span", { class: "nbl-rank-name", text: optionName(index, false) }),
      placeLabel,
      chips.element,
    );
    const body = h("div", { class: `nbl-rank-text nbl-text${text === null ? " nbl-missing" : ""}`, text: text === null ? "(missing)" : text });
    const element = h("div", { class: "nbl-rank-card", dataset: { key } }, handle, body);
    element.addEventListener(
      "click",
      (event) => {
        if (event.target.closest("button")) return;
        select(state(ctx.session.current(), ctx.session.draft()), key);
        ctx.render();
      },
      { signal: ctx.signal },
    );
    return { element, chips, placeLabel };
  }

  // ---- drag and drop (three or more options) -------------------------------------------------
  function listenForDrops(list, out, ctx) {
    let dragged = null;
    let marked = null;
    const mark = (element, where) => {
      if (marked) marked.element.classList.remove(`nbl-drop-${marked.where}`);
      marked = element ? { element, where } : null;
      if (element) element.classList.add(`nbl-drop-${where}`);
    };
    const target = (event) => {
      const group = event.target.closest ? event.target.closest(".nbl-rank-group") : null;
      if (group && list.contains(group)) {
        const box = group.getBoundingClientRect();
        const y = (event.clientY - box.top) / Math.max(1, box.height);
        let where = y < 0.5 ? "before" : "after";
        if (task.ties && y >= 0.25 && y <= 0.75) where = "into";
        return { element: group, index: Number(group.dataset.index), where };
      }
      if (task.partial && out.contains(event.target)) return { element: out, index: -1, where: "out" };
      return null;
    };
    const on = (type, handler, element = list) => element.addEventListener(type, handler, { signal: ctx.signal });
    for (const element of [list, out]) {
      on(
        "dragstart",
        (event) => {
          const cardElement = event.target.closest ? event.target.closest(".nbl-rank-card") : null;
          if (!cardElement) return;
          dragged = cardElement.dataset.key;
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", optionName(shownKeys(ctx.session.current()).indexOf(dragged), false));
          cardElement.classList.add("nbl-dragging");
        },
        element,
      );
      on(
        "dragover",
        (event) => {
          if (dragged === null) return;
          const over = target(event);
          mark(over && over.element, over && over.where);
          if (!over) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "move";
        },
        element,
      );
      on(
        "drop",
        (event) => {
          const over = dragged === null ? null : target(event);
          mark(null);
          if (!over) return;
          event.preventDefault();
          const st = state(ctx.session.current(), ctx.session.draft());
          if (over.where === "out") {
            if (!st.ranking.out.includes(dragged)) st.ranking = toggleOut(st.ranking, dragged);
          } else st.ranking = place(st.ranking, dragged, over.index, over.where);
          st.selected = dragged;
          ctx.render();
        },
        element,
      );
      on(
        "dragend",
        () => {
          mark(null);
          for (const item of parts.cards.values()) item.element.classList.remove("nbl-dragging");
          dragged = null;
        },
        element,
      );
    }
  }

  // ---- drawing -------------------------------------------------------------------------------
  function showItem(slot, ctx) {
    const view = slot.view;
    const hasPrompt = "prompt" in view;
    show(parts.prompt, hasPrompt);
    if (hasPrompt) {
      setText(parts.prompt, view.prompt === null ? "(no prompt)" : view.prompt);
      parts.prompt.classList.toggle("nbl-missing", view.prompt === null);
    }
    if (pairwise) {
      const [[, a], [, b]] = view.options;
      const segments = diffOn ? differences(slot) : null;
      parts.panes.forEach((pane, side) => {
        const text = side === 0 ? a : b;
        pane.text.classList.toggle("nbl-missing", text === null);
        if (segments && text !== null) {
          const own = side === 0 ? segments.left : segments.right;
          pane.text.replaceChildren(...own.map(([part, differs]) => (differs ? h("span", { class: `nbl-rank-changed nbl-rank-changed-${side ? "b" : "a"}`, text: part }) : part)));
        } else setText(pane.text, text === null ? "(missing)" : text);
      });
      if (parts.scrolled) {
        // Reading or writing scrollTop forces a layout: only reset panes that were scrolled.
        for (const pane of parts.panes) pane.text.scrollTop = 0;
        parts.scrolled = false;
      }
      let note = "";
      if (segments && segments.by === "line") note = "Long texts: differences are shown line by line.";
      else if (segments && segments.by === null) note = "These texts are too long to compare.";
      setText(parts.note, note);
    } else {
      parts.cards = new Map(shownKeys(slot).map((key) => [key, card(slot, key, ctx)]));
    }
  }

  /** The two texts' differences, computed once per item. */
  function differences(slot) {
    if (!diffs.has(slot)) {
      const [[, a], [, b]] = slot.view.options;
      diffs.set(slot, diffTexts(a, b));
    }
    return diffs.get(slot);
  }

  /**
   * While highlighting is on, compare the next pair when the browser is idle, so the keypress
   * that brings it on screen only has to paint it.
   */
  function diffNextWhenIdle(ctx) {
    const { session, signal } = ctx;
    if (!pairwise || !diffOn || ahead || signal.aborted) return;
    const next = session.slots[session.cursor + 1];
    if (!next || !next.view || diffs.has(next)) return;
    const run = () => {
      ahead = null;
      if (diffOn && !signal.aborted) differences(next);
    };
    if (typeof requestIdleCallback === "function") {
      const handle = requestIdleCallback(run, { timeout: 1000 });
      ahead = () => cancelIdleCallback(handle);
    } else {
      const handle = setTimeout(run, 0);
      ahead = () => clearTimeout(handle);
    }
  }

  function render(slot, draft, ctx) {
    if (slot !== shownSlot) {
      rating = null;
      showItem(slot, ctx);
      shownSlot = slot;
    }
    diffNextWhenIdle(ctx);
    const st = state(slot, draft);
    const shown = shownKeys(slot);
    const stored = slot.answer && slot.answer.event === "label" ? slot.answer : null;
    if (pairwise) renderPair(slot, st, shown, stored);
    else renderList(slot, st, shown);
    let status = "";
    if (rating) status = `Rating ${nameOf(slot, shown[rating.at])}: press ${levelKeys(levels).join(" ")} (Del clears, Esc stops)`;
    else if (changed(slot, st)) status = "Changed — press Enter to save.";
    else if (!pairwise && !stored) status = "Order the options, best first, then press Enter.";
    setText(parts.status, status);
    for (const [name, button] of parts.buttons) {
      if (name === "diff") setPressed(button, diffOn);
      if (name === "expand") setPressed(button, expanded);
      if (name === "rate") setPressed(button, Boolean(rating));
    }
  }

  function renderPair(slot, st, shown, stored) {
    const verdict = stored ? pairVerdict(stored, shown) : null;
    shown.forEach((key, side) => {
      const pane = parts.panes[side];
      pane.chips.update(st.ratings[key]);
      pane.element.classList.toggle("nbl-rank-rating", Boolean(rating && rating.at === side));
      pane.element.classList.toggle("nbl-rank-winner", verdict === `prefer:${side}`);
      const button = parts.buttons.get(`prefer:${side}`);
      if (button) setPressed(button, verdict === `prefer:${side}`);
    });
    for (const name of ["tie", "bad"]) if (parts.buttons.has(name)) setPressed(parts.buttons.get(name), verdict === name);
  }

  function renderList(slot, st, shown) {
    const groups = st.ranking.groups;
    let placeNumber = 1;
    const rows = groups.map((group, index) => {
      const row = h("li", { class: `nbl-rank-group${group.length > 1 ? " nbl-rank-tie" : ""}`, dataset: { index } });
      for (const key of group) {
        const item = parts.cards.get(key);
        setText(item.placeLabel, group.length > 1 ? `#${placeNumber} (tie)` : `#${placeNumber}`);
        row.append(item.element);
      }
      placeNumber += group.length;
      return row;
    });
    parts.list.replaceChildren(...rows);
    show(parts.out, st.ranking.out.length > 0 || task.partial);
    parts.out.replaceChildren(
      ...(task.partial ? [h("div", { class: "nbl-rank-out-title", text: st.ranking.out.length ? "Left out:" : "Drop here (or press o) to leave an option out" })] : []),
      ...st.ranking.out.map((key) => {
        const item = parts.cards.get(key);
        setText(item.placeLabel, "left out");
        return item.element;
      }),
    );
    for (const key of shown) {
      const item = parts.cards.get(key);
      item.chips.update(st.ratings[key]);
      item.element.classList.toggle("nbl-selected", key === st.selected);
      item.element.classList.toggle("nbl-rank-rating", Boolean(rating && shown[rating.at] === key));
      item.element.classList.toggle("nbl-expanded", expanded);
    }
    if (parts.reveal) {
      parts.reveal = false;
      parts.cards.get(st.selected).element.scrollIntoView({ block: "nearest" });
    }
  }

  return {
    mount,
    render,

    onKey(key, event, ctx) {
      if (rating) {
        if (rateKey(key, ctx)) return true;
        rating = null; // any other key ends rating and does what it does
      }
      const bound = keymap.actions.get(key);
      return bound ? act(bound.action, ctx, bound.position) : false;
    },

    shortcuts() {
      return keymap.legend;
    },

    /**
     * An answer in the names shown on screen. An answer that comes without its item (another
     * annotator's in the review panel, a check question's) is told in the current item's order.
     */
    describe(slot) {
      const answer = slot.answer;
      const meta = answer.meta || {};
      const value = answer.value;
      const current = mounted && mounted.session.screen() === "item" ? mounted.session.current() : null;
      const on = slot.view ? slot : current && current.view ? current : null;
      if (!on) return describeRanking(value, (key) => key);
      let text;
      if (pairwise) {
        const verdict = pairVerdict(answer, shownKeys(on));
        text = verdict === "bad" ? "both bad" : verdict === "tie" ? "tie" : `${optionName(Number(verdict.slice(7)), true)} better`;
      } else {
        text = describeRanking(value, (key) => String(shownKeys(on).indexOf(key) + 1));
        if (meta.all_bad) text += " (all bad)";
      }
      const ratings = meta.ratings || {};
      const rated = shownKeys(on).filter((key) => key in ratings);
      if (rated.length) text += ` · rated ${rated.map((key) => `${nameOf(on, key)} ${ratings[key]}`).join(", ")}`;
      return text;
    },

    /** Adjudicating: decide with another annotator's ranking, its verdict and ratings included. */
    pick(value, annotator, ctx) {
      const { session } = ctx;
      const slot = session.current();
      const other = (slot.review || []).find((entry) => entry.annotator === annotator) || {};
      const theirs = other.meta || {};
      const st = state(slot, session.draft()); // the draft follows the decision
      st.ranking = initialRanking(shownKeys(slot), value);
      st.ratings = { ...(theirs.ratings || {}) };
      return session.answer(value, answerMeta(slot, st, Boolean(theirs.all_bad)), { picked: annotator });
    },
  };
}

/** Neutral name of the option at `index` on screen: A/B side by side, else Option 1, 2, … */
function optionName(index, pairwise) {
  return pairwise ? "AB"[index] : `Option ${index + 1}`;
}

/** The A/B verdict of a stored answer: "prefer:0", "prefer:1", "tie" or "bad". */
function pairVerdict(answer, shown) {
  if (answer.meta && answer.meta.all_bad) return "bad";
  const value = answer.value;
  if (value.length === 1) return "tie";
  return `prefer:${shown.indexOf(value[0][0])}`;
}

function setPressed(button, on) {
  button.classList.toggle("nbl-on", on);
  button.setAttribute("aria-pressed", String(on));
}

export default {
  render({ model, el }) {
    return mountLabeler({ model, el, view: rankView(model.get("task")) });
  },
};
