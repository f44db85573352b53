import assert from "node:assert/strict";
import { test } from "node:test";
import { keyRange, levelForKey, levelKeys, ratingLevels } from "./rating.js";

test("numeric scales list every whole number and use their own digit", () => {
  assert.deepEqual(ratingLevels([1, 5]), [1, 2, 3, 4, 5]);
  assert.deepEqual(levelKeys([1, 2, 3, 4, 5]), ["1", "2", "3", "4", "5"]);
  assert.deepEqual(levelKeys(ratingLevels([0, 3])), ["0", "1", "2", "3"]);
  assert.deepEqual(levelKeys(ratingLevels([1, 10])).slice(-2), ["9", "0"]);
  assert.equal(levelForKey(ratingLevels([1, 10]), "0"), 10);
  assert.equal(keyRange(ratingLevels([1, 5])), "1–5");
});

test("named levels are typed by position", () => {
  const levels = ratingLevels(["bad", "ok", "good"]);
  assert.deepEqual(levels, ["bad", "ok", "good"]);
  assert.deepEqual(levelKeys(levels), ["1", "2", "3"]);
  assert.equal(levelForKey(levels, "2"), "ok");
  assert.equal(levelForKey(levels, "4"), undefined);
  assert.equal(levelKeys(ratingLevels(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]))[9], "0");
});

test("no scale", () => {
  assert.equal(ratingLevels(null), null);
  assert.equal(ratingLevels(undefined), null);
});
