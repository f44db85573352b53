// Answers a view could not get saved, kept in the browser's storage (localStorage) under the
// widget's storage key (its store, project and annotator), so that the next view of the same
// project and annotator offers to submit them. DOM-free: the storage is passed in (tested in
// Node with a stand-in).
//
// Each view keeps its own record: {alive, gone, records}. A view refreshes `alive` while it
// keeps answers it still hopes to get saved; `gone` says it never will (its kernel is lost, or
// the view closed). What another view kept is offered once that view is gone or silent.

/** Milliseconds after which a view that stopped refreshing its record no longer owns it. */
export const SILENT_MS = 5000;
const PREFIX = "nblabel.unsaved:";

/**
 * One view's access to the kept answers of its storage key.
 * @param {object} options
 * @param {{getItem(name: string): string|null, setItem(name: string, value: string): void,
 *   removeItem(name: string): void}} options.storage  localStorage, or a stand-in
 * @param {string} options.key  the widget's storage key
 * @param {string} options.owner  this view's id
 * @param {() => number} [options.now]  clock in milliseconds
 */
export function keptAnswers({ storage, key, owner, now = () => Date.now() }) {
  const name = PREFIX + key;

  function read() {
    try {
      const all = JSON.parse(storage.getItem(name) || "{}");
      return all && typeof all === "object" && !Array.isArray(all) ? all : {};
    } catch {
      return {};
    }
  }

  function write(all) {
    if (Object.keys(all).length) storage.setItem(name, JSON.stringify(all));
    else storage.removeItem(name);
  }

  /** Run `change` on the stored records; null, or why the storage refused. */
  function update(change) {
    try {
      const all = read();
      change(all);
      write(all);
      return null;
    } catch (error) {
      return String((error && error.message) || error);
    }
  }

  return {
    /**
     * Keep this view's `records` ({message, item, text}); none forgets them. `gone`: this view
     * will never send them. Returns null, or why they could not be kept.
     */
    keep(records, gone) {
      return update((all) => {
        if (records.length) all[owner] = { alive: now(), gone, records };
        else delete all[owner];
      });
    },

    /** What other views kept and will not send: [{owner, record}], oldest view first. */
    orphans() {
      const found = [];
      const entries = Object.entries(read()).filter(([id, kept]) => id !== owner && kept && Array.isArray(kept.records));
      entries.sort((a, b) => (a[1].alive || 0) - (b[1].alive || 0));
      for (const [id, kept] of entries) {
        if (!kept.gone && now() - (kept.alive || 0) < SILENT_MS) continue;
        for (const record of kept.records) if (record && record.message) found.push({ owner: id, record });
      }
      return found;
    },

    /** Forget what `orphans()` returned (submitted or discarded). Returns null or why not. */
    forget(taken) {
      return update((all) => {
        for (const { owner: id, record } of taken) {
          const kept = all[id];
          if (!kept) continue;
          kept.records = kept.records.filter((other) => JSON.stringify(other) !== JSON.stringify(record));
          if (!kept.records.length) delete all[id];
        }
      });
    },
  };
}
