// Drawing a long option text screen first. On a keypress the next pair's texts are drawn only as
// far as fills their pane (with a margin), so the frame that shows them lays out and paints a
// screenful instead of the whole texts; the rest is appended once that frame is on screen. What
// the annotator sees is what drawing the whole text at once would show: the cut falls after white
// space below the fold, and never inside a highlighted run.
//
// How many characters fill a pane is learnt from what the last frame laid out (the drawn part's
// height against the pane's), read when the browser is idle after that frame, before the rest is
// appended: the layout is then up to date, so reading it costs nothing, and the rest is laid out
// by a later frame, off the keypress's path. The first text a pane shows is drawn whole.

/** Characters drawn first: the learnt screenful times this, plus `EXTRA` (a resize, a wider line). */
const MARGIN = 1.5;
const EXTRA = 200;

/**
 * Split a text's runs after about `budget` characters: `[first, rest]`, joined they give the runs
 * back. An unmarked run is cut after the first white space at or past the budget; a marked run
 * (a highlighted difference) is never cut. DOM-free.
 * @param {[string, boolean][]} runs  the text as [part, marked] runs
 * @param {number} budget  characters to draw first (Infinity: all)
 * @returns {[[string, boolean][], [string, boolean][]]}
 */
export function splitRuns(runs, budget) {
  let seen = 0;
  for (let i = 0; i < runs.length; i++) {
    const [part, marked] = runs[i];
    if (seen + part.length > budget && !marked) {
      const from = Math.max(0, budget - seen);
      const space = /\r\n|\s/u.exec(part.slice(from));
      if (space) {
        const cut = from + space.index + space[0].length;
        if (cut < part.length) {
          return [[...runs.slice(0, i), [part.slice(0, cut), false]], [[part.slice(cut), false], ...runs.slice(i + 1)]];
        }
      }
    }
    seen += part.length;
    if (seen >= budget && i + 1 < runs.length) return [runs.slice(0, i + 1), runs.slice(i + 1)];
  }
  return [runs, []];
}

/**
 * Draws texts into one scrolled pane, screen first.
 * @param {HTMLElement} element  the pane's text element (it scrolls)
 * @param {(part: string) => Node} marked  the node for a highlighted run
 * @param {AbortSignal} signal  cancels a pending rest
 */
export function createScreenfulPane(element, marked, signal) {
  let screenful = null; // characters that filled the pane last time it was measured
  let drawing = 0; // the latest draw; a rest left by an older one is dropped
  const nodes = (runs) => runs.map(([part, differs]) => (differs ? marked(part) : part));

  function measure(length) {
    const height = element.scrollHeight;
    const visible = element.clientHeight;
    if (length > 0 && height > visible && visible > 0) screenful = Math.ceil((length * visible) / height);
  }

  const lengthOf = (runs) => runs.reduce((sum, [part]) => sum + part.length, 0);

  return {
    /** Draw `runs` ([part, marked] pairs); the part below the fold follows after the frame. */
    draw(runs) {
      const mine = ++drawing;
      const budget = screenful === null ? Infinity : Math.ceil(screenful * MARGIN) + EXTRA;
      const [first, rest] = splitRuns(runs, budget);
      element.replaceChildren(...nodes(first));
      whenIdleAfterFrame({
        measure: () => mine === drawing && !signal.aborted && measure(lengthOf(first)),
        finish: () => mine === drawing && !signal.aborted && rest.length && element.append(...nodes(rest)),
      });
    },
  };
}

let waiting = []; // {measure, finish} steps for the next idle time, of every pane on the page

/**
 * Run a pane's steps when the browser is idle after the next frame (within half a second): every
 * waiting pane measures first, then every pane appends, so no measurement lays out another pane's
 * appended text.
 */
function whenIdleAfterFrame(steps) {
  waiting.push(steps);
  if (waiting.length > 1) return;
  requestAnimationFrame(() => {
    const run = () => {
      const due = waiting;
      waiting = [];
      for (const { measure } of due) measure();
      for (const { finish } of due) finish();
    };
    if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 0);
  });
}
