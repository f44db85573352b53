// The spans of one item while the annotator edits them, free of any DOM (tested in Node).
//
// Offsets inside a SpanDoc are UTF-16 code units, as the DOM counts them; offsets entering from
// the kernel (the stored answer, tokens, suggestions) and leaving for it (`value()`, `meta()`)
// are Python code points, converted by the text's OffsetMap. Spans are kept sorted by start, end
// and label, without duplicates. Every edit is one undoable step.

import { OffsetMap } from "../../js/offsets.js";
import { graphemeFloor, nextGrapheme, nextWordEnd, normalizeRange, prevGrapheme, prevWordStart, wordAt } from "./segmentation.js";

const EXCERPT = 40;

/**
 * @typedef {{id: number, start: number, end: number, label: string, from: number|null}} Span
 *   `from`: index of the suggestion it was accepted from (kept when relabelled), or null
 * @typedef {{index: number, start: number, end: number, label: string,
 *   state: "pending"|"accepted"|"rejected"}} Suggestion
 * @typedef {{kind: "span", item: Span} | {kind: "suggestion", item: Suggestion}} Focus
 */

export class SpanDoc {
  #history = [];
  #nextId = 1;
  #changedAt = [-1, false];
  #items = [-1, []];

  /**
   * @param {object} options
   * @param {string|null} options.text  the item's text (null: missing)
   * @param {boolean} [options.overlap]  whether spans may overlap
   * @param {number[]|null} [options.tokens]  flat [start, end, ...] token offsets (code points)
   * @param {Array<[number, number, string]>|null} [options.suggestions]  (code points)
   * @param {string|null} [options.source]  where the suggestions come from
   * @param {Array<{start: number, end: number, label: string}>|null} [options.answer]  the stored
   *   answer (code points), or null for an unanswered item
   * @param {object|null} [options.meta]  the details stored with that answer (`meta()`), whose
   *   decisions on the suggestions are restored
   */
  constructor({ text, overlap = false, tokens = null, suggestions = null, source = null, answer = null, meta = null }) {
    this.missing = text === null || text === undefined;
    this.text = this.missing ? "" : String(text);
    this.map = new OffsetMap(this.text);
    this.overlap = Boolean(overlap);
    this.tokens = tokens ? Int32Array.from(tokens, (cp) => this.map.toUtf16(cp)) : null;
    this.source = source;
    /** @type {Span[]} */
    this.spans = [];
    /** @type {Suggestion[]} */
    this.suggestions = (suggestions || []).map(([start, end, label], index) => ({
      index,
      start: this.map.toUtf16(start),
      end: this.map.toUtf16(end),
      label,
      state: "pending",
    }));
    this.caret = 0;
    /** The other end of the selection (UTF-16), or null when nothing is selected. */
    this.anchor = null;
    /** @type {Focus|null} the span or suggestion that label keys, Delete and Space act on */
    this.focus = null;
    /** A message for the annotator about the last action, or null. */
    this.notice = null;
    /** Bumped whenever the spans or the suggestions' states change. */
    this.version = 0;
    for (const { start, end, label } of answer || []) {
      this.#insert(this.#make(this.map.toUtf16(start), this.map.toUtf16(end), label, null));
    }
    const decided = meta && meta.suggestions;
    if (answer && decided && Array.isArray(decided.spans) && decided.spans.length === this.suggestions.length) {
      // An answered item: what was decided on each suggestion (ignored ones are pending again).
      for (const name of ["accepted", "edited", "rejected"]) {
        for (const index of decided[name] || []) {
          const suggestion = this.suggestions[index];
          if (!suggestion) continue;
          suggestion.state = name === "rejected" ? "rejected" : "accepted";
          const kept = this.spans.find((span) => span.from === null && span.start === suggestion.start && span.end === suggestion.end);
          if (name === "edited" && kept) kept.from = index;
        }
      }
    } else if (answer) {
      // Without the details: suggestions found in the answer were accepted, the others settled.
      for (const suggestion of this.suggestions) suggestion.state = this.#find(suggestion) ? "accepted" : "rejected";
    }
    this.initial = JSON.stringify(this.value());
  }

  // ---- reading ---------------------------------------------------------------------------------
  /** True when the selection is not empty (it may still hold only spaces). */
  hasSelection() {
    return this.anchor !== null && this.anchor !== this.caret;
  }

  /** The range a label key would turn into a span: [start, end] (UTF-16), or null. */
  selection() {
    if (!this.hasSelection()) return null;
    return normalizeRange(this.text, this.anchor, this.caret, this.tokens);
  }

