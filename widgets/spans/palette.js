// How the span view paints labels, DOM-free (unit-tested in Node): the label colours, the
// ::highlight() rules of a view's highlight names, and the highlight each span or suggestion of a
// document is painted with.

/** Label colours: distinct, legible as translucent tints on light and dark backgrounds. */
export const PALETTE = ["#e8590c", "#1c7ed6", "#2b8a3e", "#c2255c", "#7048e8", "#e67700", "#0c8599", "#9c36b5", "#5c940d", "#d6336c", "#364fc7", "#a61e4d"];

/** The colour of the label at `index` in the task's labels. */
export function labelColour(index) {
  return PALETTE[index % PALETTE.length];
}

/**
 * The highlight (name without the view's prefix) of each span and pending suggestion: a span's
 * label and layer ("l<label>-<layer>", layers 0–2 draw overlapping spans apart), a suggestion's
 * label ("s<label>").
 * @param {import("./span_doc.js").SpanDoc} doc
 * @param {Map<string, number>} labelIndex  label → index into the task's labels
 * @returns {Map<object, string>}
 */
export function markNames(doc, labelIndex) {
  const layers = doc.layers();
  const names = new Map();
  for (const span of doc.spans) names.set(span, `l${labelIndex.get(span.label)}-${Math.min(layers.get(span), 2)}`);
  for (const suggestion of doc.suggestions) if (suggestion.state === "pending") names.set(suggestion, `s${labelIndex.get(suggestion.label)}`);
  return names;
}

/** A highlight's priority (which paints on top): suggestions over spans, upper layers over lower. */
export function markPriority(name) {
  return name.startsWith("s") ? 5 : Number(name.split("-")[1]);
}

/**
 * The ::highlight() rules for a view's highlight names (one set per label and layer), then the
 * selection (priority 10) and the focused span (11).
 * @param {string} prefix  the view's unique prefix of highlight names
 * @param {string[]} labels  the task's labels
 */
export function highlightRules(prefix, labels) {
  const rules = [];
  labels.forEach((label, index) => {
    const c = labelColour(index);
    rules.push(`::highlight(${prefix}-l${index}-0) { background-color: color-mix(in srgb, ${c} 30%, transparent); }`);
    rules.push(`::highlight(${prefix}-l${index}-1) { background-color: color-mix(in srgb, ${c} 22%, transparent); text-decoration: underline solid ${c} 3px; }`);
    rules.push(`::highlight(${prefix}-l${index}-2) { background-color: color-mix(in srgb, ${c} 22%, transparent); text-decoration: overline solid ${c} 3px; }`);
    rules.push(`::highlight(${prefix}-s${index}) { background-color: color-mix(in srgb, ${c} 10%, transparent); text-decoration: underline dashed ${c} 2px; }`);
  });
  // The selection and the focused span must stand out from every label colour: grey and ink.
  rules.push(`::highlight(${prefix}-selection) { background-color: color-mix(in srgb, var(--nbl-fg) 22%, transparent); text-decoration: underline solid var(--nbl-fg) 2px; }`);
  rules.push(`::highlight(${prefix}-focus) { background-color: var(--nbl-fg); color: var(--nbl-bg); }`);
  return rules.join("\n");
}
