// Label tags above the spans and suggestions in view (several starting together share one), drawn
// in the animation frame after a change or a scroll, from a pool of reused elements. Only the
// spans in the blocks in view are measured, so a long document costs no more than a short one.

import { h } from "../../js/dom.js";

/** The most tags drawn at once. */
const MAX_TAGS = 400;

/**
 * @param {HTMLElement} element  the element holding the tags, inside the scrolled content
 * @param {HTMLElement} content  the scrolled content
 * @param {ReturnType<import("./text_layer.js").createTextLayer>} layer  the item's text
 * @param {ReturnType<import("./geometry.js").createGeometry>} geometry  the text's geometry
 * @param {(label: string) => string} colourOf  a label's colour
 */
export function createTags(element, content, layer, geometry, colourOf) {
  const pool = []; // {tag, key, transform}: tag elements reused, changed only where they differ
  let shown = 0; // how many of them are in the layer

  function draw(doc) {
    const items = doc.items();
    const box = content.getBoundingClientRect();
    // Only the spans starting in the blocks in view are measured: the others are not laid out.
    const band = layer.blocksBetween(box.top, box.bottom);
    const [from, to] = band ? layer.blockSpan(band[0], band[1]) : [0, 0];
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].item.start < from) lo = mid + 1;
      else hi = mid;
    }
    const groups = new Map();
    for (let k = lo; k < items.length && items[k].item.start < to && groups.size < MAX_TAGS; k += 1) {
      const { item } = items[k];
      if (item.end <= item.start) continue;
      const rect = geometry.caretRect(item.start);
      if (!rect || rect.bottom < box.top) continue;
      if (rect.top > box.bottom) break;
      if (!groups.has(item.start)) groups.set(item.start, { rect, items: [] });
      groups.get(item.start).items.push(items[k]);
    }
    // Measure everything first, then write: a read after a write would lay the page out again.
    const placed = [...groups.values()].map(({ rect, items: here }) => ({ at: geometry.inContent(rect, box), here }));
    placed.forEach(({ at, here }, k) => {
      const parts = here.map(({ kind, item }) => ({
        className: `nbl-spans-tag-part${kind === "suggestion" ? " nbl-spans-tag-suggested" : ""}${doc.focus && doc.focus.item === item ? " nbl-spans-tag-focus" : ""}`,
        colour: colourOf(item.label),
        text: kind === "suggestion" ? `${item.label}?` : item.label,
      }));
      const key = JSON.stringify(parts);
      if (!pool[k]) pool[k] = { tag: h("span", { class: "nbl-spans-tag", attrs: { "aria-hidden": "true" } }), key: null, transform: null };
      const entry = pool[k];
      if (entry.key !== key) {
        entry.tag.replaceChildren(...parts.map(({ className, colour, text }) => h("span", { class: className, attrs: { style: `--nbl-label: ${colour}` }, text })));
        entry.key = key;
      }
      const transform = `translate(${at.x}px, ${at.y}px)`;
      if (entry.transform !== transform) {
        entry.tag.style.transform = transform;
        entry.transform = transform;
      }
    });
    if (shown !== placed.length) {
      element.replaceChildren(...pool.slice(0, placed.length).map((entry) => entry.tag));
      shown = placed.length;
    }
  }

  return {
    /** Draw the document's tags (in an animation frame, with the caret placed). */
    draw,
  };
}