  /**
   * Spans and pending suggestions in reading order, as focus targets (one array per version of
   * the document: do not change it). @returns {Focus[]}
   */
  items() {
    if (this.#items[0] === this.version) return this.#items[1];
    const items = [
      ...this.spans.map((item) => ({ kind: "span", item })),
      ...this.pending().map((item) => ({ kind: "suggestion", item })),
    ];
    items.sort((a, b) => a.item.start - b.item.start || a.item.end - b.item.end);
    this.#items = [this.version, items];
    return items;
  }

  /** Suggestions not yet accepted or rejected, in reading order. */
  pending() {
    return this.suggestions.filter((s) => s.state === "pending").sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** The innermost span or pending suggestion covering UTF-16 offset `offset`, or null. */
  itemAt(offset) {
    let best = null;
    for (const focus of this.items()) {
      const { start, end } = focus.item;
      if (start > offset) break;
      if (offset < end && (!best || end - start < best.item.end - best.item.start)) best = focus;
    }
    return best;
  }

  /** The answer: spans in code points, sorted by start, end and label, without duplicates. */
  value() {
    return this.spans.map(({ start, end, label }) => ({ start: this.map.toCodePoint(start), end: this.map.toCodePoint(end), label }));
  }

  /** True when the spans differ from the answer the item was opened with. */
  changed() {
    if (this.#changedAt[0] !== this.version) this.#changedAt = [this.version, JSON.stringify(this.value()) !== this.initial];
    return this.#changedAt[1];
  }

  /**
   * What the answer records about the suggestions (null when there were none): where they came
   * from, the suggested spans (code points) and, by index, which were accepted as they were,
   * accepted then edited, rejected (or deleted after accepting), or ignored (left pending).
   */
  meta() {
    if (!this.suggestions.length) return null;
    const decisions = { accepted: [], edited: [], rejected: [], ignored: [] };
    for (const suggestion of this.suggestions) decisions[this.#decision(suggestion)].push(suggestion.index);
    const spans = this.suggestions.map(({ start, end, label }) => [this.map.toCodePoint(start), this.map.toCodePoint(end), label]);
    return { suggestions: { source: this.source, spans, ...decisions } };
  }

  /**
   * Drawing layers: 0 for a span no earlier span overlaps, 1 for one inside or across a layer-0
   * span, and so on (the fewest layers that keep overlapping spans apart).
   * @returns {Map<Span, number>}
   */
  layers() {
    const order = [...this.spans].sort((a, b) => a.start - b.start || b.end - a.end);
    const layers = new Map();
    let active = [];
    for (const span of order) {
      active = active.filter((other) => other.end > span.start);
      const used = new Set(active.map((other) => layers.get(other)));
      let layer = 0;
      while (used.has(layer)) layer += 1;
      layers.set(span, layer);
      active.push(span);
    }
    return layers;
  }

  /** Short text naming a span or suggestion: “excerpt” (LABEL). */
  describe(item) {
    let excerpt = this.text.slice(item.start, item.end).replace(/\s+/g, " ");
    if (excerpt.length > EXCERPT) excerpt = `${excerpt.slice(0, graphemeFloor(excerpt, EXCERPT - 1))}…`;
    return `“${excerpt}” (${item.label})`;
  }

  // ---- caret and selection ---------------------------------------------------------------------
  /**
   * Move the caret by one grapheme cluster ("char") or word ("word"; a token when the task
   * has tokens), left (-1) or right (+1); `extend` grows the selection instead.
   */
  moveCaret(unit, direction, extend = false) {
    if (!extend && this.hasSelection()) {
      // Like a text field: the first move without Shift collapses the selection to that side.
      this.setCaret(direction < 0 ? Math.min(this.anchor, this.caret) : Math.max(this.anchor, this.caret));
      return;
    }
    const { text, caret, tokens } = this;
    let to;
    if (unit === "word") to = direction < 0 ? prevWordStart(text, caret, tokens) : nextWordEnd(text, caret, tokens);
    else to = direction < 0 ? prevGrapheme(text, caret) : nextGrapheme(text, caret);
    this.setCaret(to, extend);
  }

  /** Put the caret at UTF-16 offset `offset` (snapped to a grapheme start); `extend` selects. */
  setCaret(offset, extend = false) {
    const at = graphemeFloor(this.text, Math.max(0, Math.min(offset, this.text.length)));
    if (extend && this.anchor === null) this.anchor = this.caret;
    if (!extend) this.anchor = null;
    this.caret = at;
    this.focus = null;
    this.notice = null;
  }

  /** Select what a mouse selection covered (UTF-16); the normalised range is what is kept. */
  selectRange(start, end) {
    this.focus = null;
    const range = normalizeRange(this.text, start, end, this.tokens);
    if (!range) {
      this.setCaret(Math.min(start, end));
      this.notice = this.#emptyReason();
      return false;
    }
    [this.anchor, this.caret] = range;
    this.notice = null;
    return true;
  }

  /** Select the word (token) at UTF-16 offset `offset`, as a double click does. */
  selectWord(offset) {
    const [start, end] = wordAt(this.text, offset, this.tokens);
    return this.selectRange(start, end);
  }

  /** A click at UTF-16 offset `offset`: focus the span or suggestion there, or place the caret. */
  clickAt(offset) {
    const hit = this.itemAt(offset);
    if (hit) this.focusItem(hit);
    else this.setCaret(offset);
  }

  /** Focus the next (+1) or previous (-1) span or pending suggestion, wrapping around. */
  focusNext(direction) {
    const items = this.items();
    if (!items.length) {
      this.notice = "There are no spans or suggestions in this item yet.";
      return false;
    }
    let k;
    if (this.focus) k = items.findIndex((focus) => focus.item === this.focus.item) + direction;
    else if (direction > 0) k = items.findIndex((focus) => focus.item.start >= this.caret);
    else k = items.findLastIndex((focus) => focus.item.start < this.caret);
    if (k === -1 && !this.focus) k = direction > 0 ? 0 : items.length - 1;
    this.focusItem(items[(k + items.length) % items.length]);
    return true;
  }

  /** Focus a span or suggestion: label keys, Delete and Space now act on it. */
  focusItem(focus) {
    this.focus = focus;
    this.caret = focus.item.start;
    this.anchor = null;
    this.notice = null;
  }

  /** Drop the selection and the focus; false when there was neither. */
  clearSelection() {
    if (!this.focus && this.anchor === null) return false;
    this.focus = null;
    this.anchor = null;
    this.notice = null;
    return true;
  }

  // ---- editing ---------------------------------------------------------------------------------
  /**
   * A label key: label the selection, relabel the focused span, or accept the focused suggestion
   * with this label. Returns true when the spans changed.
   */
  applyLabel(label) {
    this.notice = null;
    if (this.focus && this.focus.kind === "suggestion") return this.accept(this.focus.item, label);
    if (this.focus) return this.relabel(this.focus.item, label);
    const range = this.selection();
    if (!range) {
      this.notice = this.hasSelection() ? this.#emptyReason() : "Select some text first: drag over it, double-click a word, or hold Shift and move with the arrow keys.";
      return false;
    }
    let span = this.#make(range[0], range[1], label, null);
    const existing = this.#find(span);
    if (existing) {
      this.focusItem({ kind: "span", item: existing });
      this.notice = `${this.describe(existing)} is already labeled.`;
      return false;
    }
    const removed = this.overlap ? [] : this.#conflicts(span);
    // Reselecting over one accepted suggestion changes its extent: the new span is that
    // suggestion, edited (not a rejection of it and a span from nowhere).
    const resized = removed.filter((other) => other.from !== null);
    if (resized.length === 1) span = this.#make(span.start, span.end, label, resized[0].from);
    this.#commit({ added: [span], removed });
    this.focus = { kind: "span", item: span };
    this.anchor = null;
    this.caret = span.end;
    if (removed.length) this.notice = `Replaced ${removed.map((s) => this.describe(s)).join(", ")}: spans may not overlap in this task.`;
    return true;
  }

  /** Give a span another label (it keeps its extent and the suggestion it came from). */
  relabel(span, label) {
    if (span.label === label) return false;
    const renamed = this.#make(span.start, span.end, label, span.from);
    const twin = this.#find(renamed);
    if (twin) this.#commit({ added: [], removed: [span] });
    else this.#commit({ added: [renamed], removed: [span] });
    this.focus = { kind: "span", item: twin || renamed };
    return true;
  }

  /** Delete the focused span, or reject the focused suggestion. */
  deleteFocused() {
    if (!this.focus) {
      this.notice = "Nothing to delete: click a span, or press ] to go to the next one.";
      return false;
    }
    if (this.focus.kind === "suggestion") return this.reject(this.focus.item);
    const span = this.focus.item;
    this.#commit({ added: [], removed: [span] });
    this.focus = null;
    this.caret = span.start;
    this.notice = `Deleted ${this.describe(span)}.`;
    return true;
  }

  /** Accept the focused suggestion with its own label (Space). */
  acceptFocused() {
    if (!this.focus || this.focus.kind !== "suggestion") {
      this.notice = "No suggestion is selected: press ] to go to the next one.";
      return false;
    }
    return this.accept(this.focus.item);
  }

  /** Accept one suggestion (optionally with another label); then focus the next pending one. */
  accept(suggestion, label = suggestion.label) {
    const span = this.#make(suggestion.start, suggestion.end, label, suggestion.index);
    const existing = this.#find(span);
    const removed = existing ? [existing] : this.overlap ? [] : this.#conflicts(span);
    this.#commit({ added: [span], removed, states: [[suggestion, "accepted"]] });
    if (removed.length && !existing) this.notice = `Replaced ${removed.map((s) => this.describe(s)).join(", ")}: spans may not overlap in this task.`;
    this.#focusAfter(span);
    return true;
  }

  /** Reject one suggestion; then focus the next pending one. */
  reject(suggestion) {
    this.#commit({ added: [], removed: [], states: [[suggestion, "rejected"]] });
    this.notice = `Rejected the suggestion ${this.describe(suggestion)}.`;
    this.#focusAfter(suggestion);
    return true;
  }

  /**
   * Accept every pending suggestion that fits (one undoable step). Without overlap, those that
   * would overlap a span stay pending. Returns how many were accepted.
   */
  acceptAll() {
    const added = [];
    const states = [];
    const left = [];
    for (const suggestion of this.pending()) {
      const span = this.#make(suggestion.start, suggestion.end, suggestion.label, suggestion.index);
      const clash = !this.overlap && (this.#conflicts(span).length || added.some((other) => overlaps(other, span)));
      if (this.#find(span)) states.push([suggestion, "accepted"]);
      else if (clash) left.push(suggestion);
      else {
        added.push(span);
        states.push([suggestion, "accepted"]);
      }
    }
    if (!states.length) return 0;
    this.#commit({ added, removed: [], states });
    this.focus = null;
    this.anchor = null;
    this.notice = `Accepted ${plural(states.length, "suggestion")}.`;
    if (left.length) {
      this.notice += ` ${plural(left.length, "suggestion")} would overlap other spans and ${left.length === 1 ? "is" : "are"} left: accept (Space) or reject (Delete) ${left.length === 1 ? "it" : "them"} with ], or press Enter to submit without.`;
    }
    return states.length;
  }

  /** Undo the last edit of this item; false when there is none. */
  undo() {
    const step = this.#history.pop();
    if (!step) return false;
    for (const span of step.added) this.#remove(span);
    for (const span of step.removed) this.#insert(span);
    for (const [suggestion, state] of step.before) suggestion.state = state;
    this.version += 1;
    this.focus = null;
    this.anchor = null;
    this.notice = "Undone.";
    return true;
  }

  /** True when there is an edit of this item to undo. */
  canUndo() {
    return this.#history.length > 0;
  }

  // ---- internals -------------------------------------------------------------------------------
  #make(start, end, label, from) {
    return { id: this.#nextId++, start, end, label, from };
  }

  #commit({ added, removed, states = [] }) {
    const before = states.map(([suggestion]) => [suggestion, suggestion.state]);
    for (const span of removed) this.#remove(span);
    for (const span of added) this.#insert(span);
    for (const [suggestion, state] of states) suggestion.state = state;
    this.#history.push({ added, removed, before });
    this.version += 1;
  }

  #insert(span) {
    const at = this.#lowerBound(span);
    if (at < this.spans.length && compare(this.spans[at], span) === 0) return;
    this.spans.splice(at, 0, span);
  }

  #remove(span) {
    let at = this.#lowerBound(span);
    while (at < this.spans.length && this.spans[at] !== span && compare(this.spans[at], span) === 0) at += 1;
    if (this.spans[at] === span) this.spans.splice(at, 1);
  }

  /** The span with the same start, end and label, if any. */
  #find(span) {
    const at = this.#lowerBound(span);
    return at < this.spans.length && compare(this.spans[at], span) === 0 ? this.spans[at] : null;
  }

  /** Where `span` goes in the sorted spans: the first index not before it. */
  #lowerBound(span) {
    const spans = this.spans;
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(spans[mid], span) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #conflicts(span) {
    const found = [];
    for (const other of this.spans) {
      if (other.start >= span.end) break;
      if (overlaps(other, span)) found.push(other);
    }
    return found;
  }

  #focusAfter(item) {
    const next = this.pending().find((s) => s.start > item.start || (s.start === item.start && s.end > item.end)) || this.pending()[0];
    this.anchor = null;
    if (next) this.focusItem({ kind: "suggestion", item: next });
    else {
      this.focus = null;
      this.caret = item.end;
    }
  }

  #decision(suggestion) {
    if (suggestion.state === "pending") return "ignored";
    if (suggestion.state === "rejected") return "rejected";
    if (this.#find(suggestion)) return "accepted";
    return this.spans.some((span) => span.from === suggestion.index) ? "edited" : "rejected";
  }

  #emptyReason() {
    return this.tokens ? "The selection touches no token: select a word." : "The selection holds only spaces.";
  }
}

function overlaps(a, b) {
  return a.start < b.end && b.start < a.end;
}

function compare(a, b) {
  if (a.start !== b.start) return a.start - b.start;
  if (a.end !== b.end) return a.end - b.end;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
