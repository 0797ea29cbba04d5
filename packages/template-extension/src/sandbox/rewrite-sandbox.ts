import type { NjNode, NunjucksInternals } from '../nunjucks-internals.js';
import { isForbiddenKey, isForbiddenName } from './forbidden-names.js';
import { TemplateForbiddenError } from './template-forbidden-error.js';

/** The filters the sandbox compiles member lookups and calls into. */
export const SANDBOX_FILTERS = { member: '__credflow_member', callee: '__credflow_callee' } as const;

/**
 * Makes a parsed template a sandbox (like Pebble's), before nunjucks
 * transforms and compiles it:
 * - every `a.b`, `a['b']`, `a[k]` becomes a checked read (`memberAccess`);
 * - the callee of every call `f(...)` is checked (`checkCallee`) before
 *   nunjucks calls it;
 * - forbidden names (`constructor`, `__proto__`, `prototype`, members of
 *   `Object.prototype`) are refused where they are written: variables,
 *   `set`/`for`/macro/import targets, filter and test names, keyword
 *   arguments, literal keys of lookups and dict literals.
 * - reads that can only reach JavaScript are refused where they are
 *   written: any member of a global function (`range.name`,
 *   `cycler[k]`), prototype members of literals (`"a".toUpperCase`), and
 *   `Object.prototype` members (`x.toString`), also when the key is a
 *   concatenation of literals (`'constr' ~ 'uctor'`).
 * Throws a {@link TemplateForbiddenError} for what is refused statically.
 */
