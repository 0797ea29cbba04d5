import type { NjNode } from '../../nunjucks-internals.js';
import { isA, lit, type Rewrite, type Rule } from './context.js';
import { checkName } from './names.js';

/** A macro or call block (`Caller` extends `Macro`): names checked, parameters as Pebble's. */
export const rewriteMacro: Rule = (r, node) => {
  if (!isA(r, node, 'Macro')) return undefined;
  checkName(r, node.name);
  visitParams(r, node.args as NjNode);
  node.args = nullDefaults(r, node.args as NjNode);
  node.body = r.visit(node.body, false);
  return node;
};

/** Pebble registers macros when it parses a template: a macro can be called above its definition. */
export function hoistMacros(r: Rewrite, root: NjNode): NjNode {
  if (isA(r, root, 'Root') && root.children) {
    root.children = [
      ...root.children.filter((c) => isA(r, c, 'Macro')),
      ...root.children.filter((c) => !isA(r, c, 'Macro')),
    ];
  }
  return root;
}

/** Macro and call-block parameters: names, and keyword defaults that are expressions. */
function visitParams(r: Rewrite, args: NjNode): void {
  for (const a of args.children ?? []) {
    if (isA(r, a, 'KeywordArgs') || isA(r, a, 'Dict')) {
      for (const p of a.children ?? []) {
        checkName(r, p.key);
        p.value = r.visit(p.value, false);
      }
    } else checkName(r, a);
  }
}

/**
 * Pebble's macro parameters: one list in the order written, each `null`
 * when the call leaves it out (nunjucks: positional ones are undefined,
 * an error under strict variables). Every parameter becomes a keyword
 * parameter, in the order written, so positional and named calls both
 * fill them as Pebble does.
 */
function nullDefaults(r: Rewrite, args: NjNode): NjNode {
  const params: { at: [number, number]; pair: NjNode }[] = [];
  let kwargs: NjNode | undefined;
  for (const a of args.children ?? []) {
    if (isA(r, a, 'KeywordArgs')) {
      kwargs = a;
      for (const p of a.children ?? []) {
        const key = p.key as NjNode;
        params.push({ at: [key.lineno, key.colno], pair: p });
      }
    } else if (isA(r, a, 'Symbol')) {
      params.push({
        at: [a.lineno, a.colno],
        pair: new r.nodes.Pair!(a.lineno, a.colno, a, lit(r, a, null as never)),
      });
    } else return args; // not a plain signature: leave it to nunjucks
  }
  if (params.length === 0) return args;
  params.sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1]);
  const Kw = (kwargs?.constructor ?? r.nodes.KeywordArgs) as unknown as new (
    l: number,
    c: number,
    ch: NjNode[],
  ) => NjNode;
  const all = new Kw(
    args.lineno,
    args.colno,
    params.map((p) => p.pair),
  );
  return new r.nodes.NodeList!(args.lineno, args.colno, [all]);
}
