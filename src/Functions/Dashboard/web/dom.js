// Building the page: every piece of API data goes in as text (never as HTML).

export const $ = (selector, root = document) => root.querySelector(selector);

/** An element with attributes (class, text, title, aria-*, data-*, on* listeners) and children (nodes or strings, as text). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A CSS custom property of the current theme. */
export const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The event a view raises when the user picks a symbol in it (the leaderboard's rows); controls.js listens. */
export const SYMBOL_PICKED = 'flowfunctions:symbol';

export function pickSymbol(symbol) {
  document.dispatchEvent(new CustomEvent(SYMBOL_PICKED, { detail: symbol }));
}
