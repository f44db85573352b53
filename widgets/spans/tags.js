// Label tags above the spans and suggestions in view (several starting together share one), drawn
// in the animation frame after a change or a scroll, from elements reused by what they say. Only
// the spans in the blocks in view are measured, so a long document costs no more than a short one.

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
  // Tag elements are reused by what they say: after a span is added or removed, every other tag
  // in view keeps its element (at most moved), so an edit rebuilds one tag, not all that follow.
  let drawn = []; // {tag, key, transform} entries in the layer, as last drawn
  const spare = []; // entries out of the layer, kept for reuse

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
      const rect = geometry.startRect(item.start);
      if (!rect || rect.bottom < box.top) continue;
      if (rect.top > box.bottom) break;
      if (!groups.has(item.start)) groups.set(item.start, { rect, items: [] });
      groups.get(item.start).items.push(items[k]);
    }
    // Measure everything first, then write: a read after a write would lay the page out again.
    const placed = [...groups.values()].map(({ rect, items: here }) => {
      const parts = here.map(({ kind, item }) => ({
        className: `nbl-spans-tag-part${kind === "suggestion" ? " nbl-spans-tag-suggested" : ""}${doc.focus && doc.focus.item === item ? " nbl-spans-tag-focus" : ""}`,
        colour: colourOf(item.label),
        text: kind === "suggestion" ? `${item.label}?` : item.label,
      }));
      return { at: geometry.inContent(rect, box), parts, key: JSON.stringify(parts) };
    });
    const sameKey = new Map(); // key → entries drawn last time that say it
    for (const entry of drawn) {
      if (!sameKey.has(entry.key)) sameKey.set(entry.key, []);
      sameKey.get(entry.key).push(entry);
    }
    const next = placed.map(({ key }) => {
      const reusable = sameKey.get(key);
      return reusable && reusable.length ? reusable.shift() : null;
    });
    const unused = [...sameKey.values()].flat();
    placed.forEach(({ at, parts, key }, k) => {
      let entry = next[k];
      if (!entry) {
        entry = unused.pop() || spare.pop() || { tag: h("span", { class: "nbl-spans-tag", attrs: { "aria-hidden": "true" } }), key: null, transform: null };
        entry.tag.replaceChildren(...parts.map(({ className, colour, text }) => h("span", { class: className, attrs: { style: `--nbl-label: ${colour}` }, text })));
        entry.key = key;
        next[k] = entry;
      }
      const transform = `translate(${at.x}px, ${at.y}px)`;
      if (entry.transform !== transform) {
        entry.tag.style.transform = transform;
        entry.transform = transform;
      }
      if (!entry.tag.isConnected || entry.tag.parentNode !== element) element.append(entry.tag);
    });
    for (const entry of unused) {
      entry.tag.remove();
      spare.push(entry);
    }
    drawn = next;
  }

  return {
    /** Draw the document's tags (in an animation frame, with the caret placed). */
    draw,
  };
}
