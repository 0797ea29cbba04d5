import type { NjNode, NunjucksInternals } from '../nunjucks-internals.js';
import { NAME_ARGUMENTS, reservedPart } from './attribute-filters.js';
import { isForbiddenKey, isForbiddenName } from './forbidden-names.js';
import { TemplateForbiddenError } from './template-forbidden-error.js';

/** The filters the sandbox compiles member lookups and calls into. */
export const SANDBOX_FILTERS = {
  member: '__credflow_member',
  callee: '__credflow_callee',
  variable: '__credflow_variable',
  present: '__credflow_present',
  concat: '__credflow_concat',
  add: '__credflow_add',
  tick: '__credflow_tick',
  regex: '__credflow_regex',
  /** nunjucks' `safe`, unguarded: marks a `credential()`/`secret()` output verbatim (its value is reported already). */
  safe: '__credflow_safe',
  defined: '__credflow_defined',
  contains: '__credflow_contains',
  print: '__credflow_print',
  iterable: '__credflow_iterable',
  context: '__credflow_context',
  arithmetic: '__credflow_arithmetic',
  global: '__credflow_global',
} as const;

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
/** What the sandbox rewrite needs to know about the environment. */
export interface SandboxOptions {
  /** Names of the environment's globals that are functions (their members are never data). */
  functionGlobals?: ReadonlySet<string>;
  /**
   * Pebble's strict variables (as in Kestra): an undefined variable or
   * attribute is an error, except under `default`, `is defined` and `??`.
   */
  strict?: boolean;
}

/** `super()` (lifted by nunjucks by its name) and credflow's asynchronous functions (rewritten to async filters next). */
const ASYNC_CALLS = new Set(['super', 'credential', 'secret', 'render', 'renderOnce']);

/** nunjucks' arithmetic nodes other than `Add` (checked as concatenation), by the operator the sandbox computes. */
const ARITHMETIC_NODES: Readonly<Record<string, string>> = {
  Sub: '-',
  Mul: '*',
  Div: '/',
  FloorDiv: '//',
  Mod: '%',
  Pow: '**',
  Neg: 'neg',
  Pos: 'pos',
};

/** Pebble's word operators: not map keys when written bare. */
const OPERATOR_WORDS = new Set(['not', 'and', 'or', 'is', 'in', 'contains', 'equals']);

/** Tests under which an undefined value is not an error. */
const LENIENT_TESTS = new Set(['defined', 'undefined']);
/** Filters whose input may be undefined. */
const LENIENT_FILTERS = new Set(['default', 'd']);

