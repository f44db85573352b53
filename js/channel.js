// Connects a LabelSession to its widget model: kernel messages in, answers out, images as blobs.

/**
 * Wire `session` to `model` (an anywidget model). Returns a function that disconnects it and
 * releases every image URL it created.
 * @param {object} model
 * @param {import("./session.js").LabelSession} session
 * @param {() => void} onChange  called after each kernel message was applied
 */
export function connectSession(model, session, onChange) {
  const viewId = `v${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const urls = new Set();
  const handler = (message, buffers) => {
    if (!message || typeof message !== "object") return;
    if (message.kind === "snapshot" && message.to !== viewId) return;
    for (const item of itemsOf(message)) attachImage(item, buffers || [], urls);
    const dropped = session.receive(message);
    for (const slot of dropped) releaseImage(slot, urls);
    onChange();
  };
  model.on("msg:custom", handler);
  // Answers leave after the next item is painted: serialising and sending a kernel message
  // takes a few milliseconds that the annotator should not wait for. Order is kept.
  const outbox = [];
  let flushTimer = null;
  const flush = () => {
    flushTimer = null;
    for (const message of outbox.splice(0)) model.send(message);
  };
  session.send = (message) => {
    outbox.push(message);
    if (flushTimer === null) flushTimer = setTimeout(flush, 0);
  };
  model.send({ kind: "hello", to: viewId });
  return () => {
    if (flushTimer !== null) {
      clearTimeout(flushTimer);
      flush();
    }
    model.off("msg:custom", handler);
    for (const url of urls) URL.revokeObjectURL(url);
    urls.clear();
  };
}

function itemsOf(message) {
  switch (message.kind) {
    case "snapshot":
      return [...(message.history || []), ...(message.upcoming || [])];
    case "ack":
      return message.append || [];
    case "append":
      return message.items || [];
    default:
      return [];
  }
}

function attachImage(item, buffers, urls) {
  const image = item.view && item.view.image;
  if (!image || image.buffer === undefined) return;
  const data = buffers[image.buffer];
  if (!data) {
    image.error = "image data missing";
    return;
  }
  image.url = URL.createObjectURL(new Blob([data], { type: image.mime }));
  urls.add(image.url);
}

function releaseImage(slot, urls) {
  const image = slot.view && slot.view.image;
  if (image && image.url && urls.delete(image.url)) URL.revokeObjectURL(image.url);
}
