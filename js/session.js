// The browser half of the item-window protocol, free of any DOM so it runs (and is tested) in Node.
//
// The session holds a list of slots: the annotator's recent history followed by the upcoming items
// the kernel has sent. A keypress changes the session at once (the next item is already here);
// the answer goes to the kernel as a message and stays "pending" until the kernel acknowledges it
// (it is on disk) or rejects it (the item comes back, with the reason). Kernel messages are
// described in nblabel/_session.py.

/**
 * An answer; `meta` (present only when the view recorded details) is what it sent with it.
 * @typedef {{event: "label"|"skip", value: any, flag: string|null, comment: string|null, meta?: object}} Answer
 */
/**
 * The current item's answer in progress. `selected` serves multi-label views; `value` is free for
 * views whose answer is built up over several keys (spans, rankings), seeded from the answer.
 * @typedef {{flag: boolean, comment: string|null, selected: any[], value: any}} Draft
 */

export class LabelSession {
  /**
   * @param {object} options
   * @param {(message: object) => void} options.send  sends a message to the kernel
   * @param {() => number} [options.now]  clock in milliseconds (for time on item)
   * @param {number} [options.historyLimit]  answered slots kept for back navigation
   */
  constructor({ send, now = () => Date.now(), historyLimit = 200 }) {
    this.send = send;
    this.now = now;
    this.historyLimit = historyLimit;
    this.slots = [];
    this.cursor = 0;
    this.exhausted = false;
    this.ready = false;
    this.notice = null;
    this.pending = new Map();
    this.nextRequest = 1;
    this.version = 0;
    this.shownAt = now();
  }

  // ---- reading ---------------------------------------------------------------------------------
  /** The slot on screen, or null on the done / waiting / loading screens. */
  current() {
    return this.cursor < this.slots.length ? this.slots[this.cursor] : null;
  }

  /** Which screen to show: "loading", "item", "waiting" (for the kernel) or "done". */
  screen() {
    if (!this.ready) return "loading";
    if (this.cursor < this.slots.length) return "item";
    return this.exhausted ? "done" : "waiting";
  }

  /** Answers and undos sent but not yet acknowledged. */
  pendingCount() {
    return this.pending.size;
  }

  /** Milliseconds the oldest unacknowledged request has waited (0 when none). */
  oldestPendingAge() {
    let oldest = Infinity;
    for (const request of this.pending.values()) oldest = Math.min(oldest, request.sentAt);
    return oldest === Infinity ? 0 : this.now() - oldest;
  }

  /** Slots answered in the browser whose answer the kernel has not yet acknowledged. */
  pendingNewAnswers() {
    let count = 0;
    for (const request of this.pending.values()) if (request.kind === "answer" && !request.previous) count += 1;
    return count;
  }

  /** The current slot's draft (flag, comment, multi-label selection), created on first use. */
  draft() {
    const slot = this.current();
    if (!slot) return null;
    if (!slot.draft) {
      const answer = slot.answer;
      slot.draft = {
        flag: Boolean(answer && answer.flag),
        comment: answer ? answer.comment : null,
        selected: answer && answer.event === "label" && Array.isArray(answer.value) ? [...answer.value] : [],
        value: answer && answer.event === "label" ? structuredClone(answer.value) : null,
      };
    }
    return slot.draft;
  }

  // ---- actions ---------------------------------------------------------------------------------
  /**
   * Answer the current item with `value`, then move to the next one. `meta` holds details the
   * task's view records with the answer (checked by the task in the kernel), or null; `fields`
   * adds session-level fields to the message (e.g. `picked` when adjudicating).
   */
  answer(value, meta = null, fields = {}) {
    return this.#submit("label", value, meta, fields);
  }

  /** Skip the current item (it counts as handled, without a label), then move on. */
  skip() {
    return this.#submit("skip", null);
  }

  /** Go to the previous item. */
  back() {
    if (this.cursor === 0) return false;
    this.#moveTo(this.cursor - 1);
    return true;
  }

  /** Go to the next item, if the current one is answered (unanswered ones are answered or skipped). */
  forward() {
    const slot = this.current();
    if (!slot || !slot.answer) return false;
    this.#moveTo(this.cursor + 1);
    return true;
  }

  /** Undo: retract the current item's answer, or else the previous item's (and go back to it). */
  undo() {
    let index = this.cursor;
    if (!this.current() || !this.current().answer) index = this.cursor - 1;
    if (index < 0 || !this.slots[index].answer) return false;
    const slot = this.slots[index];
    const req = this.#request({ kind: "retract", pos: slot.pos, previous: slot.answer });
    slot.answer = null;
    slot.draft = null;
    slot.status = "pending";
    slot.reason = null;
    this.#moveTo(index);
    this.send({ kind: "retract", req, pos: slot.pos });
    return true;
  }

  /** Toggle the "unsure" flag of the current item's draft. */
  toggleFlag() {
    const draft = this.draft();
    if (!draft) return false;
    draft.flag = !draft.flag;
    this.#changed();
    return true;
  }

  /** Set the comment of the current item's draft (sent with its next answer). */
  setComment(text) {
    const draft = this.draft();
    if (!draft) return false;
    draft.comment = text ? String(text) : null;
    this.#changed();
    return true;
  }

  /** Toggle `value` in the current multi-label draft. */
  toggleSelected(value) {
    const draft = this.draft();
    if (!draft) return false;
    const at = draft.selected.indexOf(value);
    if (at >= 0) draft.selected.splice(at, 1);
    else draft.selected.push(value);
    this.#changed();
    return true;
  }

