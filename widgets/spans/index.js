// Span view: an item's text, its labelled spans and suggested spans, edited with the keyboard or
// the mouse. The text is one DOM text node that never changes while the item is shown; spans,
// suggestions, the selection and the focused span are CSS Custom Highlights (ranges painted over
// the text, no elements), so a keypress repaints a few ranges instead of rebuilding the DOM, even
// for a 100,000-character document with thousands of spans. Label tags are drawn only for the
// spans in view. Offsets are UTF-16 here and become code points in js/spans_model.js.

import { h, setText, show } from "../../js/dom.js";
import { keyLabel, labelKeymap } from "../../js/keys.js";
import { actionButton, mountLabeler } from "../../js/shell.js";
import { SpanDoc } from "../../js/spans_model.js";

/** Label colours: distinct, legible as translucent tints on light and dark backgrounds. */
const PALETTE = ["#e8590c", "#1c7ed6", "#2b8a3e", "#c2255c", "#7048e8", "#e67700", "#0c8599", "#9c36b5", "#5c940d", "#d6336c", "#364fc7", "#a61e4d"];
const KEPT_SUBMISSIONS = 30;
const MAX_TAGS = 400;
const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || "");
const WORD_KEY = MAC ? "⌥" : "Ctrl";
const UNDO_KEY = MAC ? "⌘Z" : "Ctrl+Z";
let views = 0;

