// Where an image lands on screen, computed ahead so it can be scaled ahead (DOM-free).

/**
 * The size an image of `natural` pixels is shown at in a box of `box` CSS pixels (never
 * enlarged, aspect ratio kept, as `max-width`/`max-height` do), in device pixels at `ratio`
 * device pixels per CSS pixel, and back in CSS pixels so that layout lands on whole device
 * pixels. Null when the image is shown at its own size or the box is not known.
 *
 * @param {{width: number, height: number}} natural  the image's own pixels
 * @param {{width: number, height: number}} box  the most the view gives it, in CSS pixels
 * @param {number} ratio  window.devicePixelRatio
 * @returns {{pixels: {width: number, height: number}, css: {width: number, height: number}} | null}
 */
export function fitImage(natural, box, ratio) {
  if (!(natural.width > 0 && natural.height > 0 && box.width > 0 && box.height > 0 && ratio > 0)) return null;
  const scale = Math.min(1, box.width / natural.width, box.height / natural.height);
  // Rounded down: the image never outgrows the box, so its CSS limits never rescale it.
  const width = Math.max(1, Math.floor(natural.width * scale * ratio + 1e-6));
  const height = Math.max(1, Math.floor(natural.height * scale * ratio + 1e-6));
  // As many device pixels as the image has, or more: it is drawn 1:1 or enlarged, and the
  // browser's own decode serves as is.
  if (width >= natural.width || height >= natural.height) return null;
  return { pixels: { width, height }, css: { width: width / ratio, height: height / ratio } };
}

/**
 * Whether the image bytes that start with `head` may be scaled ahead into one still picture:
 * JPEG and BMP always; PNG and WebP unless animated; GIF and SVG never (animation, vectors).
 *
 * @param {string} mime  the image's MIME type
 * @param {Uint8Array} head  its first bytes (64 KiB is plenty)
 */
export function stillImage(mime, head) {
  if (mime === "image/jpeg" || mime === "image/bmp") return true;
  if (mime === "image/png") return !containsAscii(head, "acTL");
  // Extended WebP (VP8X) carries an animation flag; simple WebP is one frame.
  if (mime === "image/webp") return !(ascii(head, 12, 4) === "VP8X" && head.length > 20 && head[20] & 0x02);
  return false;
}

function ascii(bytes, start, length) {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function containsAscii(bytes, text) {
  const codes = [...text].map((c) => c.charCodeAt(0));
  outer: for (let i = 0; i + codes.length <= bytes.length; i++) {
    for (let k = 0; k < codes.length; k++) if (bytes[i + k] !== codes[k]) continue outer;
    return true;
  }
  return false;
}
