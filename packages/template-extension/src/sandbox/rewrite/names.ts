import type { NjNode } from '../../nunjucks-internals.js';
import { NAME_ARGUMENTS, reservedPart } from '../attribute-filters.js';
import { isForbiddenName } from '../forbidden-names.js';
import { forbid, isA, type Rewrite } from './context.js';
import { fold } from './fold.js';

/**
 * A name written where it names something (a `set`/`for`/macro/import
 * target, a parameter, a filter or test name): checked, never looked up.
 * Forbidden names (`constructor`, `__proto__`, members of
 * `Object.prototype`, `__credflow…`) are refused where they are written.
 */
export function checkName(r: Rewrite, value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) checkName(r, v);
    return;
  }
  if (!isA(r, value, 'Node')) return;
  const node = value as NjNode;
  if (isA(r, node, 'Symbol')) {
    const name = node.value as string;
    if (isForbiddenName(name)) throw forbid(node, name, `'${name}' is a reserved name`);
  } else if (isA(r, node, 'NodeList') || isA(r, node, 'Array')) checkName(r, node.children);
  else if (isA(r, node, 'Pair')) {
    checkName(r, node.key);
    checkName(r, node.value);
  }
}

/**
 * Filters that take an attribute or test name (`select('odd')`,
 * `groupby('a.b')`, `sort(attribute='x')`): a literal name that is
 * reserved (`hasOwnProperty`, `constructor`, `__proto__`) is refused
 * where it is written, so `credflow validate` finds it.
 */
export function checkNameArguments(r: Rewrite, node: NjNode): void {
  const spec = NAME_ARGUMENTS[String((node.name as NjNode).value)];
  if (!spec) return;
  const children = (node.args as NjNode).children ?? [];
  const named: NjNode[] = spec.positions.map((i) => children[i]).filter((c): c is NjNode => c !== undefined);
  for (const c of children) {
    if (!isA(r, c, 'KeywordArgs')) continue;
    for (const p of c.children ?? []) {
      if (spec.keywords.includes(String((p.key as NjNode).value))) named.push(p.value as NjNode);
    }
  }
  for (const arg of named) {
    const text = fold(r, arg);
    const bad = text === undefined ? undefined : reservedPart(text);
    if (bad !== undefined) throw forbid(arg, bad, `'${bad}' is a reserved name, not an attribute or a test`);
  }
}
