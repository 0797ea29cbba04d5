// Small DOM helpers of the page.

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** Text that may hold several lines, one element per line. */
export function lines(text: string): HTMLElement {
  const list = text.split('\n').filter((l) => l.trim() !== '');
  if (list.length <= 1) return el('span', {}, text);
  return el('ul', { class: 'lines' }, ...list.map((l) => el('li', {}, l.trim())));
}