export function sandboxAst(
  ast: NjNode,
  nj: NunjucksInternals,
  functionGlobals: ReadonlySet<string> = new Set(),
): NjNode {
  const { nodes } = nj;
  const isA = (node: unknown, type: string): boolean =>
    node instanceof (nodes[type] as unknown as abstract new (...a: never[]) => object);
  const lit = (n: NjNode, v: string | number) => new nodes.Literal!(n.lineno, n.colno, v);
  const forbid = (n: NjNode, expression: string, reason: string) =>
    new TemplateForbiddenError(expression, reason, n.lineno + 1, n.colno + 1);

  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isA(value, 'Node')) return value;
    const node = value as NjNode;
    if (isA(node, 'Symbol')) {
      const name = node.value as string;
      if (isForbiddenName(name)) throw forbid(node, name, `'${name}' is a reserved name`);
      return node;
    }
    if (isA(node, 'Pair')) {
      const key = node.key as NjNode;
      if (isA(key, 'Literal') && isForbiddenKey(String(key.value))) {
        throw forbid(key, String(key.value), `'${String(key.value)}' cannot be a key`);
      }
    }
    if (isA(node, 'Is')) {
      node.left = visit(node.left);
      const right = node.right as NjNode;
      // The test's name must stay a plain symbol: nunjucks compiles it to env.getTest(name).
      if (isA(right, 'FunCall')) {
        visit(right.name);
        right.args = visit(right.args);
      } else visit(right);
      return node;
    }
    if (isA(node, 'NodeList')) node.children = (node.children ?? []).map((c) => visit(c) as NjNode);
    else for (const f of node.fields) node[f] = visit(node[f]);
    if (isA(node, 'Set') && node.body) node.body = visit(node.body);

    if (isA(node, 'LookupVal')) {
      const key = node.val as NjNode;
      const expression = describe(node);
      const folded = fold(key);
      if (folded !== undefined && (isForbiddenKey(folded) || isForbiddenName(folded))) {
        throw forbid(node, expression, `templates cannot read '${folded}'`);
      }
      const target = node.target as NjNode;
      if (isA(target, 'Symbol') && functionGlobals.has(target.value as string)) {
        throw forbid(node, expression, `'${String(target.value)}' is a function: templates cannot read its members`);
      }
      const proto = literalPrototype(target);
      if (proto && folded !== undefined && folded !== 'length' && folded in proto) {
        throw forbid(node, expression, 'templates read only data, not the methods of a value');
      }
      return filter(node, SANDBOX_FILTERS.member, [
        node.target as NjNode,
        key,
        lit(node, expression),
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
      ]);
    }
    if (isA(node, 'FunCall') && !isA(node, 'Filter')) {
      const callee = node.name as NjNode;
      // `super()` is lifted by nunjucks' transformer by its name, and
      // `credential()`/`secret()` become async filters next: leave them.
      if (isA(callee, 'Symbol') && ['super', 'credential', 'secret'].includes(callee.value as string)) return node;
      node.name = filter(node, SANDBOX_FILTERS.callee, [
        callee,
        lit(node, describe(callee)),
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
      ]);
    }
    return node;
  };

  /** The text of a key written as a literal or a concatenation of literals; else undefined. */
  const fold = (n: unknown): string | undefined => {
    const node = n as NjNode;
    if (isA(node, 'Literal'))
      return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : undefined;
    if (isA(node, 'Group') && node.children?.length === 1) return fold(node.children[0]);
    if (isA(node, 'Concat') || isA(node, 'Add')) {
      const l = fold(node.left);
      const r = fold(node.right);
      return l !== undefined &&
        r !== undefined &&
        (isA(node, 'Concat') || typeof (node.left as NjNode).value === 'string')
        ? l + r
        : undefined;
    }
    return undefined;
  };

  /** The prototype a literal's members come from (`"a"`, `1`, `[...]`, `{...}`, `r/x/`). */
  const literalPrototype = (n: unknown): object | undefined => {
    const node = n as NjNode;
    if (isA(node, 'Group') && node.children?.length === 1) return literalPrototype(node.children[0]);
    if (isA(node, 'Array')) return Array.prototype;
    if (isA(node, 'Dict')) return Object.prototype;
    if (!isA(node, 'Literal')) return undefined;
    return node.value === null || node.value === undefined ? undefined : Object.getPrototypeOf(node.value);
  };

  const filter = (at: NjNode, name: string, args: NjNode[]): NjNode =>
    new nodes.Filter!(
      at.lineno,
      at.colno,
      new nodes.Symbol!(at.lineno, at.colno, name),
      new nodes.NodeList!(at.lineno, at.colno, args),
    );

  /** The expression as written (for messages): `range.constructor`, `a[k]`, `f(…)`. */
  const describe = (n: unknown, depth = 0): string => {
    if (depth > 8 || !isA(n, 'Node')) return '…';
    const node = n as NjNode;
    if (isA(node, 'Symbol')) return String(node.value);
    if (isA(node, 'Literal')) return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    if (isA(node, 'LookupVal')) {
      const key = node.val as NjNode;
      const target = describe(node.target, depth + 1);
      return isA(key, 'Literal') && typeof key.value === 'string' && /^[A-Za-z_$][\w$]*$/.test(key.value)
        ? `${target}.${key.value}`
        : `${target}[${describe(key, depth + 1)}]`;
    }
    if (isA(node, 'Filter')) {
      const args = (node.args as NjNode).children ?? [];
      const name = String((node.name as NjNode).value);
      if (name === SANDBOX_FILTERS.member) return String((args[2] as NjNode).value);
      if (name === SANDBOX_FILTERS.callee) return String((args[1] as NjNode).value);
      return `${describe(args[0], depth + 1)} | ${name}`;
    }
    if (isA(node, 'FunCall')) return `${describe(node.name, depth + 1)}(…)`;
    if (isA(node, 'Group') && isA((node.children ?? [])[0], 'Filter'))
      return `(${describe((node.children ?? [])[0], depth + 1)})`;
    if (isA(node, 'Group')) return `(${describe((node.children ?? [])[0], depth + 1)})`;
    if (isA(node, 'Array')) return '[…]';
    if (isA(node, 'Dict')) return '{…}';
    return '…';
  };

  return visit(ast) as NjNode;
}
