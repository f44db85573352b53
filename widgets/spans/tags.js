// Label tags above the spans and suggestions in view (several starting together share one), drawn
// in the next animation frame after a change or a scroll, from a pool of reused elements.

import { h } from "../../js/dom.js";

/** The most tags drawn at once. */
const MAX_TAGS = 400;

/**
 * @param {HTMLElement} layer  the element holding the tags, inside the scrolled content
 * @param {HTMLElement} content  the scrolled content
 * @param {ReturnType<import("./geometry.js").createGeometry>} geometry  the text's geometry
 * @param {(label: string) => string} colourOf  a label's colour
 */
export function createTags(layer, content, geometry, colourOf) {
  const pool = [];
  let frame = null;

  function draw(doc) {
    const items = doc.items().filter(({ item }) => item.end > item.start);
    const box = content.getBoundingClientRect();
    const tops = (k) => {
      const rect = geometry.caretRect(items[k].item.start);
      return rect ? rect.bottom : Infinity;
    };
    // The first item whose start is not above the view.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tops(mid) < box.top) lo = mid + 1;
      else hi = mid;
    }
    const groups = new Map();
    for (let k = lo; k < items.length && groups.size < MAX_TAGS; k += 1) {
      const rect = geometry.caretRect(items[k].item.start);
      if (!rect || rect.top > box.bottom) break;
      const key = items[k].item.start;
      if (!groups.has(key)) groups.set(key, { rect, items: [] });
      groups.get(key).items.push(items[k]);
    }
    const tags = [];
    for (const { rect, items: here } of groups.values()) {
      const tag = pool[tags.length] || h("span", { class: "nbl-spans-tag", attrs: { "aria-hidden": "true" } });
      pool[tags.length] = tag;
      tag.replaceChildren(
        ...here.map(({ kind, item }) =>
          h("span", {
            class: `nbl-spans-tag-part${kind === "suggestion" ? " nbl-spans-tag-suggested" : ""}${doc.focus && doc.focus.item === item ? " nbl-spans-tag-focus" : ""}`,
            attrs: { style: `--nbl-label: ${colourOf(item.label)}` },
            text: kind === "suggestion" ? `${item.label}?` : item.label,
          }),
        ),
      );
      const at = geometry.inContent(rect);
      tag.style.transform = `translate(${at.x}px, ${at.y}px)`;
      tags.push(tag);
    }
    layer.replaceChildren(...tags);
  }

  return {
    /** Draw the document's tags in the next frame (once, however often asked before it). */
    schedule(doc) {
      if (frame !== null) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        draw(doc);
      });
    },

    /** Cancel a frame still to come. */
    cancel() {
      if (frame !== null) cancelAnimationFrame(frame);
    },
  };
}
