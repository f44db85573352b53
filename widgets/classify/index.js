// Classification view: shows an item (text, labelled fields, image) and its labels with keys.
// Single-label: a label key answers and moves on. Multi-label: keys toggle, Enter submits.
// The next items' images are decoded ahead (images.js), so a keypress only swaps one in.

import { sameAnswer } from "../../js/answers.js";
import { h, setText, show } from "../../js/dom.js";
import { filterLabels, labelKeymap } from "../../js/keys.js";
import { mountLabeler } from "../../js/shell.js";
import { suggestedBy } from "../../js/status_text.js";
import { actionButton } from "../../js/toolbar.js";
import { createImages } from "./images.js";

function classifyView(task) {
  const labels = task.labels;
  const keymap = labelKeymap(task.keys);
  const hasUnkeyed = task.keys.some((key) => key === null || key === undefined);
  let parts = null;
  let shownSlot = null;
  let filterOpen = false;

  /** What an answer records about the suggestion shown with it (null without one). */
  function suggestionMeta(slot, value) {
    if (!slot.suggestion) return null;
    return { suggestion: slot.suggestion.value, accepted: sameAnswer(value, slot.suggestion.value) };
  }

  function choose(index, ctx) {
    const label = labels[index];
    if (task.multi) ctx.session.toggleSelected(label);
    else ctx.session.answer(label, suggestionMeta(ctx.session.current(), label));
    return true;
  }

  function submit(ctx) {
    const { session } = ctx;
    const slot = session.current();
    if (task.multi) {
      const selected = [...session.draft().selected];
      return session.answer(selected, suggestionMeta(slot, selected));
    }
    if (slot.answer && session.draftChanged()) {
      return slot.answer.event === "skip" ? session.skip() : session.answer(slot.answer.value, slot.answer.meta || null);
    }
    if (!slot.answer && slot.suggestion) return session.answer(slot.suggestion.value, suggestionMeta(slot, slot.suggestion.value));
    return session.forward();
  }

  function openFilter() {
    filterOpen = true;
    parts.filter.value = "";
    applyFilter();
    show(parts.filterPane, true);
    parts.filter.focus();
    return true;
  }

  function onFilterKey(event, ctx) {
    event.stopPropagation();
    if (event.key !== "Escape" && event.key !== "Enter") return;
    event.preventDefault();
    const [first] = filterLabels(labels, parts.filter.value);
    closeFilter(ctx);
    if (event.key === "Enter" && first !== undefined) choose(first, ctx);
    ctx.render();
  }

  function applyFilter() {
    const visible = new Set(filterLabels(labels, filterOpen ? parts.filter.value : ""));
    parts.buttons.forEach((button, index) => show(button, visible.has(index)));
  }

  function closeFilter(ctx) {
    filterOpen = false;
    show(parts.filterPane, false);
    applyFilter();
    ctx.focus();
  }

  return {
    mount(body, ctx) {
      const text = h("div", { class: "nbl-text" });
      const fields = h("dl", { class: "nbl-fields" });
      const image = h("img", { class: "nbl-image", attrs: { alt: "item image" } });
      const imageError = h("div", { class: "nbl-image-error" });
      const content = h("div", { class: "nbl-content" }, fields, image, imageError, text);
      content.addEventListener("scroll", () => (parts.scrolled = true), { signal: ctx.signal, passive: true });
      const buttons = labels.map((label, index) =>
        h(
          "button",
          {
            class: "nbl-label",
            attrs: { type: "button", tabindex: "-1", "aria-pressed": "false", title: label },
            dataset: { label },
            on: {
              click: (event) => {
                choose(index, ctx);
                event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
              },
            },
            signal: ctx.signal,
          },
          task.keys[index] ? h("kbd", { text: task.keys[index] }) : null,
          h("span", { class: "nbl-label-text", text: label }),
        ),
      );
      const filter = h("input", {
        class: "nbl-filter",
        attrs: { type: "text", placeholder: "find a label — Enter picks the first, Esc closes" },
        on: { keydown: (event) => onFilterKey(event, ctx), input: () => applyFilter() },
        signal: ctx.signal,
      });
      const filterPane = h("div", { class: "nbl-filter-pane" }, filter);
      show(filterPane, false);
      // Multi-label: labels toggle, and this button (or Enter) submits the selection.
      const submitButton = task.multi ? actionButton("Enter", "submit", () => submit(ctx), ctx.signal) : null;
      if (submitButton) submitButton.classList.add("nbl-submit");
      const labelBar = h("div", { class: `nbl-labels${task.multi ? " nbl-multi" : ""}`, attrs: { role: "group", "aria-label": "labels" } }, ...buttons, submitButton);
      const suggestion = h("div", { class: "nbl-suggestion", attrs: { "aria-live": "polite" } });
      body.append(content, suggestion, filterPane, labelBar);
      parts = { suggestion, text, fields, images: createImages(image, { signal: ctx.signal }), imageError, content, buttons, filter, filterPane, scrolled: false };
    },

    render(slot, draft, ctx) {
      if (slot !== shownSlot) {
        shownSlot = slot;
        showItem(parts, slot.view);
      }
      const { session } = ctx;
      parts.images.prepare(session.slots.slice(session.cursor + 1));
      const suggested = slot.suggestion && !slot.answer ? slot.suggestion : null;
      if (task.multi && suggested && !draft.seeded) {
        draft.selected = [...suggested.value]; // pre-selected: Enter accepts, keys edit
        draft.seeded = true;
      }
      let chosen = [];
      if (task.multi) chosen = draft.selected;
      else if (slot.answer && slot.answer.event === "label") chosen = [slot.answer.value];
      const hinted = suggested ? (Array.isArray(suggested.value) ? suggested.value : [suggested.value]) : [];
      parts.buttons.forEach((button, index) => {
        const on = chosen.includes(labels[index]);
        button.classList.toggle("nbl-on", on);
        button.classList.toggle("nbl-suggested", hinted.includes(labels[index]));
        button.setAttribute("aria-pressed", String(on));
      });
      show(parts.suggestion, Boolean(suggested));
      if (suggested) {
        const confidence = suggested.confidence === null || suggested.confidence === undefined ? "" : ` (${Math.round(100 * suggested.confidence)}%)`;
        const what = Array.isArray(suggested.value) ? suggested.value.join(", ") || "none" : suggested.value;
        setText(parts.suggestion, `${suggestedBy(suggested)}: ${what}${confidence} — Enter accepts`);
        parts.suggestion.title = suggested.version ? `${suggested.by || suggested.source}, version ${suggested.version}` : "";
      }
    },

    onKey(key, event, ctx) {
      if (keymap.has(key)) return choose(keymap.get(key), ctx);
      if (key === "Enter") return submit(ctx);
      if (key === "/") return openFilter();
      return false;
    },

    shortcuts() {
      const extra = [];
      if (task.multi) extra.push(["Enter", "submit"]);
      else extra.push(["Enter", task.suggest ? "accept suggestion / keep answer" : "keep answer"]);
      if (hasUnkeyed || labels.length > 9) extra.push(["/", "find a label"]);
      return extra;
    },

    describe(slot) {
      const value = slot.answer.value;
      return Array.isArray(value) ? (value.length ? value.join(", ") : "none") : String(value);
    },
  };
}

function showItem(parts, view) {
  const { text, fields, images, imageError, content } = parts;
  show(text, "text" in view);
  if ("text" in view) {
    const missing = view.text === null;
    setText(text, missing ? "(no text)" : view.text);
    text.classList.toggle("nbl-missing", missing);
  }
  show(fields, Boolean(view.fields && view.fields.length));
  fields.replaceChildren(
    ...(view.fields || []).flatMap(([name, value]) => [
      h("dt", { text: name }),
      h("dd", { class: value === null ? "nbl-missing" : "", text: value === null ? "(missing)" : value }),
    ]),
  );
  const img = view.image || null;
  images.show(img && img.url ? img.url : null);
  show(imageError, Boolean(img && !img.url));
  setText(imageError, img && !img.url ? `Cannot show image: ${img.error || "unknown error"}` : "");
  // Reading or writing scrollTop forces a layout of the whole page: only reset it when the
  // annotator actually scrolled the previous item.
  if (parts.scrolled) {
    content.scrollTop = 0;
    parts.scrolled = false;
  }
}

export default {
  render({ model, el }) {
    return mountLabeler({ model, el, view: classifyView(model.get("task")) });
  },
};
