// What the view says about answers that did not reach the kernel: those a lost kernel never
// saved (kept in the browser for the next view), those waiting too long for a reply (kept
// meanwhile), and, in a new view, those an earlier view kept, with a key and a button to submit
// them. Every answer is listed by item, so nothing shown as waiting is lost without being named.

import { h, setChildren, show } from "./dom.js";
import { displayItemId } from "./session.js";
import { UNCONFIRMED_MS } from "./status_text.js";
import { keptAnswers } from "./unsaved.js";

/** The key that submits the answers an earlier view kept (no task binds it: "s" is reserved). */
export const SUBMIT_KEPT_KEY = "S";

/**
 * The panel. `lost(requests)` reports what a lost kernel never saved; `tick()` keeps answers
 * that wait too long; `check()` (once the window arrived) looks for what earlier views kept;
 * `leave()` keeps what is still waiting when the view closes; `submit()` sends the kept answers.
 * @param {object} ctx  the shell's context (model, session, signal)
 * @param {(slot: object) => string} describe  the task view's text of an answer
 */
export function createUnsavedPanel({ model, session, signal }, describe) {
  const kept = openStorage(model.get("storage_key"), `v${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`);
  const title = h("div", { class: "nbl-unsaved-title" });
  const list = h("ul", { class: "nbl-unsaved-list" });
  const note = h("div", { class: "nbl-unsaved-note" });
  const announce = (event) => event.currentTarget.dispatchEvent(new CustomEvent("nbl-action", { bubbles: true }));
  const button = (children, act) => h("button", { class: "nbl-action", attrs: { type: "button", tabindex: "-1" }, on: { click: (event) => act() && announce(event) }, signal }, ...children);
  const buttons = h(
    "div",
    { class: "nbl-unsaved-actions" },
    button([h("kbd", { text: "⇧S" }), " submit them"], () => submit()),
    button(["discard them"], () => discard()),
  );
  const element = h("div", { class: "nbl-unsaved", attrs: { role: "alert" } }, title, list, note, buttons);
  show(element, false);
  let lostRecords = null; // what a lost kernel never saved
  let waiting = null; // answers waiting too long for the kernel, kept meanwhile
  let offered = []; // what earlier views kept: [{owner, record}]
  let checked = false;
  let refused = kept ? null : "this view has no storage key or the browser's storage is off";

  function describeRequest(request) {
    const slot = session.slots.find((other) => other.pos === request.pos);
    let what = "undo";
    if (request.answer) what = request.answer.event === "skip" ? "skipped" : describe(slot ? { ...slot, answer: request.answer } : { answer: request.answer });
    return `item ${displayItemId(request.item)}: ${what}`;
  }

  function keep(requests, gone) {
    const records = requests.map((request) => ({ message: request.message, item: request.item, text: describeRequest(request) }));
    if (kept) refused = kept.keep(records, gone);
    return records;
  }

  /** What the panel says now: a heading, the answers one per line, a note; null: nothing. */
  function wording() {
    const keptNote = (fallback) => (refused ? `They could not be kept in this browser (${refused}): note them down.` : fallback);
    if (session.lost) {
      const texts = lostRecords.map((record) => record.text);
      const reason = session.lost[0].toUpperCase() + session.lost.slice(1);
      if (!texts.length) return { heading: `${reason}: this view can no longer save answers.`, texts, note: "Run the cell again to go on." };
      return { heading: `${reason}: ${count(texts.length)} not saved.`, texts, note: keptNote("They are kept in this browser: run the cell again, and the new view offers to submit them.") };
    }
    if (waiting) {
      const seconds = Math.round(session.oldestPendingAge() / 1000);
      const note = keptNote("Kept in this browser until the kernel confirms them; if it was lost, the next view of this project offers to submit them.");
      return { heading: `No reply from the kernel for ${seconds} s: ${count(waiting.length)} not confirmed yet.`, texts: waiting.map((record) => record.text), note };
    }
    if (!offered.length) return null;
    const texts = offered.map(({ record }) => record.text || `item ${displayItemId(record.item)}`);
    const heading = `${count(texts.length)} from an earlier view of this project ${texts.length === 1 ? "was" : "were"} not saved (its kernel was lost, or it closed first):`;
    return { heading, texts, note: "Submitted, each is checked against what was saved since: one answered meanwhile elsewhere is refused.", offer: true };
  }

  function draw() {
    const now = wording();
    show(element, Boolean(now));
    if (!now) return;
    title.textContent = now.heading;
    note.textContent = now.note;
    setChildren(list, ...now.texts.map((text) => h("li", { text })));
    show(buttons, Boolean(now.offer));
  }

  function submit() {
    if (!offered.length || !session.resubmit(offered.map(({ record }) => record))) return false;
    refused = kept.forget(offered);
    offered = [];
    draw();
    return true;
  }

  function discard() {
    if (!offered.length) return false;
    refused = kept.forget(offered);
    offered = [];
    draw();
    return true;
  }

  return {
    element,

    lost(requests) {
      lostRecords = keep(requests, true);
      waiting = null;
      draw();
    },

    tick() {
      if (session.lost) return;
      if (session.oldestPendingAge() > UNCONFIRMED_MS) {
        waiting = keep(session.unconfirmed(), false);
        draw();
      } else if (waiting) {
        waiting = null;
        keep([], false);
        draw();
      }
    },

    check() {
      if (checked || !session.ready || !kept) return;
      checked = true;
      const found = kept.orphans();
      const saved = found.filter(({ record }) => session.alreadySaved(record));
      if (saved.length) refused = kept.forget(saved);
      offered = found.filter((entry) => !saved.includes(entry));
      draw();
    },

    leave() {
      if (session.lost || !kept) return;
      if (session.pendingCount()) keep(session.unconfirmed(), true);
      else if (waiting) keep([], false);
    },

    /** Runs the panel's key; true when it had something to do. */
    key(key) {
      return key === SUBMIT_KEPT_KEY && submit();
    },

    /** How many answers the lost kernel never saved. */
    lostCount() {
      return lostRecords ? lostRecords.length : 0;
    },
  };
}

function count(n) {
  return `${n} answer${n === 1 ? "" : "s"}`;
}

/** The kept answers of this storage key, or null when the browser's storage cannot be used. */
function openStorage(key, owner) {
  if (!key) return null;
  try {
    const storage = window.localStorage;
    return storage ? keptAnswers({ storage, key, owner }) : null;
  } catch {
    return null;
  }
}