  /** True when the draft's flag or comment differ from the stored answer's. */
  draftChanged() {
    const slot = this.current();
    if (!slot || !slot.draft || !slot.answer) return false;
    return slot.draft.flag !== Boolean(slot.answer.flag) || (slot.draft.comment || null) !== (slot.answer.comment || null);
  }

  // ---- messages from the kernel ----------------------------------------------------------------
  /**
   * Apply a kernel message. Returns the slots dropped from the window (their resources can be
   * released).
   */
  receive(message) {
    const dropped = [];
    switch (message.kind) {
      case "snapshot":
        dropped.push(...this.slots);
        this.slots = [...message.history, ...message.upcoming].map(makeSlot);
        this.cursor = message.history.length;
        this.exhausted = Boolean(message.exhausted);
        this.pending.clear();
        this.ready = true;
        this.notice = null;
        this.shownAt = this.now();
        break;
      case "ack":
        this.#acknowledge(message);
        dropped.push(...this.#drop(message.drop || []));
        this.#append(message.append || [], message.exhausted);
        break;
      case "reject":
        this.#reject(message);
        break;
      case "update": {
        const slot = this.#slot(message.pos);
        if (slot && !this.#awaiting(slot.pos)) {
          slot.answer = message.answer;
          slot.draft = null;
          slot.status = message.answer ? "acked" : null;
        }
        break;
      }
      case "append":
        dropped.push(...this.#drop(message.drop || []));
        this.#append(message.items || [], message.exhausted);
        break;
      default:
        return dropped;
    }
    dropped.push(...this.#trim());
    this.#changed();
    return dropped;
  }

  // ---- internals -------------------------------------------------------------------------------
  #submit(event, value, meta = null, fields = {}) {
    const slot = this.current();
    if (!slot) return false;
    const draft = this.draft();
    const answer = { event, value, flag: draft.flag ? "unsure" : null, comment: draft.comment || null };
    if (meta !== null) answer.meta = meta;
    const req = this.#request({ kind: "answer", pos: slot.pos, previous: slot.answer });
    const duration = Math.max(0, Math.round(this.now() - this.shownAt));
    slot.answer = answer;
    slot.status = "pending";
    slot.reason = null;
    slot.draft = null;
    this.notice = null;
    const message = { ...fields, kind: "answer", req, pos: slot.pos, event, value, flag: Boolean(answer.flag), comment: answer.comment, duration_ms: duration };
    if (meta !== null) message.meta = meta;
    this.send(message);
    this.#moveTo(this.cursor + 1);
    return true;
  }

  #request(details) {
    const req = `r${this.nextRequest++}`;
    this.pending.set(req, { ...details, sentAt: this.now() });
    return req;
  }

  #acknowledge(message) {
    const mine = this.pending.get(message.req);
    this.pending.delete(message.req);
    const slot = this.#slot(message.pos);
    if (!slot) return;
    if (mine) {
      if (!this.#awaiting(slot.pos)) {
        slot.answer = message.answer;
        slot.status = message.answer ? "acked" : null;
      }
      return;
    }
    // Another view of this annotator answered: follow it, and move on if it was on screen here.
    if (this.#awaiting(slot.pos)) return;
    slot.answer = message.answer;
    slot.draft = null;
    slot.status = message.answer ? "acked" : null;
    if (message.answer && this.current() === slot) this.#moveTo(this.cursor + 1);
  }

  #reject(message) {
    const request = this.pending.get(message.req);
    this.pending.delete(message.req);
    const slot = this.#slot(message.pos);
    this.notice = `Not saved: ${message.reason}`;
    if (!slot || !request) return;
    slot.answer = request.previous || null;
    slot.status = "rejected";
    slot.reason = message.reason;
    slot.draft = null;
    this.#moveTo(this.slots.indexOf(slot));
  }

  #append(items, exhausted) {
    for (const item of items) {
      if (!this.#slot(item.pos)) this.slots.push(makeSlot(item));
    }
    if (exhausted !== undefined) this.exhausted = Boolean(exhausted);
  }

  /** Take the kernel's dropped items out of the window, except one on screen or answered. */
  #drop(positions) {
    if (!positions.length) return [];
    const gone = new Set(positions);
    const keep = (slot, index) => index <= this.cursor || !gone.has(slot.pos) || slot.answer || this.#awaiting(slot.pos);
    const dropped = this.slots.filter((slot, index) => !keep(slot, index));
    this.slots = this.slots.filter(keep);
    return dropped;
  }

  #trim() {
    const excess = this.cursor - this.historyLimit;
    if (excess <= 0) return [];
    if (this.slots.slice(0, excess).some((slot) => this.#awaiting(slot.pos))) return [];
    const dropped = this.slots.splice(0, excess);
    this.cursor -= excess;
    return dropped;
  }

  #awaiting(pos) {
    for (const request of this.pending.values()) if (request.pos === pos) return true;
    return false;
  }

  #slot(pos) {
    return this.slots.find((slot) => slot.pos === pos) || null;
  }

  #moveTo(index) {
    this.cursor = Math.max(0, Math.min(index, this.slots.length));
    this.shownAt = this.now();
    this.#changed();
  }

  #changed() {
    this.version += 1;
  }
}

function makeSlot(item) {
  // Everything the kernel sent about the item (view, teach, review, …) plus the session's state.
  return { ...item, teach: item.teach || null, answer: item.answer || null, status: item.answer ? "acked" : null, reason: null, draft: null };
}

/** Text shown for an item id as encoded by the kernel (JSON: a number, a string or {ts}). */
export function displayItemId(encoded) {
  try {
    const value = JSON.parse(encoded);
    if (value && typeof value === "object" && "ts" in value) return String(value.ts);
    return String(value);
  } catch {
    return String(encoded);
  }
}
