// Span view: an item's text, its labelled spans and suggested spans, edited with the keyboard or
// the mouse. The text is built once per item, cut into blocks and pieces (text_layer.js), and never
// changes while the item is shown; blocks out of view are neither laid out nor painted. Spans,
// suggestions, the selection and the focused span are CSS Custom Highlights (ranges painted over
// the text, no elements), so a keypress repaints the few ranges it changed in the pieces they
// cover instead of rebuilding the DOM, even for a 100,000-character document with thousands of
// spans. Label tags are drawn only for the spans in view. Offsets are UTF-16 here and become code
// points in span_doc.js.
//
// This entry puts the view together: the text (text_layer.js) with the marks layer (marks.js), the
// drawn caret (caret.js) and the label tags (tags.js) over it, measured by geometry.js; mouse selection
// (pointer.js); the status line and action buttons (status_bar.js); the label buttons
// (label_bar.js). The documents (drafts.js), the keys (keymap.js), the colours (palette.js) and
// the wording (texts.js) are DOM-free.

import { h, setText, show } from "../../js/dom.js";
import { labelKeymap } from "../../js/keys.js";
import { mountLabeler } from "../../js/shell.js";
import { createCaret } from "./caret.js";
import { spanDrafts } from "./drafts.js";
import { createGeometry } from "./geometry.js";
import { claimsModifiedKey, editKey, spanShortcuts } from "./keymap.js";
import { createLabelBar } from "./label_bar.js";
import { createMarks } from "./marks.js";
import { highlightRules, labelColour } from "./palette.js";
import { listenForPointer } from "./pointer.js";
import { createStatusBar } from "./status_bar.js";
import { createTags } from "./tags.js";
import { createTextLayer } from "./text_layer.js";
import { describeSpans } from "./texts.js";

let views = 0;

