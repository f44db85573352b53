// Tiny DOM helpers. Text from data only ever goes through textContent: never innerHTML.

/**
 * Create an element.
 * @param {string} tag
 * @param {object} [props] class, text, title, attrs {name: value}, dataset {key: value},
 *   on {event: handler} (with props.signal to remove the handlers on cleanup)
 * @param {...(Node|string|null)} children  strings become text nodes
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined && props.text !== null) el.textContent = String(props.text);
  if (props.title) el.title = props.title;
  for (const [name, value] of Object.entries(props.attrs || {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [key, value] of Object.entries(props.dataset || {})) el.dataset[key] = String(value);
  for (const [event, handler] of Object.entries(props.on || {})) {
    el.addEventListener(event, handler, props.signal ? { signal: props.signal } : undefined);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

/**
 * Replace an element's children. As in `h`, null, undefined and false are left out (the DOM's own
 * replaceChildren would show them as the text "null"…) and strings become text nodes.
 * @param {HTMLElement} el
 * @param {...(Node|string|null)} children
 */
export function setChildren(el, ...children) {
  el.replaceChildren(...children.filter((child) => child !== null && child !== undefined && child !== false));
}

/** Set an element's text (never parsed as HTML); a no-op when unchanged. */
export function setText(el, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** Show or hide an element. */
export function show(el, visible) {
  el.hidden = !visible;
}

/** Show a toggle button as pressed or not (its look and its aria-pressed). */
export function setPressed(button, on) {
  button.classList.toggle("nbl-on", on);
  button.setAttribute("aria-pressed", String(on));
}
