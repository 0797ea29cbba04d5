import type { NjNode, NunjucksInternals } from './nunjucks-internals.js';
import { SANDBOX_FILTERS, sandboxAst } from './sandbox/rewrite-sandbox.js';
import { markMacros } from './sandbox/sandboxed-macros.js';

/** The template functions credflow provides, and the async filters they become. */
export const FUNCTIONS = {
  credential: '__credflow_credential',
  secret: '__credflow_secret',
  render: '__credflow_render',
  renderOnce: '__credflow_render_once',
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** Marks the extension object, so the parser hook knows an environment carries it. */
export const EXTENSION_MARK = Symbol.for('credflow.template-extension');

/** The extension object registered on an environment (nunjucks hands the list to its parser). */
export interface CredflowExtension {
  tags: string[];
  [EXTENSION_MARK]: true;
  /** Names of the environment's globals that are functions, at parse time. */
  functionGlobals(): ReadonlySet<string>;
  /** Names of the environment's asynchronous filters (`jq`, a host's), at parse time. */
  asyncFilters?(): ReadonlySet<string>;
  /** Strict variables (see `RegisterOptions.strictVariables`). */
  strict: boolean;
}

/** The credflow extension among an environment's extensions (as nunjucks hands them to `parser.parse`), if any. */
export function credflowExtensionIn(extensions: unknown): CredflowExtension | undefined {
  if (!Array.isArray(extensions)) return undefined;
  return extensions.find((e) => e && (e as Record<symbol, unknown>)[EXTENSION_MARK]) as CredflowExtension | undefined;
}

/** The template's AST as written (credflow's Pebble parse, without credflow's rewrites). */
export function parseAsWritten(nj: NunjucksInternals, src: string, extensions: unknown[], opts: unknown): NjNode {
  return nj.parse(src, extensions, opts);
}

/**
 * Parses a template of an environment that carries the credflow extension
 * (the nunjucks adapter's `parser.parse` hook calls this; every other
 * environment gets nunjucks' own parse). nunjucks can await async filters
 * but not functions (upstream issue #819): after parsing and before nunjucks
 * transforms and compiles the AST, each call `credential(args)` /
 * `secret(args)` becomes the async filter
 * `__credflow_credential(line, column, args)`; nunjucks' own transformer then
 * lifts it and turns the enclosing `if`/`for` into their async forms. The
 * sandbox rewrite runs first, on the tree as the author wrote it; last, the
 * macros are marked for the adapter's compiler hook.
 */
export function parseForCredflow(
  nj: NunjucksInternals,
  ours: CredflowExtension,
  src: string,
  extensions: unknown[],
  opts: unknown,
): NjNode {
  const isA = (type: string) => (v: unknown) =>
    v instanceof (nj.nodes[type] as unknown as abstract new (...a: never[]) => object);
  try {
    const ast = nj.parse(src, extensions, opts);
    checkNesting(ast, isA('Node'), nj);
    const sandboxed = sandboxAst(ast, nj, { functionGlobals: ours.functionGlobals(), strict: ours.strict });
    const rewritten = rewriteCalls(sandboxed, nj, ours.asyncFilters?.() ?? new Set());
    return markMacros(rewritten, isA('Macro'), isA('Node'));
  } catch (err) {
    // nunjucks' parser is recursive: a template nested past what the stack holds is named as such.
    if (err instanceof RangeError && /call stack/i.test(err.message)) throw tooDeep(nj);
    throw err;
  }
}

/**
 * The deepest nesting of a template's syntax tree (blocks in blocks,
 * operators and brackets in expressions) credflow compiles: nunjucks'
 * compiler and the code it makes recurse once per level, and compile time
 * grows with the square of the depth. Far past what a template needs
 * (a Kestra template nests a handful of levels).
 */
export const MAX_NESTING = 1000;

const tooDeep = (nj: NunjucksInternals, line?: number, column?: number): Error =>
  new nj.lib.TemplateError(`template nesting too deep (over ${MAX_NESTING} levels)`, line, column);

/** Throws when the tree nests deeper than {@link MAX_NESTING} (walked without recursion). */
function checkNesting(ast: NjNode, isNode: (v: unknown) => boolean, nj: NunjucksInternals): void {
  const stack: [unknown, number][] = [[ast, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth]);
      continue;
    }
    if (!isNode(value)) continue;
    const node = value as NjNode;
    if (depth > MAX_NESTING) throw tooDeep(nj, node.lineno + 1, node.colno + 1);
    for (const f of node.fields) stack.push([node[f], depth + 1]);
    if (!node.fields.includes('body')) stack.push([node.body, depth + 1]);
  }
}

