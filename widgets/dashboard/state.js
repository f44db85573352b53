// DOM-free logic of the dashboard: which panel states to draw, what a click selected, and the
// texts shown around the table of chosen items.

/**
 * Keep the panel states that are newer than those already taken, and note them as taken.
 * Messages may repeat (every view hears the answer to another view's hello) or come out of
 * order; a state is drawn once, and never after a newer one.
 * @param {Map<string, number>} taken  panel name -> version taken (updated in place)
 * @param {Array<{name: string, version: number}>} panels
 * @returns {Array<object>} the states to draw, in the order given
 */
export function freshPanels(taken, panels) {
  const fresh = [];
  for (const panel of panels || []) {
    if (!panel || typeof panel.name !== "string") continue;
    if (taken.has(panel.name) && taken.get(panel.name) >= panel.version) continue;
    taken.set(panel.name, panel.version);
    fresh.push(panel);
  }
  return fresh;
}

/**
 * The points of a Vega-Lite point selection, read from its store (the `<name>_store` dataset):
 * one object per clicked mark, mapping each projected field to its value.
 * @param {Array<{fields: Array<{field: string}>, values: Array<unknown>}>|null|undefined} store
 * @returns {Array<Record<string, unknown>>}
 */
export function pointsFromStore(store) {
  const points = [];
  for (const tuple of store || []) {
    const fields = (tuple && tuple.fields) || [];
    const values = (tuple && tuple.values) || [];
    const point = {};
    fields.forEach((field, index) => {
      point[field.field] = plain(values[index]);
    });
    if (fields.length) points.push(point);
  }
  return points;
}

/** Fewest pixels a widened plot keeps, however long its labels are (the panel then scrolls). */
export const MIN_PLOT_WIDTH = 160;

/**
 * The plot width that fills a panel: the room there is, less what the chart draws beside its
 * plot (axes, legend), never below MIN_PLOT_WIDTH; the current width while there is no room
 * yet (a panel not laid out).
 * @param {number} room  pixels available in the panel
 * @param {number} drawn  pixels the whole chart takes now
 * @param {number} plot  pixels its plot takes now
 * @returns {number}
 */
export function plotWidth(room, drawn, plot) {
  if (!(room > 0)) return plot;
  return Math.max(MIN_PLOT_WIDTH, Math.floor(room - (drawn - plot)));
}

/** A value as JSON carries it: dates as ISO strings, everything else as it is. */
function plain(value) {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * What the line under the buttons says after "Relabel these" / "Review these".
 * @param {{what?: string, items?: number, where?: string, error?: string}} opened
 * @returns {string}
 */
export function openedText(opened) {
  if (!opened || (!opened.what && !opened.error)) return "";
  if (opened.error) return opened.error;
  const doing = opened.what === "review" ? "Reviewing" : "Relabeling";
  const items = `${opened.items} item${opened.items === 1 ? "" : "s"}`;
  if (opened.where === "below") return `${doing} ${items} below.`;
  if (opened.where === "opened") return `${doing} ${items} in the widget your code shows.`;
  return `To start, show dash.view_for(dash.request) in a cell (in marimo: ` +
    `mo.ui.anywidget(dash.view_for(board.value["request"])), board being mo.ui.anywidget(dash)).`;
}

/**
 * The note under a table that shows only its first rows.
 * @param {number} total  rows in all
 * @param {number} shown  rows sent
 * @returns {string}
 */
export function tableFooter(total, shown) {
  return total > shown ? `The first ${shown} of ${total} items are shown (all of them: dash.selected).` : "";
}
