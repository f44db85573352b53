// Connects a LabelSession to its widget model: kernel messages in, answers out, images as blobs,
// and the news that the kernel is gone.

/**
 * Wire `session` to `model` (an anywidget model). Returns `poll()`, which asks the kernel for
 * answers written elsewhere, and `disconnect()`, which stops listening and releases every image
 * URL it created.
 *
 * The kernel is taken for lost when a send fails (JupyterLab throws "Cannot send" once the
 * kernel restarted; marimo rejects the promise `send` returns) or when the widget's comm dies
 * (ipywidgets marks every model's comm dead when the kernel restarts: "comm_live_update", or
 * the kernel closes it: "comm:close"). Nothing is sent after that.
 * @param {object} model
 * @param {import("./session.js").LabelSession} session
 * @param {object} callbacks
 * @param {() => void} callbacks.onChange  called after each kernel message was applied
 * @param {(reason: string) => void} callbacks.onLost  called once when the kernel is gone
 */
export function connectSession(model, session, { onChange, onLost }) {
  const viewId = `v${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const urls = new Set();
  let gone = false;
  const lose = (reason) => {
    if (gone) return;
    gone = true;
    onLost(reason);
  };
  const handler = (message, buffers) => {
    if (!message || typeof message !== "object") return;
    if (message.kind === "snapshot" && message.to !== viewId) return;
    for (const item of itemsOf(message)) attachImage(item, buffers || [], urls);
    const dropped = session.receive(message);
    for (const slot of dropped) releaseImage(slot, urls);
    if ((message.kind === "ack" || message.kind === "reject") && message.req === inFlight) {
      inFlight = null;
      flush();
    }
    onChange();
  };
  const commDied = () => lose("the kernel was restarted or stopped");
  model.on("msg:custom", handler);
  model.on("comm_live_update", commDied);
  model.on("comm:close", commDied);

  /** Send one message; false once the kernel is known to be gone. */
  const post = (message) => {
    if (gone) return false;
    const failed = (error) => lose(`the kernel cannot be reached (${(error && error.message) || error})`);
    try {
      const sent = model.send(message);
      if (sent && typeof sent.then === "function") sent.then(null, failed);
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  };
  // Answers leave after the next item is painted: serialising and sending a kernel message
  // takes a few milliseconds that the annotator should not wait for. One request is in flight at
  // a time: a kernel may handle a widget's messages on more than one thread (JupyterLab sends
  // comm messages over a kernel subshell, and ipykernel routes each to the thread of the
  // widget's last reply), and two in flight could be stored in the other order. What was
  // answered meanwhile leaves together, as one "batch" the kernel handles in order, so a slow
  // kernel costs one round trip per batch, not one per answer.
  const outbox = [];
  let flushTimer = null;
  let inFlight = null; // the request id whose reply ends the request in flight
  const flush = () => {
    flushTimer = null;
    if (inFlight !== null || !outbox.length) return;
    const waiting = outbox.splice(0);
    if (!post(waiting.length === 1 ? waiting[0] : { kind: "batch", messages: waiting })) return;
    inFlight = waiting[waiting.length - 1].req;
  };
  session.send = (message) => {
    outbox.push(message);
    if (flushTimer === null) flushTimer = setTimeout(flush, 0);
  };
  post({ kind: "hello", to: viewId });
  return {
    poll: () => post({ kind: "poll" }),
    disconnect() {
      if (flushTimer !== null) clearTimeout(flushTimer);
      // The view goes away: what waits leaves now, in order (its fate is kept by the view).
      for (const message of outbox.splice(0)) if (!post(message)) break;
      model.off("msg:custom", handler);
      model.off("comm_live_update", commDied);
      model.off("comm:close", commDied);
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    },
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
