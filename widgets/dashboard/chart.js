// Draws one chart with the Vega bundled into this file (vega-embed, nothing fetched), reports
// clicks on its point selection, and widens its plot to fill the panel.

import embed from "vega-embed";
import { plotWidth, pointsFromStore } from "./state.js";

/**
 * Draw `spec` into `host` (its content is replaced), a block as wide as the panel.
 * @param {HTMLElement} host
 * @param {object} spec  a Vega-Lite spec
 * @param {object} options  vega-embed options (from the kernel)
 * @param {object} how
 * @param {string|null} how.selection  the point selection whose clicks to report
 * @param {(points: Array<object>) => void} how.onSelect  called with the clicked points
 * @param {boolean} how.dark  draw with the dark theme
 * @param {boolean} how.fit  widen the plot to the host's width (and follow it)
 * @returns {Promise<() => void>} resolves, once drawn, to a function that removes the chart
 *   and every listener it added
 */
export async function drawChart(host, spec, options, { selection, onSelect, dark, fit }) {
  const target = document.createElement("div");  // vega-embed's element: as wide as the chart
  host.replaceChildren(target);
  const result = await embed(target, spec, { ...options, ...(dark ? { theme: "dark" } : {}) });
  const { view } = result;
  let listener = null;
  if (selection) {
    listener = () => onSelect(pointsFromStore(view.data(`${selection}_store`)));
    view.addSignalListener(selection, listener);
  }
  let frame = 0;
  let resized = null;
  if (fit) {
    // The plot gets what the panel leaves beside the axes and the legend, drawn at their size.
    const widen = () => {
      const svg = view.container() && view.container().querySelector("svg");
      if (!svg) return;
      const style = getComputedStyle(target);  // its padding holds the actions menu
      const room = host.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const width = plotWidth(room, svg.width.baseVal.value, view.width());
      if (width !== view.width()) view.width(width).runAsync();
    };
    widen();
    resized = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(widen);
    });
    resized.observe(host);
  }
  return () => {
    if (resized) resized.disconnect();
    cancelAnimationFrame(frame);
    if (listener) view.removeSignalListener(selection, listener);
    result.finalize();
    target.remove();
  };
}
