// A minimal stand-in for the browser's document, for Node tests of modules that build a few
// elements with dom.js (never bundled). Like the real DOM, append() and replaceChildren() turn
// any value that is not a node into a text node of its string: null becomes the text "null".

class FakeNode {
  constructor() {
    this.parentNode = null;
  }
}

class FakeText extends FakeNode {
  constructor(data) {
    super();
    this.data = String(data);
  }

  get textContent() {
    return this.data;
  }
}

class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attributes = new Map();
    this.dataset = {};
    this.listeners = [];
    this.className = "";
    this.title = "";
    this.hidden = false;
    const element = this;
    this.classList = {
      contains: (name) => element.className.split(/\s+/).includes(name),
      add: (name) => element.classList.toggle(name, true),
      remove: (name) => element.classList.toggle(name, false),
      toggle(name, on = !this.contains(name)) {
        const names = element.className.split(/\s+/).filter((n) => n && n !== name);
        if (on) names.push(name);
        element.className = names.join(" ");
        return on;
      },
    };
  }

  get textContent() {
    return this.childNodes.map((child) => child.textContent).join("");
  }

  set textContent(value) {
    this.replaceChildren(...(value === "" ? [] : [new FakeText(value)]));
  }

  get children() {
    return this.childNodes.filter((child) => child instanceof FakeElement);
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  addEventListener(type, listener, options) {
    this.listeners.push({ type, listener, options });
  }

  append(...nodes) {
    for (const value of nodes) {
      const node = value instanceof FakeNode ? value : new FakeText(String(value));
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }

  replaceChildren(...nodes) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    this.append(...nodes);
  }
}

/** Install the stand-in as `globalThis.document`; returns a function that removes it. */
export function installFakeDom() {
  const before = globalThis.document;
  globalThis.document = {
    createElement: (tag) => new FakeElement(tag),
    createTextNode: (data) => new FakeText(data),
  };
  return () => {
    globalThis.document = before;
  };
}
