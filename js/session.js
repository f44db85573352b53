// The browser half of the item-window protocol, free of any DOM so it runs (and is tested) in Node.
//
// The session holds a list of slots: the annotator's recent history followed by the upcoming items
// the kernel has sent. A keypress changes the session at once (the next item is already here);
// the answer goes to the kernel as a message and stays "pending" until the kernel acknowledges it
// (it is on disk) or rejects it (the item comes back, with the reason). Kernel messages are
// described in nblabel/session/protocol.py.
//
// Every answer says which state of its item it replaces (`based_on`: the newest event of this
// annotator on the item the view knows, from the item, then from acks and updates); the kernel
// refuses one based on a state it has not shown ("stale"), and the current answer follows.

import { answerOf, citedPassage, sameStored } from "./answers.js";

/**
 * An answer; `meta` (present only when the view recorded details) is what it sent with it.
 * @typedef {{event: "label"|"skip", value: any, flag: string|null, comment: string|null, meta?: object}} Answer
 */
/**
 * The current item's answer in progress. `selected` serves multi-label views; `value` is free for
 * views whose answer is built up over several keys (spans, rankings), seeded from the answer.
 * @typedef {{flag: boolean, comment: string|null, passage: string|null, selected: any[], value: any}} Draft
 */
/**
 * A request the kernel has not answered yet: what was sent (`message`, without `req`), for
 * which item (`item`: its encoded id), the answer the view shows meanwhile (null for an undo)
 * and the one it replaced (`previous`).
 * @typedef {{kind: "answer"|"retract", pos: number, item: string, message: object,
 *   answer: Answer|null, previous: Answer|null, sentAt: number}} Request
 */