function spansView(task) {
  const labels = task.labels;
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const keymap = labelKeymap(task.keys);
  const source = task.suggest === null || task.suggest === undefined ? null : task.suggest.startsWith("callable:") ? task.suggest : `column:${task.suggest}`;
  const prefix = `nbl-spans-${(views += 1)}-${Math.random().toString(36).slice(2, 8)}`;
  const highlights = new Map(); // name → Highlight
  const drawn = new Map(); // span or suggestion → {name, range}
  const submitted = new Map(); // pos → SpanDoc sent, to restore the work if the kernel rejects it
  let parts = null;
  let shownDoc = null;
  let shownVersion = -1;
  let shownCursor = null;
  let tagFrame = null;

  // ---- the document of the item on screen ------------------------------------------------------
  function docFor(slot, draft) {
    if (draft.spanDoc) return draft.spanDoc;
    const view = slot.view || {};
    let doc = slot.status === "rejected" ? submitted.get(slot.pos) : null;
    if (!doc) {
      const answer = slot.answer && slot.answer.event === "label" ? slot.answer : null;
      try {
        doc = new SpanDoc({
          text: view.text,
          overlap: task.overlap,
          tokens: view.tokens || null,
          suggestions: view.suggestions || null,
          source,
          answer: answer ? answer.value : null,
          meta: answer ? answer.meta || null : null,
        });
      } catch (error) {
        doc = new SpanDoc({ text: view.text });
        doc.notice = `Cannot show this item's spans: ${error.message}`;
      }
    }
    draft.spanDoc = doc;
    return doc;
  }

  function currentDoc(ctx) {
    const slot = ctx.session.current();
    return slot ? docFor(slot, ctx.session.draft()) : null;
  }

  // ---- highlights --------------------------------------------------------------------------------
  function highlight(name, priority) {
    let found = highlights.get(name);
    if (!found) {
      found = new Highlight();
      found.priority = priority;
      highlights.set(name, found);
      CSS.highlights.set(name, found);
    }
    return found;
  }

  function rangeOf(start, end) {
    const node = parts.textNode;
    return new StaticRange({ startContainer: node, startOffset: start, endContainer: node, endOffset: end });
  }

  /** Bring the painted spans and suggestions in line with the document: only what changed. */
  function drawSpans(doc) {
    const layers = doc.layers();
    const wanted = new Map();
    for (const span of doc.spans) wanted.set(span, `l${labelIndex.get(span.label)}-${Math.min(layers.get(span), 2)}`);
    for (const suggestion of doc.suggestions) if (suggestion.state === "pending") wanted.set(suggestion, `s${labelIndex.get(suggestion.label)}`);
    for (const [item, entry] of drawn) {
      if (wanted.get(item) !== entry.name) {
        highlights.get(`${prefix}-${entry.name}`).delete(entry.range);
        drawn.delete(item);
      }
    }
    for (const [item, name] of wanted) {
      if (drawn.has(item)) continue;
      const range = rangeOf(item.start, item.end);
      const layer = name.startsWith("s") ? 5 : Number(name.split("-")[1]);
      highlight(`${prefix}-${name}`, layer).add(range);
      drawn.set(item, { name, range });
    }
  }

  function clearSpans() {
    for (const found of highlights.values()) found.clear();
    drawn.clear();
  }

  function drawCursor(doc) {
    const selection = highlight(`${prefix}-selection`, 10);
    const focused = highlight(`${prefix}-focus`, 11);
    selection.clear();
    focused.clear();
    const range = doc.selection();
    if (range) selection.add(rangeOf(range[0], range[1]));
    else if (doc.hasSelection()) selection.add(rangeOf(Math.min(doc.anchor, doc.caret), Math.max(doc.anchor, doc.caret)));
    if (doc.focus) focused.add(rangeOf(doc.focus.item.start, doc.focus.item.end));
    placeCaret(doc);
  }

  // ---- geometry: caret, scrolling, tags ------------------------------------------------------------
  /** Client rectangle of the caret position `offset` (UTF-16), or null when not laid out. */
  function caretRect(offset) {
    const range = document.createRange();
    const text = parts.textNode;
    const length = text.length;
    if (!length) return null;
    // After a line break, a collapsed range may report the end of the line above: measure the
    // next character's left edge instead.
    if (offset < length && (offset === 0 || text.data[offset - 1] === "\n")) {
      range.setStart(text, offset);
      range.setEnd(text, offset + 1);
      const rect = range.getClientRects()[0];
      return rect ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
    }
    range.setStart(text, offset);
    range.collapse(true);
    const rect = range.getBoundingClientRect();
    return rect && rect.height ? { left: rect.left, top: rect.top, bottom: rect.bottom, height: rect.height } : null;
  }

  function placeCaret(doc) {
    const rect = doc.missing ? null : caretRect(doc.caret);
    show(parts.caret, Boolean(rect));
    if (!rect) return;
    const { box, x, y } = inContent(rect);
    parts.caret.style.transform = `translate(${x}px, ${y}px)`;
    parts.caret.style.height = `${rect.height}px`;
    parts.caretBox = { top: rect.top - box.top, bottom: rect.bottom - box.top, height: box.height };
  }

  /** Scroll the text so the caret is in view (only after the annotator moved it). */
  function revealCaret() {
    const spot = parts.caretBox;
    if (!spot || !parts.caret.isConnected) return;
    const margin = 8;
    if (spot.top < margin) parts.content.scrollTop += spot.top - margin - spot.height / 3;
    else if (spot.bottom > spot.height - margin) parts.content.scrollTop += spot.bottom - spot.height + margin + spot.height / 3;
  }

  /** Move the caret one visual line up (-1) or down (+1). */
  function moveLine(doc, direction, extend) {
    let rect = caretRect(doc.caret);
    if (!rect) return;
    const box = parts.content.getBoundingClientRect();
    let y = direction < 0 ? rect.top - rect.height / 2 : rect.bottom + rect.height / 2;
    if (y < box.top || y > box.bottom) {
      parts.content.scrollTop += y < box.top ? y - box.top - rect.height : y - box.bottom + rect.height;
      rect = caretRect(doc.caret);
      y = direction < 0 ? rect.top - rect.height / 2 : rect.bottom + rect.height / 2;
    }
    const at = pointToOffset(rect.left + 1, y);
    if (at !== null) doc.setCaret(at, extend);
    else doc.setCaret(direction < 0 ? 0 : doc.text.length, extend);
  }

  function pointToOffset(x, y) {
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      if (position) ({ offsetNode: node, offset } = position);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range) ({ startContainer: node, startOffset: offset } = range);
    }
    return node === parts.textNode ? offset : null;
  }

  /** A DOM position (from a selection) as an offset in the text; outside it, 0 or the end. */
  function offsetIn(node, offset) {
    const text = parts.textNode;
    if (node === text) return offset;
    if (node === parts.text) return offset === 0 ? 0 : text.length;
    if (node.contains && node.contains(text)) {
      let child = text;
      while (child.parentNode !== node) child = child.parentNode;
      return offset <= Array.prototype.indexOf.call(node.childNodes, child) ? 0 : text.length;
    }
    return text.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING ? text.length : 0;
  }

  /** Where a client rectangle sits inside the scrolled content (for absolutely placed marks). */
  function inContent(rect) {
    const content = parts.content;
    const box = content.getBoundingClientRect();
    return { box, x: rect.left - box.left - content.clientLeft + content.scrollLeft, y: rect.top - box.top - content.clientTop + content.scrollTop };
  }

  function scheduleTags(doc) {
    if (tagFrame !== null) return;
    tagFrame = requestAnimationFrame(() => {
      tagFrame = null;
      drawTags(doc);
    });
  }

  /** Label tags above the spans and suggestions in view (several starting together share one). */
  function drawTags(doc) {
    const items = doc.items().filter(({ item }) => item.end > item.start);
    const box = parts.content.getBoundingClientRect();
    const tops = (k) => {
      const rect = caretRect(items[k].item.start);
      return rect ? rect.bottom : Infinity;
    };
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tops(mid) < box.top) lo = mid + 1;
      else hi = mid;
    }
    const groups = new Map();
    for (let k = lo; k < items.length && groups.size < MAX_TAGS; k += 1) {
      const rect = caretRect(items[k].item.start);
      if (!rect || rect.top > box.bottom) break;
      const key = items[k].item.start;
      if (!groups.has(key)) groups.set(key, { rect, items: [] });
      groups.get(key).items.push(items[k]);
    }
    const tags = [];
    for (const { rect, items: here } of groups.values()) {
      const tag = parts.tagPool[tags.length] || h("span", { class: "nbl-spans-tag", attrs: { "aria-hidden": "true" } });
      parts.tagPool[tags.length] = tag;
      tag.replaceChildren(
        ...here.map(({ kind, item }) =>
          h("span", {
            class: `nbl-spans-tag-part${kind === "suggestion" ? " nbl-spans-tag-suggested" : ""}${doc.focus && doc.focus.item === item ? " nbl-spans-tag-focus" : ""}`,
            attrs: { style: `--nbl-label: ${colour(item.label)}` },
            text: kind === "suggestion" ? `${item.label}?` : item.label,
          }),
        ),
      );
      const at = inContent(rect);
      tag.style.transform = `translate(${at.x}px, ${at.y}px)`;
      tags.push(tag);
    }
    parts.tags.replaceChildren(...tags);
  }

  function colour(label) {
    return PALETTE[labelIndex.get(label) % PALETTE.length];
  }

  // ---- showing an item and its state -------------------------------------------------------------
  function showItem(doc, slot) {
    clearSpans();
    const view = slot.view || {};
    parts.textNode.data = doc.text;
    show(parts.missing, doc.missing);
    const errors = view.errors || [];
    setText(parts.errors, errors.length ? `Problems with this item: ${errors.join(" · ")}` : "");
    show(parts.errors, errors.length > 0);
    if (parts.scrolled) {
      parts.content.scrollTop = 0;
      parts.scrolled = false;
    }
  }

  function describeKeys(label) {
    const key = task.keys[labelIndex.get(label)];
    return key ? `${label} (${key})` : label;
  }

  function drawStatus(doc, slot) {
    let context = doc.missing ? "" : "Select text (drag, double-click, or Shift+arrows), then press a label key.";
    if (doc.focus && doc.focus.kind === "span") {
      context = `Span ${doc.describe(doc.focus.item)} — a label key relabels it · Delete removes it · Esc deselects`;
    } else if (doc.focus) {
      context = `Suggestion ${doc.describe(doc.focus.item)} — Space accepts · a label key accepts it as that label · Delete rejects`;
    } else if (doc.selection()) {
      const [start, end] = doc.selection();
      context = `Selected ${doc.describe({ start, end, label: "press a label key" }).replace(/ \(press a label key\)$/, "")} — press a label key: ${labels.slice(0, 4).map(describeKeys).join(", ")}${labels.length > 4 ? ", …" : ""}`;
    }
    setText(parts.context, context);
    setText(parts.notice, doc.notice || "");
    show(parts.notice, Boolean(doc.notice));
    const pending = doc.pending().length;
    const count = `${doc.spans.length} span${doc.spans.length === 1 ? "" : "s"}`;
    const unchanged = slot.answer && slot.status !== "rejected" && !doc.changed();
    let next = "Enter submits";
    if (unchanged) next = "Enter goes on (unchanged)";
    else if (pending) next = `${pending} suggestion${pending === 1 ? "" : "s"} to review — Enter accepts all`;
    setText(parts.counts, `${count}${doc.changed() && slot.answer ? " (edited)" : ""} · ${next}`);
    show(parts.acceptAll, pending > 0 && !unchanged);
    show(parts.accept, Boolean(doc.focus && doc.focus.kind === "suggestion"));
    show(parts.remove, Boolean(doc.focus));
    setText(parts.removeText, doc.focus && doc.focus.kind === "suggestion" ? " reject" : " delete");
    parts.labelButtons.forEach((button, index) => {
      const on = Boolean(doc.focus && doc.focus.item.label === labels[index]);
      button.classList.toggle("nbl-on", on);
      button.setAttribute("aria-pressed", String(on));
    });
  }

  // ---- actions -------------------------------------------------------------------------------------
  function enter(ctx) {
    const doc = currentDoc(ctx);
    const { session } = ctx;
    const slot = session.current();
    // On an answered item left as it was, Enter keeps the answer, as in every view: suggestions
    // the annotator passed over stay passed over instead of changing the stored answer.
    if (slot.answer && slot.status !== "rejected" && !doc.changed()) {
      if (!session.draftChanged()) return session.forward();
      if (slot.answer.event === "skip") return session.skip();
    }
    if (doc.pending().length && doc.acceptAll()) return true;
    submitted.set(slot.pos, doc);
    if (submitted.size > KEPT_SUBMISSIONS) submitted.delete(submitted.keys().next().value);
    return session.answer(doc.value(), doc.meta());
  }

  function act(ctx, action) {
    const doc = currentDoc(ctx);
    if (!doc) return false;
    action(doc);
    return true;
  }

  return {
    actionKeys: { back: ["PageUp"], forward: ["PageDown"] },

    mount(body, ctx) {
      const { signal } = ctx;
      const supported = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function" && typeof StaticRange === "function";
      const style = h("style", { text: highlightRules() });
      const textNode = document.createTextNode("");
      const text = h("div", { class: "nbl-text nbl-spans-text", attrs: { "aria-label": "text to label" } }, textNode);
      const missing = h("div", { class: "nbl-missing", text: "(no text)" });
      const tags = h("div", { class: "nbl-spans-tags" });
      const caret = h("div", { class: "nbl-spans-caret", attrs: { "aria-hidden": "true" } });
      const content = h("div", { class: "nbl-content nbl-spans-content" }, missing, text, tags, caret);
      const errors = h("div", { class: "nbl-spans-errors", attrs: { role: "alert" } });
      const unsupported = h("div", {
        class: "nbl-spans-errors",
        text: "This browser cannot paint spans (it lacks the CSS Custom Highlight API): use Chrome or Edge 105+, Safari 17.2+ or Firefox 140+.",
      });
      show(unsupported, !supported);
      const context = h("span", { class: "nbl-spans-context", attrs: { "aria-live": "polite" } });
      const notice = h("span", { class: "nbl-spans-notice", attrs: { role: "status" } });
      const counts = h("span", { class: "nbl-spans-counts" });
      const status = h("div", { class: "nbl-spans-status" }, context, notice, counts);
      const clicked = (action) => () => act(ctx, action);
      const acceptAll = actionButton("Enter", "accept all suggestions", clicked((doc) => doc.acceptAll()), signal);
      const accept = actionButton("Space", "accept", clicked((doc) => doc.acceptFocused()), signal);
      const remove = actionButton("Del", "delete", clicked((doc) => doc.deleteFocused()), signal);
      const removeText = h("span", { text: " delete" });
      remove.lastChild.replaceWith(removeText);
      const submit = actionButton("Enter", "submit", () => enter(ctx), signal);
      const labelButtons = labels.map((label, index) =>
        h(
          "button",
          {
            class: "nbl-label nbl-spans-label",
            attrs: { type: "button", tabindex: "-1", "aria-pressed": "false", title: label, style: `--nbl-label: ${PALETTE[index % PALETTE.length]}` },
            dataset: { label },
            on: {
              click: (event) => {
                act(ctx, (doc) => doc.applyLabel(label));
                event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
              },
            },
            signal,
          },
          h("span", { class: "nbl-spans-swatch" }),
          task.keys[index] ? h("kbd", { text: task.keys[index] }) : null,
          h("span", { class: "nbl-label-text", text: label }),
        ),
      );
      const labelBar = h("div", { class: "nbl-labels", attrs: { role: "group", "aria-label": "labels" } }, ...labelButtons);
      const actions = h("div", { class: "nbl-spans-actions" }, acceptAll, accept, remove, submit);
      body.append(style, unsupported, errors, content, status, labelBar, actions);
      parts = { textNode, text, missing, tags, caret, content, errors, context, notice, counts, acceptAll, accept, remove, removeText, labelButtons, tagPool: [], scrolled: false, caretBox: null };

      body.addEventListener(
        "mouseup",
        (event) => {
          if (event.button !== 0 || !parts.text.contains(event.target) && !parts.content.contains(event.target)) return;
          const doc = currentDoc(ctx);
          const selection = document.getSelection();
          if (!doc || doc.missing || !selection || !selection.rangeCount) return;
          const range = selection.getRangeAt(0);
          if (!range.intersectsNode(parts.textNode)) return;
          const start = offsetIn(range.startContainer, range.startOffset);
          const end = offsetIn(range.endContainer, range.endOffset);
          if (start === end) doc.clickAt(start);
          else doc.selectRange(start, end);
          selection.removeAllRanges();
          ctx.focus();
          ctx.render();
        },
        { signal },
      );
      text.addEventListener(
        "dblclick",
        (event) => {
          const doc = currentDoc(ctx);
          const at = doc && !doc.missing ? pointToOffset(event.clientX, event.clientY) : null;
          if (at === null) return;
          doc.selectWord(Math.min(at, doc.text.length - 1));
          document.getSelection().removeAllRanges();
          ctx.render();
        },
        { signal },
      );
      content.addEventListener(
        "scroll",
        () => {
          parts.scrolled = true;
          if (shownDoc) scheduleTags(shownDoc);
        },
        { signal, passive: true },
      );
      const resized = new ResizeObserver(() => {
        if (!shownDoc) return;
        placeCaret(shownDoc);
        scheduleTags(shownDoc);
      });
      resized.observe(content);
      signal.addEventListener("abort", () => {
        resized.disconnect();
        if (tagFrame !== null) cancelAnimationFrame(tagFrame);
        for (const name of highlights.keys()) CSS.highlights.delete(name);
      });
    },

    render(slot, draft) {
      const doc = docFor(slot, draft);
      const fresh = doc !== shownDoc;
      if (fresh) {
        showItem(doc, slot);
        shownDoc = doc;
        shownVersion = -1;
        shownCursor = null;
      }
      if (doc.version !== shownVersion) {
        drawSpans(doc);
        shownVersion = doc.version;
        scheduleTags(doc);
      }
      const cursor = `${doc.caret}:${doc.anchor}:${doc.focus ? doc.focus.item.start : ""}`;
      drawCursor(doc);
      if (cursor !== shownCursor) {
        if (shownCursor !== null) revealCaret();
        if (doc.focus || shownCursor === null) scheduleTags(doc);
        shownCursor = cursor;
      }
      drawStatus(doc, slot);
    },

    onKey(key, event, ctx) {
      const doc = currentDoc(ctx);
      if (!doc) return false;
      const word = event.ctrlKey || event.altKey || event.metaKey;
      switch (key) {
        case "ArrowLeft":
        case "ArrowRight":
          doc.moveCaret(word ? "word" : "char", key === "ArrowLeft" ? -1 : 1, event.shiftKey);
          return true;
        case "ArrowUp":
        case "ArrowDown":
          moveLine(doc, key === "ArrowUp" ? -1 : 1, event.shiftKey);
          return true;
        case "[":
        case "]":
          doc.focusNext(key === "[" ? -1 : 1);
          return true;
        case "Enter":
          return enter(ctx);
        case " ":
          doc.acceptFocused();
          return true;
        case "Delete":
        case "Backspace":
          doc.deleteFocused();
          return true;
        case "Escape":
          return doc.clearSelection();
        default:
          break;
      }
      if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "z") {
        if (!doc.undo()) doc.notice = "Nothing to undo in this item (u undoes the last answer).";
        return true;
      }
      if (word) return false;
      if (keymap.has(key)) {
        doc.applyLabel(labels[keymap.get(key)]);
        return true;
      }
      return false;
    },

    claimsModifiedKey(event) {
      if (event.shiftKey && event.key.toLowerCase() === "z") return false;
      if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && !event.metaKey) return MAC ? event.altKey : event.ctrlKey;
      return (MAC ? event.metaKey : event.ctrlKey) && event.key.toLowerCase() === "z";
    },

    shortcuts() {
      const pairs = [
        ["←→", "move"],
        [`${WORD_KEY}+←→`, "by word"],
        ["↑↓", "by line"],
        ["Shift+arrows", "select"],
        ["[ ]", "previous / next span"],
        ["Del", "delete span"],
        [UNDO_KEY, "undo an edit"],
        ["Enter", "submit"],
        ["Esc", "deselect"],
        [`${keyLabel("PageUp")} ${keyLabel("PageDown")}`, "previous / next item"],
      ];
      if (task.suggest !== null && task.suggest !== undefined) {
        pairs.splice(5, 0, ["Space", "accept suggestion"]);
        pairs[pairs.findIndex(([key]) => key === "Enter")] = ["Enter", "accept all suggestions, then submit"];
      }
      return pairs;
    },

    describe(slot) {
      const value = slot.answer.value;
      if (!Array.isArray(value)) return String(value);
      if (!value.length) return "no spans";
      const counts = new Map();
      for (const { label } of value) counts.set(label, (counts.get(label) || 0) + 1);
      const parts = [...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
      return `${value.length} span${value.length === 1 ? "" : "s"} (${parts.join(", ")})`;
    },
  };

  /** ::highlight() rules for this view's highlight names (one set per label and layer). */
  function highlightRules() {
    const rules = [];
    labels.forEach((label, index) => {
      const c = PALETTE[index % PALETTE.length];
      rules.push(`::highlight(${prefix}-l${index}-0) { background-color: color-mix(in srgb, ${c} 30%, transparent); }`);
      rules.push(`::highlight(${prefix}-l${index}-1) { background-color: color-mix(in srgb, ${c} 22%, transparent); text-decoration: underline solid ${c} 3px; }`);
      rules.push(`::highlight(${prefix}-l${index}-2) { background-color: color-mix(in srgb, ${c} 22%, transparent); text-decoration: overline solid ${c} 3px; }`);
      rules.push(`::highlight(${prefix}-s${index}) { background-color: color-mix(in srgb, ${c} 10%, transparent); text-decoration: underline dashed ${c} 2px; }`);
    });
    // The selection and the focused span must stand out from every label colour: grey and ink.
    rules.push(`::highlight(${prefix}-selection) { background-color: color-mix(in srgb, var(--nbl-fg) 22%, transparent); text-decoration: underline solid var(--nbl-fg) 2px; }`);
    rules.push(`::highlight(${prefix}-focus) { background-color: var(--nbl-fg); color: var(--nbl-bg); }`);
    return rules.join("\n");
  }
}

export default {
  render({ model, el }) {
    return mountLabeler({ model, el, view: spansView(model.get("task")) });
  },
};
