// Images prepared ahead: while the annotator looks at one item, the next items' images are
// loaded, scaled to the device pixels they will cover on screen (createImageBitmap with a high
// quality resize, kept losslessly as PNG) and decoded (HTMLImageElement.decode()) in elements of
// their own, so the keypress that brings an item on screen only swaps a ready element in. A
// decoded image drawn 1:1 is a copy for the rasterizer; a 1-megapixel image drawn at half size
// would be scaled again on every raster. The work runs one image at a time while the page is idle,
// so it does not compete with the frame a keypress asks for. Animated images (GIF, animated PNG
// and WebP), SVG and images no larger than their box are decoded ahead as they are. An item
// whose image is not ready yet is shown the plain way (its source set). When the box changes
// (the window is resized or zoomed), what was scaled for the old box is dropped and redone.

import { fitImage, stillImage } from "./fit.js";

/** How many upcoming items have their image prepared ahead. */
export const AHEAD = 3;
/** Milliseconds after an item is shown before work ahead resumes (its frame is drawn by then). */
const SETTLE = 50;

function whenIdle(run) {
  if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 300 });
  else setTimeout(run, 0);
}

/**
 * @param {HTMLImageElement} shown  the image element on screen (swapped for ready ones)
 * @param {object} [options]
 * @param {number} [options.ahead]  how many upcoming items to prepare
 * @param {AbortSignal} [options.signal]  drops everything prepared
 */
export function createImages(shown, { ahead = AHEAD, signal } = {}) {
  let element = shown;
  const ready = new Map(); // image url → {img, decoded, small (object URL of the scaled copy), box}
  let wanted = []; // the slots last asked for
  let box = ""; // the box images are scaled for: "width×height@ratio" (CSS px), "" until laid out
  let boxSize = null;
  const queue = [];
  let busy = false;
  let shownAt = -Infinity; // when an item was last brought on screen (performance.now())

  const scaled = new Set(); // object URLs of the scaled copies made here

  /** Free the scaled copies that are neither prepared nor on screen. */
  function sweep() {
    const kept = new Set([...ready.values()].map((entry) => entry.small));
    for (const small of scaled) {
      if (kept.has(small) || element.getAttribute("src") === small) continue;
      scaled.delete(small);
      URL.revokeObjectURL(small);
    }
  }

  function measure() {
    const holder = element.parentElement;
    if (!holder || !element.isConnected) return;
    const style = getComputedStyle(element);
    const width = limit(style.maxWidth, contentWidth(holder));
    const height = limit(style.maxHeight, Infinity);
    const ratio = window.devicePixelRatio || 1;
    const next = width > 0 && height > 0 ? `${width}×${height}@${ratio}` : "";
    if (next === box) return;
    box = next;
    boxSize = next ? { width, height, ratio } : null;
    // Scaled for another box: redone. The element on screen goes back to its own image.
    for (const [url, entry] of [...ready]) {
      if (!entry.small) continue;
      ready.delete(url);
      if (entry.img === element) plain(url);
    }
    sweep();
    if (wanted.length) this_.prepare(wanted);
  }

  const resized = new ResizeObserver(() => measure());
  if (shown.parentElement) resized.observe(shown.parentElement);
  window.addEventListener("resize", measure, signal ? { signal } : undefined);
  if (signal) {
    signal.addEventListener(
      "abort",
      () => {
        resized.disconnect();
        queue.length = 0;
        ready.clear();
        for (const small of scaled) URL.revokeObjectURL(small);
        scaled.clear();
      },
      { once: true },
    );
  }

  /** A fresh image element like the one shown, without a source yet. */
  function build() {
    const img = element.cloneNode(false);
    img.removeAttribute("src");
    img.style.removeProperty("width");
    img.style.removeProperty("height");
    img.style.removeProperty("image-rendering");
    img.hidden = false;
    img.decoding = "sync";
    return img;
  }

  /** Prepare the image at `url` for `entry`: scaled to its box when worth it, then decoded. */
  async function prepareOne(url, entry) {
    const current = () => ready.get(url) === entry && !(signal && signal.aborted);
    const img = build();
    const forBox = box;
    const fit = boxSize ? await scaleFor(url, boxSize) : null;
    if (fit) scaled.add(fit.small);
    if (!current()) return sweep();
    if (fit && forBox !== box) {
      // The box changed while it was being scaled: scaled again for the new one.
      const again = { img: null, decoded: false, small: null, box: "" };
      ready.set(url, again);
      queue.push({ url, entry: again });
      return sweep();
    }
    if (fit) {
      entry.small = fit.small;
      entry.box = forBox;
      img.style.width = `${fit.css.width}px`;
      img.style.height = `${fit.css.height}px`;
      // One image pixel per device pixel: sampling is a copy, with no filtering to pay for.
      img.style.imageRendering = "pixelated";
      img.src = fit.small;
    } else img.src = url;
    entry.img = img;
    try {
      await img.decode();
      if (current()) entry.decoded = true;
    } catch {
      if (current()) ready.delete(url); // not decodable (or dropped): shown the plain way
      sweep();
    }
  }

  function schedule() {
    if (busy) return;
    const next = queue.shift();
    if (!next) return;
    busy = true;
    const run = () => {
      // Right after an item is shown, its frame has the machine first.
      const wait = shownAt + SETTLE - performance.now();
      if (wait > 0) return void setTimeout(() => whenIdle(run), wait);
      prepareOne(next.url, next.entry).finally(() => {
        busy = false;
        schedule();
      });
    };
    whenIdle(run);
  }

  /** The url whose prepared element `img` is (null: none). */
  function preparedFor(img) {
    for (const [url, entry] of ready) if (entry.img === img) return url;
    return null;
  }

  /** Show the element on screen the plain way: the item's own image, laid out by CSS alone. */
  function plain(url) {
    element.style.removeProperty("width");
    element.style.removeProperty("height");
    element.style.removeProperty("image-rendering");
    element.src = url;
  }

  const this_ = {
    /** The image element on screen now. */
    get element() {
      return element;
    },

    /**
     * Show the image at `url` (null: none): a prepared element when it is decoded (and scaled for
     * the box there is now), else the element on screen with its source set.
     */
    show(url) {
      const entry = url ? ready.get(url) : null;
      if (entry && entry.decoded && entry.img !== element && (!entry.small || entry.box === box)) {
        element.replaceWith(entry.img);
        element = entry.img;
      } else if (url) {
        const own = preparedFor(element);
        if (own ? own !== url : element.getAttribute("src") !== url) {
          // The element on screen may have been prepared for another image: no longer ready.
          if (own) ready.delete(own);
          plain(url);
        }
      } else {
        const own = preparedFor(element);
        if (own) ready.delete(own);
        element.removeAttribute("src");
      }
      element.hidden = !url;
      shownAt = performance.now();
      sweep();
    },

    /**
     * Prepare the images of `slots` (the items coming next) ahead, in the background; forget
     * those prepared for items no longer coming (the one on screen is kept).
     */
    prepare(slots) {
      wanted = slots;
      const urls = [];
      for (const slot of slots.slice(0, ahead)) {
        const image = slot && slot.view && slot.view.image;
        if (image && image.url && !urls.includes(image.url)) urls.push(image.url);
      }
      for (const url of [...ready.keys()]) if (!urls.includes(url) && ready.get(url).img !== element) ready.delete(url);
      for (let k = queue.length - 1; k >= 0; k--) if (!ready.has(queue[k].url)) queue.splice(k, 1);
      for (const url of urls) {
        if (ready.has(url)) continue;
        const entry = { img: null, decoded: false, small: null, box: "" };
        ready.set(url, entry);
        queue.push({ url, entry });
      }
      sweep();
      schedule();
    },
  };
  return this_;
}