export class LabelSession {
  /**
   * @param {object} options
   * @param {(message: object) => void} options.send  sends a message to the kernel
   * @param {() => number} [options.now]  clock in milliseconds (for time on item)
   * @param {number} [options.historyLimit]  answered slots kept for back navigation
   * @param {string} [options.requestPrefix]  starts every request id: views of one annotator
   *   hear each other's acks, so each view's ids must be its own
   */
  constructor({ send, now = () => Date.now(), historyLimit = 200, requestPrefix = "r" }) {
    this.send = send;
    this.requestPrefix = requestPrefix;
    this.now = now;
    this.historyLimit = historyLimit;
    this.slots = [];
    this.cursor = 0;
    this.exhausted = false;
    this.ready = false;
    this.notice = null;
    /** Why answers can no longer be sent (the kernel is gone), or null. */
    this.lost = null;
    /** @type {Map<string, Request>} */
    this.pending = new Map();
    this.nextRequest = 1;
    this.version = 0;
    this.shownAt = now();
    this.onScreen = null;
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

  /** The requests the kernel has not answered, oldest first. @returns {Request[]} */
  unconfirmed() {
    return [...this.pending.values()];
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
        passage: citedPassage(answer),
        selected: answer && answer.event === "label" && Array.isArray(answer.value) ? [...answer.value] : [],
        value: answer && answer.event === "label" ? structuredClone(answer.value) : null,
      };
    }
    return slot.draft;
  }

  // ---- what is on screen -----------------------------------------------------------------------
  /** Note that the screen now shows the session as it is (the view calls this after drawing). */
  shown() {
    const slot = this.current();
    this.onScreen = { screen: this.screen(), slot, revision: slot ? slot.revision : 0 };
  }

  /**
   * Whether the screen shows the session as it is. A kernel message (more items, a refusal, an
   * answer given elsewhere) changes the session before the next frame draws it: until then, keys
   * and clicks must not act, or they would answer an item nobody has seen.
   */
  inStep() {
    const seen = this.onScreen;
    if (!seen || seen.screen !== this.screen() || seen.slot !== this.current()) return false;
    return !seen.slot || seen.revision === seen.slot.revision;
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
    if (index < 0 || !this.slots[index].answer || this.#refuseWhenLost()) return false;
    const slot = this.slots[index];
    const message = { kind: "retract", pos: slot.pos, based_on: slot.based_on };
    const req = this.#request(slot, message, null);
    slot.answer = null;
    slot.draft = null;
    slot.status = "pending";
    slot.reason = null;
    slot.stale = false;
    this.#moveTo(index);
    this.send({ ...message, req });
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

  /**
   * Set the guideline passage the current item's decision cites, by its heading (null: none);
   * sent with its next answer. Only a reviewer's view offers it: the kernel refuses it elsewhere.
   */
  setPassage(heading) {
    const draft = this.draft();
    if (!draft) return false;
    draft.passage = heading ? String(heading) : null;
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

  /** True when the draft's flag, comment or cited passage differ from the stored answer's. */
  draftChanged() {
    const slot = this.current();
    if (!slot || !slot.draft || !slot.answer) return false;
    const { draft, answer } = slot;
    return draft.flag !== Boolean(answer.flag) || (draft.comment || null) !== (answer.comment || null) || (draft.passage || null) !== citedPassage(answer);
  }

  /** Show `text` above the item (until the next answer); returns true. */
  say(text) {
    this.notice = text;
    this.#changed();
    return true;
  }

  // ---- a lost kernel -----------------------------------------------------------------------------
  /**
   * The kernel is gone (`reason` says how): nothing more can be saved through this view. Returns
   * the requests it never answered; their items say so.
   */
  lose(reason) {
    if (this.lost) return [];
    this.lost = reason;
    const unsaved = this.unconfirmed();
    this.pending.clear();
    for (const request of unsaved) {
      const slot = this.#slot(request.pos);
      if (slot) slot.status = "lost";
    }
    this.#changed();
    return unsaved;
  }

  /**
   * Send again what an earlier view could not get saved: `kept` requests ({message, item}),
   * each with the `based_on` it had then, so one that another view has answered since is
   * refused as stale. The view moves past the items they answer.
   */
  resubmit(kept) {
    if (this.#refuseWhenLost()) return false;
    for (const { message, item } of kept) {
      const slot = this.#slot(message.pos);
      const answer = message.kind === "answer" ? answerOf(message) : null;
      const req = this.#request(slot || { pos: message.pos, id: item, answer: null }, message, answer);
      if (slot) Object.assign(slot, { answer, status: "pending", reason: null, stale: false, draft: null });
      this.send({ ...message, req, item });
    }
    let index = this.cursor;
    while (index < this.slots.length && this.slots[index].answer) index += 1;
    this.#moveTo(index);
    return true;
  }

  /** Whether what `kept` asked for is what the window knows of its item now: saved after all. */
  alreadySaved({ message }) {
    const slot = this.#slot(message.pos);
    if (!slot || slot.known.basedOn <= (message.based_on || 0)) return false;
    const known = slot.known.answer;
    if (message.kind === "retract") return known === null;
    return Boolean(known) && sameStored(known, answerOf(message));
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
        if (slot && this.#learn(slot, message.answer, message.based_on) && !this.#awaiting(slot.pos)) this.#showKnown(slot);
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
    if (!slot || this.#refuseWhenLost()) return false;
    const draft = this.draft();
    const answer = { event, value, flag: draft.flag ? "unsure" : null, comment: draft.comment || null };
    if (meta !== null) answer.meta = meta;
    const duration = Math.max(0, Math.round(this.now() - this.shownAt));
    const message = { ...fields, kind: "answer", pos: slot.pos, event, value, flag: Boolean(answer.flag), comment: answer.comment, duration_ms: duration, based_on: slot.based_on };
    if (meta !== null) message.meta = meta;
    // A decision cites the passage by its heading; the kernel stores the passage itself.
    if (event === "label" && draft.passage) {
      message.passage = draft.passage;
      answer.meta = { ...(answer.meta || {}), passage: { heading: draft.passage } };
    }
    const req = this.#request(slot, message, answer);
    slot.answer = answer;
    slot.status = "pending";
    slot.reason = null;
    slot.stale = false;
    slot.draft = null;
    this.notice = null;
    this.send({ ...message, req });
    this.#moveTo(this.cursor + 1);
    return true;
  }

  #refuseWhenLost() {
    if (!this.lost) return false;
    this.notice = `Not saved: ${this.lost}. Run the cell again to go on.`;
    this.#changed();
    return true;
  }

  #request(slot, message, answer) {
    const req = `${this.requestPrefix}${this.nextRequest++}`;
    this.pending.set(req, { kind: message.kind, pos: slot.pos, item: slot.id, message, answer, previous: slot.answer, sentAt: this.now() });
    return req;
  }

  /** Take in what the kernel says the item's answer is; true when it is the newest known. */
  #learn(slot, answer, basedOn) {
    const id = Number(basedOn) || 0;
    if (id < slot.known.basedOn) return false;
    slot.known = { answer: answer || null, basedOn: id };
    return true;
  }

  /** Show the newest answer the kernel gave for the item, and base the next answer on it. */
  #showKnown(slot, { keepDraft = false } = {}) {
    const { answer, basedOn } = slot.known;
    if (JSON.stringify(answer) !== JSON.stringify(slot.answer)) {
      slot.revision += 1;
      if (!keepDraft) slot.draft = null;
    }
    slot.answer = answer;
    slot.based_on = basedOn;
    slot.status = answer ? "acked" : null;
  }

  #acknowledge(message) {
    const mine = this.pending.get(message.req);
    this.pending.delete(message.req);
    const slot = this.#slot(message.pos);
    if (!slot) return;
    this.#learn(slot, message.answer, message.event_id);
    if (this.#awaiting(slot.pos)) return;
    this.#showKnown(slot, { keepDraft: Boolean(mine) });
    // Another view of this annotator answered: move on if the item was on screen here.
    if (!mine && slot.answer && this.current() === slot) this.#moveTo(this.cursor + 1);
  }

  #reject(message) {
    const request = this.pending.get(message.req);
    this.pending.delete(message.req);
    const slot = this.#slot(message.pos);
    this.notice = `Not saved: ${String(message.reason).replace(/^not saved:\s*/i, "")}`;
    // A later answer to the item, still on its way, decides what the item shows.
    if (!slot || !request || this.#awaiting(slot.pos)) return;
    this.#showKnown(slot);
    slot.status = "rejected";
    slot.reason = message.reason;
    slot.stale = Boolean(message.stale);
    // The item comes back, unless the annotator is already looking further back.
    const index = this.slots.indexOf(slot);
    if (index < this.cursor) this.#moveTo(index);
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
  // Everything the kernel sent about the item (view, teach, review, problem…) plus the session's
  // state: the answer shown, the event it is based on, and the newest the kernel said it knows.
  const answer = item.answer || null;
  const basedOn = Number(item.based_on) || 0;
  return {
    ...item,
    teach: item.teach || null,
    answer,
    based_on: basedOn,
    known: { answer, basedOn },
    revision: 0,
    status: answer ? "acked" : null,
    reason: null,
    stale: false,
    draft: null,
  };
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