/** Rewrites the calls in place; throws a TemplateError where they cannot work. */
export function rewriteCalls(
  ast: NjNode,
  nj: NunjucksInternals,
  asyncFilters: ReadonlySet<string> = new Set(),
): NjNode {
  const { nodes } = nj;
  const isA = (node: unknown, type: string): boolean =>
    node instanceof (nodes[type] as unknown as abstract new (...a: never[]) => object);

  const ours = new Set<string>(Object.values(FUNCTIONS));
  const isOurs = (n: NjNode) =>
    isA(n, 'Filter') && isA(n.name, 'Symbol') && ours.has((n.name as NjNode).value as string);

  const contains = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(contains);
    if (!isA(v, 'Node')) return false;
    const n = v as NjNode;
    if (isOurs(n)) return true;
    return isA(n, 'NodeList') ? (n.children ?? []).some(contains) : n.fields.some((f) => contains(n[f]));
  };

  const containsInclude = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(containsInclude);
    if (!isA(v, 'Node')) return false;
    const n = v as NjNode;
    if (isA(n, 'Include')) return true;
    return isA(n, 'NodeList') ? (n.children ?? []).some(containsInclude) : n.fields.some((f) => containsInclude(n[f]));
  };

  /** `((x))` is `x`. */
  const unwrap = (n: unknown): unknown => {
    let c = n;
    while (isA(c, 'Group') && (c as NjNode).children?.length === 1) c = (c as NjNode).children?.[0];
    return c;
  };

  let tmp = 0;

  /**
   * Statements nunjucks gets wrong with asynchronous content, rewritten into
   * equivalents it gets right:
   * - an `if`/`for` holding an `include` stays synchronous, so an included
   *   template that waits for a token rendered empty: make them async;
   * - a `for` whose `else` waits for a token compiles to invalid JavaScript:
   *   `<% set t = items %><% if t | length %><% for x in t %>…<% endfor %><% else %>…<% endif %>`;
   * - `<% set v = (credential('a') if c else 'x') %>` would call the branch
   *   not taken: becomes an `if` with one `set` per branch.
   */
  const fixStatement = (node: NjNode): NjNode => {
    const L = node.lineno;
    const C = node.colno;
    if (isA(node, 'For') && !isA(node, 'AsyncEach') && !isA(node, 'AsyncAll')) {
      if (node.else_ && (contains(node.else_) || containsInclude(node.else_))) {
        const name = new nodes.Symbol!(L, C, `__credflow_items${tmp++}`);
        const loop = fixStatement(new nodes.For!(L, C, name, node.name, node.body, null));
        const nonEmpty = new nodes.Filter!(
          L,
          C,
          new nodes.Symbol!(L, C, 'length'),
          new nodes.NodeList!(L, C, [new nodes.Symbol!(L, C, name.value)]),
        );
        return new nodes.NodeList!(L, C, [
          new nodes.Set!(L, C, [new nodes.Symbol!(L, C, name.value)], node.arr),
          new nodes.If!(L, C, nonEmpty, new nodes.NodeList!(L, C, [loop]), node.else_),
        ]);
      }
      if (containsInclude(node.body)) return new nodes.AsyncEach!(L, C, node.arr, node.name, node.body, node.else_);
    }
    if (isA(node, 'If') && !isA(node, 'IfAsync') && containsInclude([node.body, node.else_])) {
      return new nodes.IfAsync!(L, C, node.cond, node.body, node.else_);
    }
    if (isA(node, 'Set') && node.value) {
      const value = unwrap(node.value) as NjNode;
      if (isA(value, 'InlineIf') && contains(value)) {
        const branch = (v: unknown) =>
          new nodes.NodeList!(L, C, [
            fixStatement(new nodes.Set!(L, C, node.targets, v ?? new nodes.Literal!(L, C, ''))),
          ]);
        return new nodes.If!(L, C, value.cond, branch(value.body), branch(value.else_));
      }
    }
    return node;
  };

  /** A token output directly is never HTML-escaped (autoescape must not mangle it). */
  const safe = (c: NjNode) =>
    isOurs(c)
      ? new nodes.Filter!(
          c.lineno,
          c.colno,
          new nodes.Symbol!(c.lineno, c.colno, SANDBOX_FILTERS.safe),
          new nodes.NodeList!(c.lineno, c.colno, [c]),
        )
      : c;

  /**
   * nunjucks evaluates every async filter of an output before the output, so
   * in `<< credential('k') if c else 'x' >>` the call would run even when `c`
   * is false. An inline `if` that holds a call and is a whole output item
   * becomes a real `if` statement, so the branch not taken is never called.
   */
  const splitOutput = (out: NjNode): NjNode => {
    const children = (out.children ?? []).map((c) => {
      const inner = unwrap(c) as NjNode;
      return safe(isA(inner, 'InlineIf') && contains(inner) ? inner : c);
    });
    if (!children.some((c) => isA(c, 'InlineIf') && contains(c))) {
      out.children = children;
      return out;
    }
    const parts: NjNode[] = [];
    let run: NjNode[] = [];
    const flush = () => {
      if (run.length) parts.push(new nodes.Output!(out.lineno, out.colno, run));
      run = [];
    };
    for (const c of children) {
      if (isA(c, 'InlineIf') && contains(c)) {
        flush();
        const branch = (b: unknown) =>
          b ? new nodes.NodeList!(c.lineno, c.colno, [splitOutput(new nodes.Output!(c.lineno, c.colno, [b]))]) : null;
        parts.push(new nodes.If!(c.lineno, c.colno, c.cond, branch(c.body), branch(c.else_)));
      } else run.push(c);
    }
    flush();
    return new nodes.NodeList!(out.lineno, out.colno, parts);
  };

  const visit = (value: unknown, where: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((n) => visit(n, where));
    if (!isA(value, 'Node')) return value;
    const node = value as NjNode;
    // Macros, call blocks and captured blocks (`set ... endset`, `filter ... endfilter`)
    // render synchronously: async work there would silently render empty.
    const inner = isA(node, 'Caller')
      ? 'a call block'
      : isA(node, 'Macro')
        ? 'a macro'
        : isA(node, 'Capture')
          ? 'a block set or filter block'
          : where;
    if (isA(node, 'NodeList')) {
      node.children = (node.children ?? []).map((c) => visit(c, inner) as NjNode);
      if (isA(node, 'Output')) return splitOutput(node);
    } else {
      for (const f of node.fields) node[f] = visit(node[f], inner);
      if (isA(node, 'Set') && node.body) node.body = visit(node.body, inner);
    }
    if (!where && (isA(node, 'For') || isA(node, 'If') || isA(node, 'Set'))) return fixStatement(node);
    // Any asynchronous filter (`jq`, a host's) would render empty where nunjucks cannot wait.
    if (where && isA(node, 'Filter') && isA(node.name, 'Symbol')) {
      const name = String((node.name as NjNode).value);
      if (asyncFilters.has(name) && !ours.has(name)) {
        throw new nj.lib.TemplateError(
          `the '${name}' filter cannot be used inside ${where}: it is asynchronous and would render empty. Apply it outside and pass the value in (e.g. <% set v = x | ${name}(...) %>)`,
          node.lineno + 1,
          node.colno + 1,
        );
      }
    }
    if (isA(node, 'FunCall') && !isA(node, 'Filter') && isA(node.name, 'Symbol')) {
      const name = (node.name as NjNode).value as string;
      if (Object.hasOwn(FUNCTIONS, name)) {
        if (where) {
          throw new nj.lib.TemplateError(
            `${name}() cannot be used inside ${where}: it is asynchronous and would render empty. Call it outside and pass the value in (e.g. <% set token = ${name}(...) %>)`,
            node.lineno + 1,
            node.colno + 1,
          );
        }
        const args = node.args as NjNode;
        const lit = (v: number) => new nodes.Literal!(node.lineno, node.colno, v);
        return new nodes.Filter!(
          node.lineno,
          node.colno,
          new nodes.Symbol!(node.lineno, node.colno, FUNCTIONS[name as FunctionName]),
          new nodes.NodeList!(node.lineno, node.colno, [
            lit(node.lineno + 1),
            lit(node.colno + 1),
            ...(args.children ?? []),
          ]),
        );
      }
    }
    return node;
  };
  return visit(ast, undefined) as NjNode;
}