/**
 * The image at `url` scaled to the device pixels it covers in `box`: its object URL and CSS
 * size, or null when it is shown as it is (animated, vector, no larger than the box, unreadable).
 */
async function scaleFor(url, box) {
  try {
    const blob = await (await fetch(url)).blob();
    const head = new Uint8Array(await blob.slice(0, 65536).arrayBuffer());
    if (!stillImage(blob.type, head)) return null;
    const natural = await naturalSize(url);
    const fit = natural && fitImage(natural, box, box.ratio);
    if (!fit) return null;
    const bitmap = await createImageBitmap(blob, {
      resizeWidth: fit.pixels.width,
      resizeHeight: fit.pixels.height,
      resizeQuality: "high",
      imageOrientation: "from-image",
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("bitmaprenderer").transferFromImageBitmap(bitmap);
    const small = URL.createObjectURL(await canvas.convertToBlob({ type: "image/png" }));
    return { small, css: fit.css };
  } catch {
    return null;
  }
}

/** The image's own size, as the browser orients it (no decoding needed). */
function naturalSize(url) {
  return new Promise((resolve) => {
    const probe = new Image();
    probe.onload = () => resolve({ width: probe.naturalWidth, height: probe.naturalHeight });
    probe.onerror = () => resolve(null);
    probe.src = url;
  });
}

/** The content width of `holder` (CSS px), without padding and scrollbar. */
function contentWidth(holder) {
  const style = getComputedStyle(holder);
  return holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}

/** A computed max-width/max-height ("none", "480px" or "100%") against `whole` CSS px. */
function limit(value, whole) {
  if (value.endsWith("%")) return (parseFloat(value) / 100) * whole;
  if (value.endsWith("px")) return Math.min(parseFloat(value), whole);
  return whole;
}
