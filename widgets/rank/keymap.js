// The keys of the ranking view, per task: what each does, which buttons show them and what the
// legend lists. DOM-free (unit-tested in Node). The shared actions (back, forward, undo, skip,
// unsure, comment, guidelines) keep their keys; nothing here takes one of them.

import { keyRange, ratingLevels } from "./rating.js";

/**
 * The key map of a ranking task.
 * @param {object} task  the task as plain data (options, keys, ties, rating, partial)
 * @returns {{pairwise: boolean, actions: Map<string, {action: string, position?: number}>,
 *   buttons: {action: string, key: string, text: string}[], legend: string[][]}}
 *   `position` is an index into the options as shown; `buttons` are the view's action buttons in
 *   display order (with the key they show); `legend` holds [keys, what they do] for keys no
 *   button shows
 */
export function rankKeymap(task) {
  const pairwise = task.options.length === 2;
  const levels = ratingLevels(task.rating);
  const actions = new Map();
  const buttons = [];
  const legend = [];
  const bind = (key, action, extra = {}) => actions.set(key, { action, ...extra });
  const button = (key, action, text) => {
    bind(key, action);
    buttons.push({ action, key, text });
  };
  const optionKeys = [];
  task.keys.forEach((key, position) => {
    if (key === null || key === undefined) return;
    bind(key, pairwise ? "prefer" : "select", { position });
    optionKeys.push(key);
  });
  if (pairwise) {
    if (task.ties) {
      button("t", "tie", "tie");
      button("x", "bad", "both bad");
    }
    if (levels) button("r", "rate", "rate");
    button("d", "diff", "differences");
    bind("ArrowUp", "scrollUp");
    bind("ArrowDown", "scrollDown");
    legend.push(["↑ ↓", "scroll both"], ["Enter", "keep answer"]);
    bind("Enter", "submit");
  } else {
    button("ArrowUp", "up", "up");
    button("ArrowDown", "down", "down");
    if (task.ties) {
      button("t", "tie", "tie with above");
      button("T", "untie", "untie");
      button("x", "bad", "all bad");
    }
    if (task.partial) button("o", "out", "leave out / put back");
    if (levels) button("r", "rate", "rate");
    button("e", "expand", "expand texts");
    button("Enter", "submit", "submit ranking");
    bind("j", "next");
    bind("k", "previous");
    if (optionKeys.length) legend.push([optionKeys.length > 1 ? `${optionKeys[0]}–${optionKeys[optionKeys.length - 1]}` : optionKeys[0], "select an option"]);
    legend.push(["j k", "select next / previous"]);
  }
  if (levels) legend.push([keyRange(levels), "after r: rate each option in turn (Del clears, Esc stops)"]);
  return { pairwise, actions, buttons, legend };
}