function spansView(task) {
  const labels = task.labels;
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const keymap = labelKeymap(task.keys);
  const prefix = `nbl-spans-${(views += 1)}-${Math.random().toString(36).slice(2, 8)}`;
  const docs = spanDrafts(task);
  let parts = null; // the item area, once mounted
  let shownDoc = null;
  let shownVersion = -1;
  let shownCursor = null;

  // The caret, the scrolling to it, the spans near the view and the tags are measured and placed
  // in the next animation frame, every read before the writes, so a keypress lays the page out
  // once. Only the spans of the blocks within a screen of the view are painted (marks.js).
  let placing = null; // what the next frame places: {doc, reveal, tags}
  let placeFrame = null;
  let markedVersion = -1; // the document version and band the marks were drawn for
  let markedBand = "";
  function placeSoon(doc, reveal, tags) {
    placing = placing ? { doc, reveal: placing.reveal || reveal, tags: placing.tags || tags } : { doc, reveal, tags };
    if (placeFrame !== null) return;
    placeFrame = requestAnimationFrame(() => {
      placeFrame = null;
      const next = placing;
      placing = null;
      parts.caret.place(next.doc);
      if (next.reveal) parts.caret.reveal();
      const box = parts.content.getBoundingClientRect();
      const near = parts.layer.blocksBetween(box.top - box.height, box.bottom + box.height);
      const band = near ? parts.layer.blockSpan(near[0], near[1]) : [0, 0];
      if (next.doc.version !== markedVersion || String(band) !== markedBand) {
        parts.marks.draw(next.doc, band);
        markedVersion = next.doc.version;
        markedBand = String(band);
      }
      if (next.tags) parts.tags.draw(next.doc);
    });
  }

  function showItem(doc, slot) {
    parts.marks.clear();
    const view = slot.view || {};
    parts.layer.show(doc.text);
    show(parts.missing, doc.missing);
    const errors = view.errors || [];
    setText(parts.errors, errors.length ? `Problems with this item: ${errors.join(" · ")}` : "");
    show(parts.errors, errors.length > 0);
    if (parts.scrolled) {
      parts.content.scrollTop = 0;
      parts.scrolled = false;
    }
  }

  return {
    actionKeys: { back: ["PageUp"], forward: ["PageDown"] },

    mount(body, ctx) {
      const { session, signal } = ctx;
      const supported = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function" && typeof StaticRange === "function";
      const style = h("style", { text: highlightRules(prefix, labels) });
      const text = h("div", { class: "nbl-text nbl-spans-text", attrs: { "aria-label": "text to label" } });
      const layer = createTextLayer(text);
      const missing = h("div", { class: "nbl-missing", text: "(no text)" });
      const tagLayer = h("div", { class: "nbl-spans-tags" });
      const caretElement = h("div", { class: "nbl-spans-caret", attrs: { "aria-hidden": "true" } });
      const content = h("div", { class: "nbl-content nbl-spans-content" }, missing, text, tagLayer, caretElement);
      const errors = h("div", { class: "nbl-spans-errors", attrs: { role: "alert" } });
      const unsupported = h("div", {
        class: "nbl-spans-errors",
        text: "This browser cannot paint spans (it lacks the CSS Custom Highlight API): use Chrome or Edge 105+, Safari 17.2+ or Firefox 140+.",
      });
      show(unsupported, !supported);
      const edit = (action) => {
        const doc = docs.current(session);
        if (doc) action(doc);
      };
      const statusBar = createStatusBar({ labels, keys: task.keys, edit, submit: () => docs.submit(session), signal });
      const labelBar = createLabelBar(labels, task.keys, (label) => edit((doc) => doc.applyLabel(label)), signal);
      body.append(style, unsupported, errors, content, statusBar.status, labelBar.element, statusBar.actions);
      const geometry = createGeometry({ layer, text, content });
      parts = {
        layer,
        missing,
        content,
        errors,
        geometry,
        statusBar,
        labelBar,
        marks: createMarks(prefix, layer, labelIndex),
        caret: createCaret(caretElement, content, geometry),
        tags: createTags(tagLayer, content, layer, geometry, (label) => labelColour(labelIndex.get(label))),
        scrolled: false,
      };

      listenForPointer(body, { layer, text, content, geometry, currentDoc: () => docs.current(session), focus: ctx.focus, render: ctx.render, signal });
      content.addEventListener(
        "scroll",
        () => {
          parts.scrolled = true;
          if (shownDoc) placeSoon(shownDoc, false, true);
        },
        { signal, passive: true },
      );
      const resized = new ResizeObserver((entries) => {
        parts.layer.width = entries[entries.length - 1].contentRect.width;
        if (!shownDoc) return;
        placeSoon(shownDoc, false, true);
      });
      resized.observe(content);
      signal.addEventListener("abort", () => {
        resized.disconnect();
        if (placeFrame !== null) cancelAnimationFrame(placeFrame);
        parts.marks.dispose();
      });
    },

    render(slot, draft) {
      const doc = docs.docFor(slot, draft);
      const fresh = doc !== shownDoc;
      if (fresh) {
        showItem(doc, slot);
        shownDoc = doc;
        shownVersion = -1;
        shownCursor = null;
        markedVersion = -1;
      }
      let tags = false;
      if (doc.version !== shownVersion) {
        shownVersion = doc.version;
        tags = true;
      }
      const cursor = `${doc.caret}:${doc.anchor}:${doc.focus ? doc.focus.item.start : ""}`;
      parts.marks.drawCursor(doc);
      let reveal = false;
      if (cursor !== shownCursor) {
        reveal = shownCursor !== null;
        tags = tags || Boolean(doc.focus) || shownCursor === null;
        shownCursor = cursor;
      }
      placeSoon(doc, reveal, tags);
      parts.statusBar.update(doc, slot);
      parts.labelBar.update(doc);
    },

    onKey(key, event, ctx) {
      const { session } = ctx;
      const doc = docs.current(session);
      if (!doc) return false;
      return editKey(doc, key, event, {
        labels,
        keymap,
        moveLine: (direction, extend) => parts.geometry.moveLine(doc, direction, extend),
        submit: () => docs.submit(session),
      });
    },

    claimsModifiedKey(event) {
      return claimsModifiedKey(event);
    },

    shortcuts() {
      return spanShortcuts(task);
    },

    describe(slot) {
      return describeSpans(slot.answer.value);
    },
  };
}

export default {
  render({ model, el }) {
    return mountLabeler({ model, el, view: spansView(model.get("task")) });
  },
};
