// Keeps a labeling view in step with the kernel: its messages reach the session and redraw the
// view, the header ticks while answers wait, the view polls for answers written elsewhere, and a
// lost kernel is reported.

import { connectSession } from "./channel.js";

const TICK_MS = 1000;
const POLL_EVERY_TICKS = 5;

/**
 * Follow the kernel. Kernel messages and changes of the progress and model traits redraw at
 * most once per frame, so a burst of them never delays the next keypress (keypresses redraw at
 * once). Every second `tick()` runs (while answers wait, the header says when the kernel is
 * slow); every five seconds while none wait and the view is on screen, the view asks the kernel
 * for answers written by other kernels. Returns the function that stops all of it.
 * @param {object} options
 * @param {object} options.model  the anywidget model
 * @param {import("./session.js").LabelSession} options.session  the item window
 * @param {HTMLElement} options.root  the widget (polls stop while it is not in the page)
 * @param {() => void} options.redraw  draws the whole view
 * @param {() => void} options.tick  runs every second
 * @param {(reason: string) => void} options.lost  the kernel is gone (called once)
 */
export function followKernel({ model, session, root, redraw, tick, lost }) {
  let frame = null;
  const scheduleRedraw = () => {
    if (frame === null) {
      frame = requestAnimationFrame(() => {
        frame = null;
        redraw();
      });
    }
  };
  const channel = connectSession(model, session, {
    onChange: scheduleRedraw,
    onLost(reason) {
      lost(reason);
      scheduleRedraw();
    },
  });
  const onTraitChange = () => scheduleRedraw();
  model.on("change:progress", onTraitChange);
  model.on("change:model", onTraitChange);
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    tick();
    if (ticks % POLL_EVERY_TICKS === 0 && root.isConnected && document.visibilityState === "visible" && !session.pendingCount()) {
      channel.poll();
    }
  }, TICK_MS);

  return () => {
    clearInterval(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    model.off("change:progress", onTraitChange);
    model.off("change:model", onTraitChange);
    channel.disconnect();
  };
}
