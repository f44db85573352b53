// Images decoded ahead: while the annotator looks at one item, the next items' images are loaded
// and decoded (HTMLImageElement.decode()) in elements of their own, so the keypress that brings
// an item on screen only swaps a ready element in: no fetch of its bytes, no decode before it can
// be painted. An item whose image is not ready yet is shown the plain way (its source set).

/** How many upcoming items have their image decoded ahead. */
export const AHEAD = 3;

/**
 * @param {HTMLImageElement} shown  the image element on screen (swapped for ready ones)
 * @param {object} [options]
 * @param {number} [options.ahead]  how many upcoming items to prepare
 * @param {AbortSignal} [options.signal]  drops everything prepared
 */
export function createImages(shown, { ahead = AHEAD, signal } = {}) {
  let element = shown;
  const ready = new Map(); // image url → {img, decoded: boolean}
  if (signal) signal.addEventListener("abort", () => ready.clear(), { once: true });

  /** A fresh image element like the one shown, loading `url`. */
  function build(url) {
    const img = element.cloneNode(false);
    img.removeAttribute("src");
    img.hidden = false;
    img.decoding = "sync";
    img.src = url;
    return img;
  }

  return {
    /** The image element on screen now. */
    get element() {
      return element;
    },

    /**
     * Show the image at `url` (null: none): a prepared element when its decoding is done, else
     * the element on screen with its source set.
     */
    show(url) {
      const entry = url ? ready.get(url) : null;
      if (entry && entry.decoded && entry.img !== element) {
        element.replaceWith(entry.img);
        element = entry.img;
      } else if (url) {
        if (element.getAttribute("src") !== url) {
          // The element on screen may have been prepared for another image: no longer ready.
          for (const [other, { img }] of ready) if (img === element) ready.delete(other);
          element.src = url;
        }
      } else element.removeAttribute("src");
      element.hidden = !url;
    },

    /**
     * Decode the images of `slots` (the items coming next) ahead, in the background; forget
     * those prepared for items no longer coming (the one on screen is kept).
     */
    prepare(slots) {
      const wanted = new Set();
      for (const slot of slots.slice(0, ahead)) {
        const image = slot && slot.view && slot.view.image;
        if (image && image.url) wanted.add(image.url);
      }
      for (const url of ready.keys()) if (!wanted.has(url) && ready.get(url).img !== element) ready.delete(url);
      for (const url of wanted) {
        if (ready.has(url)) continue;
        const entry = { img: build(url), decoded: false };
        ready.set(url, entry);
        entry.img.decode().then(
          () => {
            entry.decoded = true;
          },
          () => ready.delete(url), // not decodable (or dropped): shown the plain way
        );
      }
    },
  };
}
