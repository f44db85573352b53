// Rankings being built in the ranking view, and the edits the keyboard and drag and drop make.
// DOM-free (unit-tested in Node).
//
// A ranking is a list of groups of option keys, best first; a group of several is a tie. The view
// keeps it as {shown, groups, out}: `shown` is every option in the order shown on screen (members
// of a group are kept in that order), `out` the options left out (partial rankings only). Every
// edit returns a new ranking and leaves its argument untouched.

/**
 * The ranking to start from: the stored answer's, or the options in the order shown.
 * @param {string[]} shown  option keys in the order shown
 * @param {string[][]|null} value  a stored ranking, or null
 */
export function initialRanking(shown, value = null) {
  if (!Array.isArray(value) || !value.length) return { shown: [...shown], groups: shown.map((key) => [key]), out: [] };
  const known = new Set(shown);
  const groups = value.map((group) => group.filter((key) => known.has(key))).filter((group) => group.length);
  const ranked = new Set(groups.flat());
  return sorted({ shown: [...shown], groups, out: shown.filter((key) => !ranked.has(key)) });
}

/** Index of the group holding `key`, or -1 when it is left out. */
export function groupOf(ranking, key) {
  return ranking.groups.findIndex((group) => group.includes(key));
}

/** Ranked options from best to worst, ties in the order shown, then those left out. */
export function orderedKeys(ranking) {
  return [...ranking.groups.flat(), ...ranking.out];
}

/**
 * Move `key` one step up: out of its tie (just above the group), or above the group before it.
 */
export function moveUp(ranking, key) {
  const at = groupOf(ranking, key);
  if (at < 0) return ranking;
  const groups = ranking.groups.map((group) => [...group]);
  if (groups[at].length > 1) {
    groups[at] = groups[at].filter((k) => k !== key);
    groups.splice(at, 0, [key]);
  } else if (at > 0) {
    [groups[at - 1], groups[at]] = [groups[at], groups[at - 1]];
  } else return ranking;
  return { ...ranking, groups };
}

/**
 * Move `key` one step down: out of its tie (just below the group), or below the group after it.
 */
export function moveDown(ranking, key) {
  const at = groupOf(ranking, key);
  if (at < 0) return ranking;
  const groups = ranking.groups.map((group) => [...group]);
  if (groups[at].length > 1) {
    groups[at] = groups[at].filter((k) => k !== key);
    groups.splice(at + 1, 0, [key]);
  } else if (at < groups.length - 1) {
    [groups[at], groups[at + 1]] = [groups[at + 1], groups[at]];
  } else return ranking;
  return { ...ranking, groups };
}

/** Tie `key` with the group above it (no change for the top group). */
export function tieWithAbove(ranking, key) {
  const at = groupOf(ranking, key);
  if (at <= 0) return ranking;
  return place(ranking, key, at - 1, "into");
}

/** Take `key` out of its tie, into a group of its own just below (no change when not tied). */
export function untie(ranking, key) {
  const at = groupOf(ranking, key);
  if (at < 0 || ranking.groups[at].length < 2) return ranking;
  return moveDown(ranking, key);
}

/** Tie every option in one group (for the "all bad" verdict). */
export function tieAll(ranking) {
  return { ...ranking, groups: [[...ranking.shown]], out: [] };
}

/**
 * Put `key` before, into (tied with) or after the group at `target` (an index into the groups
 * as they are before the move) — what a drop does. Dropping a left-out option ranks it.
 * @param {"before"|"into"|"after"} where
 */
export function place(ranking, key, target, where) {
  if (target < 0 || target >= ranking.groups.length) return ranking;
  const anchor = ranking.groups[target];
  if (where === "into" && anchor.includes(key)) return ranking;
  if (where !== "into" && anchor.length === 1 && anchor[0] === key) return ranking;
  const groups = ranking.groups.map((group) => group.filter((k) => k !== key));
  let at = groups.indexOf(groups[target]);
  if (where === "into") groups[at].push(key);
  else {
    if (where === "after") at += 1;
    groups.splice(at, 0, [key]);
  }
  return sorted({ ...ranking, groups: groups.filter((group) => group.length), out: ranking.out.filter((k) => k !== key) });
}

/**
 * Where a drop on a group lands, from the pointer's height in it (0 at its top, 1 at its bottom):
 * before it in its upper half, after it in its lower half, and into it (a tie) in its middle half
 * when ties are allowed.
 * @returns {"before"|"into"|"after"}
 */
export function dropWhere(y, ties) {
  if (ties && y >= 0.25 && y <= 0.75) return "into";
  return y < 0.5 ? "before" : "after";
}

/** Leave `key` out of the ranking, or put it back (at the bottom) when it was left out. */
export function toggleOut(ranking, key) {
  if (ranking.out.includes(key)) {
    return sorted({ ...ranking, groups: [...ranking.groups, [key]], out: ranking.out.filter((k) => k !== key) });
  }
  const groups = ranking.groups.map((group) => group.filter((k) => k !== key)).filter((group) => group.length);
  if (!groups.length) return ranking; // keep at least one option ranked
  return sorted({ ...ranking, groups, out: [...ranking.out, key] });
}

/** The ranking as the answer's value: a list of groups of option keys, best first. */
export function rankingValue(ranking) {
  return ranking.groups.map((group) => [...group]);
}

/** True when two rankings (values) put the same options in the same groups, in the same order. */
export function sameRanking(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((group, i) => group.length === b[i].length && group.every((key) => b[i].includes(key)));
}

/**
 * Short text of a ranking, by the options' labels: "2 > 1 = 3 > 4" (= is a tie).
 * @param {string[][]} groups
 * @param {(key: string) => string} label
 */
export function describeRanking(groups, label) {
  return groups.map((group) => group.map(label).join(" = ")).join(" > ");
}

function sorted(ranking) {
  const position = new Map(ranking.shown.map((key, i) => [key, i]));
  const byShown = (a, b) => position.get(a) - position.get(b);
  return { ...ranking, groups: ranking.groups.map((group) => [...group].sort(byShown)), out: [...ranking.out].sort(byShown) };
}