export function sandboxAst(ast: NjNode, nj: NunjucksInternals, options: SandboxOptions = {}): NjNode {
  const functionGlobals = options.functionGlobals ?? new Set<string>();
  const strict = options.strict ?? false;
  const { nodes } = nj;
  const isA = (node: unknown, type: string): boolean =>
    node instanceof (nodes[type] as unknown as abstract new (...a: never[]) => object);
  const lit = (n: NjNode, v: string | number | boolean) => new nodes.Literal!(n.lineno, n.colno, v);
  const forbid = (n: NjNode, expression: string, reason: string) =>
    new TemplateForbiddenError(expression, reason, n.lineno + 1, n.colno + 1);

  /** A name written where it names something (a target, a parameter, a filter): checked, never looked up. */
  const checkName = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) checkName(v);
      return;
    }
    if (!isA(value, 'Node')) return;
    const node = value as NjNode;
    if (isA(node, 'Symbol')) {
      const name = node.value as string;
      if (isForbiddenName(name)) throw forbid(node, name, `'${name}' is a reserved name`);
    } else if (isA(node, 'NodeList') || isA(node, 'Array')) checkName(node.children);
    else if (isA(node, 'Pair')) {
      checkName(node.key);
      checkName(node.value);
    }
  };

  /**
   * Pebble's macro parameters: one list in the order written, each `null`
   * when the call leaves it out (nunjucks: positional ones are undefined,
   * an error under strict variables). Every parameter becomes a keyword
   * parameter, in the order written, so positional and named calls both
   * fill them as Pebble does.
   */
  const nullDefaults = (args: NjNode): NjNode => {
    const params: { at: [number, number]; pair: NjNode }[] = [];
    let kwargs: NjNode | undefined;
    for (const a of args.children ?? []) {
      if (isA(a, 'KeywordArgs')) {
        kwargs = a;
        for (const p of a.children ?? []) {
          const key = p.key as NjNode;
          params.push({ at: [key.lineno, key.colno], pair: p });
        }
      } else if (isA(a, 'Symbol')) {
        params.push({ at: [a.lineno, a.colno], pair: new nodes.Pair!(a.lineno, a.colno, a, lit(a, null as never)) });
      } else return args; // not a plain signature: leave it to nunjucks
    }
    if (params.length === 0) return args;
    params.sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1]);
    const Kw = (kwargs?.constructor ?? nodes.KeywordArgs) as unknown as new (
      l: number,
      c: number,
      ch: NjNode[],
    ) => NjNode;
    const all = new Kw(
      args.lineno,
      args.colno,
      params.map((p) => p.pair),
    );
    return new nodes.NodeList!(args.lineno, args.colno, [all]);
  };

  /** Macro and call-block parameters: names, and keyword defaults that are expressions. */
  const visitParams = (args: NjNode): void => {
    for (const a of args.children ?? []) {
      if (isA(a, 'KeywordArgs') || isA(a, 'Dict')) {
        for (const p of a.children ?? []) {
          checkName(p.key);
          p.value = visit(p.value, false);
        }
      } else checkName(a);
    }
  };

  const visit = (value: unknown, lenient: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v, lenient));
    if (!isA(value, 'Node')) return value;
    const node = value as NjNode;
    if (isA(node, 'Symbol') && node.value === '_context') {
      // Pebble's `_context`: the render's variables, as a map.
      return filter(node, SANDBOX_FILTERS.context, []);
    }
    if (isA(node, 'Symbol')) {
      checkName(node);
      // A variable read: under strict variables, undefined is an error.
      if (!strict || lenient) return node;
      return filter(node, SANDBOX_FILTERS.variable, [
        node,
        lit(node, String(node.value)),
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
      ]);
    }
    if (isA(node, 'Pair')) {
      const key = node.key as NjNode;
      if (isA(key, 'Literal') && isForbiddenKey(String(key.value))) {
        throw forbid(key, String(key.value), `'${String(key.value)}' cannot be a key`);
      }
      checkName(key); // `{a: 1}`: a literal key, not a variable
      if (isA(key, 'Symbol') && OPERATOR_WORDS.has(String(key.value))) {
        // Pebble reads `{not: x}` as the operator `not`, a syntax error (ToJsonFilterTest#exception).
        throw new nj.lib.TemplateError(
          `'${String(key.value)}' is an operator, not a map key: quote it ('${String(key.value)}')`,
          key.lineno + 1,
          key.colno + 1,
        );
      }
      node.value = visit(node.value, false);
      return node;
    }
    if (isA(node, 'Coalesce')) return coalesce(node, SANDBOX_FILTERS.present);
    if (isA(node, 'UndefinedCoalesce')) return coalesce(node, SANDBOX_FILTERS.defined);
    if (isA(node, 'Equals')) {
      return new nodes.Compare!(node.lineno, node.colno, visit(node.left, false), [
        new nodes.CompareOperand!(node.lineno, node.colno, visit(node.right, false), '=='),
      ]);
    }
    if (isA(node, 'Contains')) {
      return filter(node, SANDBOX_FILTERS.contains, [
        visit(node.left, false) as NjNode,
        visit(node.right, false) as NjNode,
      ]);
    }
    if (isA(node, 'Output')) {
      // Kestra prints a list or a map as JSON (`[1,"a"]`, `{"a":1}`), not as `1,a` or `[object Object]`.
      node.children = (node.children ?? []).map((c) =>
        isA(c, 'TemplateData') ? (visit(c, lenient) as NjNode) : printed(visit(c, lenient) as NjNode),
      );
      return node;
    }
    if (isA(node, 'Is')) {
      const right = node.right as NjNode;
      const test = isA(right, 'FunCall') ? (right.name as NjNode) : right;
      node.left = visit(node.left, lenient || LENIENT_TESTS.has(String(test.value)));
      // The test's name must stay a plain symbol: nunjucks compiles it to env.getTest(name).
      checkName(test);
      if (isA(right, 'FunCall')) right.args = visit(right.args, false);
      return node;
    }
    if (isA(node, 'Filter')) {
      checkName(node.name);
      checkNameArguments(node);
      const args = node.args as NjNode;
      const first = LENIENT_FILTERS.has(String((node.name as NjNode).value));
      args.children = (args.children ?? []).map((c, i) => visit(c, i === 0 ? lenient || first : false) as NjNode);
      return node;
    }
    if (isA(node, 'Set')) {
      checkName(node.targets);
      node.value = visit(node.value, false);
      if (node.body) node.body = visit(node.body, false);
      return node;
    }
    if (isA(node, 'For')) {
      checkName(node.name);
      node.arr = visit(node.arr, false);
      // Pebble: `for entry in map` iterates entries (`entry.key`, `entry.value`); `for k, v in map` stays nunjucks'.
      if (!isA(node.name, 'Array')) node.arr = filter(node, SANDBOX_FILTERS.iterable, [node.arr as NjNode]);
      node.body = visit(node.body, false);
      node.else_ = visit(node.else_, false);
      // Each iteration counts against the render's maxIterations (and checks its clock), and
      // gets Pebble's loop variables (`loop.index` from 0).
      const body = node.body as NjNode;
      body.children = [
        new nodes.Output!(node.lineno, node.colno, [
          filter(node, SANDBOX_FILTERS.tick, [
            lit(node, node.lineno + 1),
            lit(node, node.colno + 1),
            new nodes.Symbol!(node.lineno, node.colno, 'loop'),
            lit(node, literalLength(body)),
          ]),
        ]),
        ...(body.children ?? []),
      ];
      return node;
    }
    if (isA(node, 'Macro')) {
      checkName(node.name);
      visitParams(node.args as NjNode);
      node.args = nullDefaults(node.args as NjNode);
      node.body = visit(node.body, false);
      return node;
    }
    if (isA(node, 'Import')) {
      checkName(node.target);
      node.template = visit(node.template, false);
      return node;
    }
    if (isA(node, 'FromImport')) {
      checkName(node.names);
      node.template = visit(node.template, false);
      return node;
    }
    if (isA(node, 'Block')) {
      checkName(node.name);
      node.body = visit(node.body, false);
      return node;
    }
    if (isA(node, 'FunCall')) {
      const callee = node.name as NjNode;
      if (isA(callee, 'Symbol')) checkName(callee);
      else node.name = visit(callee, false);
      node.args = visit(node.args, false);
      // `super()` is lifted by nunjucks' transformer by its name, and
      // `credential()`/`secret()` become async filters next: leave them.
      if (isA(callee, 'Symbol') && ASYNC_CALLS.has(callee.value as string)) return node;
      // Pebble keeps functions apart from variables: `yaml(yaml)` calls the function even where a
      // variable `yaml` exists.
      const calleeNode =
        isA(callee, 'Symbol') && functionGlobals.has(callee.value as string)
          ? filter(callee, SANDBOX_FILTERS.global, [lit(callee, String(callee.value))])
          : (node.name as NjNode);
      node.name = filter(node, SANDBOX_FILTERS.callee, [
        calleeNode,
        lit(node, describe(callee)),
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
      ]);
      return node;
    }
    if (isA(node, 'LookupVal')) {
      // Checked as written, before the parts are rewritten.
      const key = node.val as NjNode;
      const target = node.target as NjNode;
      const expression = describe(node);
      const folded = fold(key);
      if (folded !== undefined && (isForbiddenKey(folded) || isForbiddenName(folded))) {
        throw forbid(node, expression, `templates cannot read '${folded}'`);
      }
      if (isA(target, 'Symbol') && functionGlobals.has(target.value as string)) {
        throw forbid(node, expression, `'${String(target.value)}' is a function: templates cannot read its members`);
      }
      const proto = literalPrototype(target);
      if (proto && folded !== undefined && folded !== 'length' && folded in proto) {
        throw forbid(node, expression, 'templates read only data, not the methods of a value');
      }
      return filter(node, SANDBOX_FILTERS.member, [
        visit(target, lenient) as NjNode,
        // Under `??`, `???` or `is defined`, an undefined subscript (`block[missing].child`) is undefined, not an error.
        visit(key, lenient) as NjNode,
        lit(node, expression),
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
        lit(node, strict && !lenient),
      ]);
    }
    if (isA(node, 'Concat') || isA(node, 'Add')) {
      // `a ~ b`, `a + b`: a string may not grow past the render's maxOutputBytes.
      return filter(node, isA(node, 'Concat') ? SANDBOX_FILTERS.concat : SANDBOX_FILTERS.add, [
        visit(node.left, lenient) as NjNode,
        visit(node.right, lenient) as NjNode,
        lit(node, node.lineno + 1),
        lit(node, node.colno + 1),
      ]);
    }
    const binary = ARITHMETIC_NODES[node.typename];
    if (binary !== undefined && Object.hasOwn(ARITHMETIC_NODES, node.typename)) {
      // Arithmetic on a sensitive number is derived from it (`pin + 1`, `pin * 2`).
      const operands = node.fields.includes('target')
        ? [visit(node.target, lenient) as NjNode]
        : [visit(node.left, lenient) as NjNode, visit(node.right, lenient) as NjNode];
      return filter(node, SANDBOX_FILTERS.arithmetic, [lit(node, binary), ...operands]);
    }
    if (isA(node, 'Literal') && node.value instanceof RegExp) {
      // `r/x/g`: RE2's linear-time engine, never JavaScript's backtracking one.
      const re = node.value;
      return filter(node, SANDBOX_FILTERS.regex, [lit(node, re.source), lit(node, re.flags)]);
    }
    if (isA(node, 'NodeList')) node.children = (node.children ?? []).map((c) => visit(c, lenient) as NjNode);
    else for (const f of node.fields) node[f] = visit(node[f], lenient);
    return node;
  };

  /**
   * Filters that take an attribute or test name (`select('odd')`,
   * `groupby('a.b')`, `sort(attribute='x')`): a literal name that is
   * reserved (`hasOwnProperty`, `constructor`, `__proto__`) is refused
   * where it is written, so `credflow validate` finds it.
   */
  const checkNameArguments = (node: NjNode): void => {
    const spec = NAME_ARGUMENTS[String((node.name as NjNode).value)];
    if (!spec) return;
    const children = (node.args as NjNode).children ?? [];
    const named: NjNode[] = spec.positions.map((i) => children[i]).filter((c): c is NjNode => c !== undefined);
    for (const c of children) {
      if (!isA(c, 'KeywordArgs')) continue;
      for (const p of c.children ?? []) {
        if (spec.keywords.includes(String((p.key as NjNode).value))) named.push(p.value as NjNode);
      }
    }
    for (const arg of named) {
      const text = fold(arg);
      const bad = text === undefined ? undefined : reservedPart(text);
      if (bad !== undefined) throw forbid(arg, bad, `'${bad}' is a reserved name, not an attribute or a test`);
    }
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

  /**
   * `a ?? b` (Pebble's null-coalescing): `b` when `a` is undefined or null.
   * Becomes `(a if a is present else b)` with `a` read leniently, so `b` is
   * evaluated only when needed (it may be a `credential()` call).
   */
  const coalesce = (node: NjNode, test: string): NjNode => {
    const left = node.left as NjNode;
    const cond = filter(node, test, [visit(clone(left), true) as NjNode]);
    const inline = new nodes.InlineIf!(node.lineno, node.colno, cond, visit(left, true), visit(node.right, false));
    return inline;
  };

  /**
   * An output item printed as Kestra prints it (lists and maps as JSON). The
   * branches of an inline `if` (also `?:`, `??`) are wrapped one by one, so
   * a branch holding `credential()` stays an inline `if` the call rewrite can
   * split (the branch not taken is never called).
   */
  const printed = (n: NjNode): NjNode => {
    let inner = n;
    while (isA(inner, 'Group') && inner.children?.length === 1) inner = inner.children[0]!;
    if (inner !== n && isA(inner, 'InlineIf')) return printed(inner);
    if (isA(n, 'InlineIf')) {
      n.body = printed(n.body as NjNode);
      if (n.else_) n.else_ = printed(n.else_ as NjNode);
      return n;
    }
    return isOwnCall(n) ? n : filter(n, SANDBOX_FILTERS.print, [n]);
  };

  /** The literal text a loop body prints each time (nested loops and macros count their own). */
  const literalLength = (n: unknown): number => {
    if (Array.isArray(n)) return n.reduce((sum: number, c) => sum + literalLength(c), 0);
    if (!isA(n, 'Node')) return 0;
    const node = n as NjNode;
    if (isA(node, 'TemplateData')) return typeof node.value === 'string' ? node.value.length : 0;
    if (isA(node, 'For') || isA(node, 'Macro')) return 0;
    if (isA(node, 'NodeList')) return literalLength(node.children ?? []);
    return node.fields.reduce((sum, f) => sum + literalLength(node[f]), 0);
  };

  /** `credential(...)` / `secret(...)`: their output is text already (and marked verbatim later). */
  const isOwnCall = (n: NjNode): boolean =>
    isA(n, 'FunCall') && isA(n.name, 'Symbol') && ['credential', 'secret'].includes(String((n.name as NjNode).value));

  /** A deep copy of a subtree (the same node must not sit in two places of the tree). */
  const clone = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(clone);
    if (!isA(n, 'Node')) return n;
    const node = n as NjNode;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(node)) as NjNode, node);
    if (isA(node, 'NodeList')) copy.children = (node.children ?? []).map((c) => clone(c) as NjNode);
    for (const f of node.fields) copy[f] = clone(node[f]);
    return copy;
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
      if (name === SANDBOX_FILTERS.callee || name === SANDBOX_FILTERS.variable)
        return String((args[1] as NjNode).value);
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

  const root = visit(ast, false) as NjNode;
  // Pebble registers macros when it parses a template: a macro can be called above its definition.
  if (isA(root, 'Root') && root.children) {
    root.children = [...root.children.filter((c) => isA(c, 'Macro')), ...root.children.filter((c) => !isA(c, 'Macro'))];
  }
  return root;
}
