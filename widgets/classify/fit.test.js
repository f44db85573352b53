import assert from "node:assert/strict";
import { test } from "node:test";

import { fitImage, stillImage } from "./fit.js";

test("a large image is scaled to the device pixels of its box, aspect ratio kept", () => {
  assert.deepEqual(fitImage({ width: 1000, height: 1000 }, { width: 958, height: 500 }, 1), {
    pixels: { width: 500, height: 500 },
    css: { width: 500, height: 500 },
  });
  const wide = fitImage({ width: 2000, height: 1000 }, { width: 800, height: 500 }, 1);
  assert.deepEqual(wide.pixels, { width: 800, height: 400 }, "the width binds");
  const sharp = fitImage({ width: 2000, height: 1000 }, { width: 800, height: 500 }, 2);
  assert.deepEqual(sharp.pixels, { width: 1600, height: 800 }, "twice the pixels on a high-DPI screen");
  assert.deepEqual(sharp.css, { width: 800, height: 400 });
  const odd = fitImage({ width: 1001, height: 999 }, { width: 333.3, height: 600 }, 1.5);
  assert.ok(odd.css.width <= 333.3 && odd.pixels.width === 499 && odd.pixels.height === 498, "never over the box");
});

test("images shown at their own size or enlarged are left alone, as are unknown boxes", () => {
  assert.equal(fitImage({ width: 7, height: 5 }, { width: 958, height: 500 }, 1), null);
  assert.equal(fitImage({ width: 1000, height: 1000 }, { width: 958, height: 500 }, 2), null, "500 CSS px are 1000 device px");
  assert.equal(fitImage({ width: 1000, height: 800 }, { width: 0, height: 500 }, 1), null, "not laid out");
  assert.equal(fitImage({ width: 0, height: 0 }, { width: 100, height: 100 }, 1), null);
});

test("only still pictures are scaled ahead", () => {
  const bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  assert.equal(stillImage("image/jpeg", bytes("\xff\xd8\xff")), true);
  assert.equal(stillImage("image/png", bytes("\x89PNG....IHDR....IDAT")), true);
  assert.equal(stillImage("image/png", bytes("\x89PNG....IHDR....acTL....IDAT")), false, "animated PNG");
  const webp = (flags) => bytes(`RIFF....WEBPVP8X....${String.fromCharCode(flags)}`);
  assert.equal(stillImage("image/webp", webp(0x00)), true);
  assert.equal(stillImage("image/webp", webp(0x02)), false, "animated WebP");
  assert.equal(stillImage("image/webp", bytes("RIFF....WEBPVP8 ....")), true);
  assert.equal(stillImage("image/gif", bytes("GIF89a")), false);
  assert.equal(stillImage("image/svg+xml", bytes("<svg")), false);
});
