// Rating scales of the ranking view: levels and the key of each. DOM-free (unit-tested in Node).
//
// A task's `rating` is [low, high] (whole numbers, at most ten levels) or the names of its levels,
// worst first (at most ten). Levels are typed with one key each: a numeric level with its own
// digit (10 with 0), a named level with its position (1–9, then 0 for the tenth).

/** The levels of a rating scale, or null when the task has none. */
export function ratingLevels(rating) {
  if (!Array.isArray(rating) || rating.length < 2) return null;
  if (rating.length === 2 && rating.every((v) => Number.isInteger(v))) {
    const [low, high] = rating;
    return Array.from({ length: high - low + 1 }, (_, i) => low + i);
  }
  return [...rating];
}

/** The key of each level, in order. */
export function levelKeys(levels) {
  const numeric = levels.every((v) => typeof v === "number");
  return levels.map((level, i) => (numeric ? String(level % 10) : String((i + 1) % 10)));
}

/** The level typed with `key`, or undefined. */
export function levelForKey(levels, key) {
  const at = levelKeys(levels).indexOf(key);
  return at < 0 ? undefined : levels[at];
}

/** Short text of a range of keys for the legend, e.g. "1–5" or "1–3". */
export function keyRange(levels) {
  const keys = levelKeys(levels);
  return keys.length > 1 ? `${keys[0]}–${keys[keys.length - 1]}` : keys[0];
}
