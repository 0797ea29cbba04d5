import type { Environment } from 'nunjucks';
import { nunjucksOf as internalsOf } from './nunjucks/adapter.js';
import type { NjNode } from './nunjucks-internals.js';
import { registrationOf } from './registration.js';
import { templateFor, toRenderError } from './render-string.js';
import { parseAsWritten } from './rewrite-calls.js';
import type { TemplateRenderError } from './template-error.js';

/** A name used in a template, where. */
export interface TemplateUse {
  name: string;
  line: number;
}

/** A function call; `key` is its first argument when that is a literal string. */
export interface TemplateCall extends TemplateUse {
  key?: string;
}

/** A variable read with literal attributes (`inputs.user` → `['inputs', 'user']`). */
export interface TemplateReference {
  path: string[];
  line: number;
  /** Under `default`, `is defined` or `??`: may be missing. */
  optional: boolean;
}

/** What a template uses, found without rendering it. */
export interface TemplateAnalysis {
  /** A syntax error or a sandbox refusal, as the render would report it. */
  error?: TemplateRenderError;
  /** Calls of functions the template does not define itself (macros, imports, set variables). */
  calls: TemplateCall[];
  filters: TemplateUse[];
  tests: TemplateUse[];
  /** Reads of variables the template does not define itself. */
  references: TemplateReference[];
}

const LENIENT_TESTS = new Set(['defined', 'undefined']);
const LENIENT_FILTERS = new Set(['default', 'd']);

/**
 * Compiles a template (syntax, sandbox) and lists the functions, filters,
 * tests and variables it uses, so a caller can check them before anything
 * runs (`credflow validate`). Nothing is rendered, nothing is called.
 */
export function analyzeTemplate(env: Environment, src: string, name = '<string>'): TemplateAnalysis {
  const nj = internalsOf(env);
  const analysis: TemplateAnalysis = { calls: [], filters: [], tests: [], references: [] };
  if (!registrationOf(env)) throw new TypeError('analyzeTemplate(): call registerCredentials(env, { store }) first');
  const Template = nj.Template as unknown as new (s: string, e: Environment, p: string, eager: boolean) => unknown;
  try {
    // Compiled into the render's cache: a render of the same string under the same name reuses it.
    (templateFor(env, src, name) as unknown as { compile(): void }).compile();
  } catch {
    try {
      // The error exactly as a render reports it (nunjucks adds the template's path and position).
      new Template(src, env, name, true);
    } catch (err) {
      analysis.error = toRenderError(err, name);
      return analysis;
    }
  }
  const e = env as unknown as { extensionsList: unknown[]; opts: unknown };
  const ast = parseAsWritten(nj, src, e.extensionsList, e.opts);
  const isA = (node: unknown, type: string): boolean =>
    node instanceof (nj.nodes[type] as unknown as abstract new (...a: never[]) => object);

  // Names the template defines itself (anywhere: nunjucks scoping is not modelled, a name defined once is known).
  const defined = new Set<string>(['loop', 'caller', 'super']);
  const define = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) define(x);
    else if (isA(v, 'Symbol')) defined.add(String((v as NjNode).value));
    else if (isA(v, 'NodeList') || isA(v, 'Array')) define((v as NjNode).children);
    else if (isA(v, 'Pair')) define((v as NjNode).value);
  };
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) collect(x);
      return;
    }
    if (!isA(v, 'Node')) return;
    const n = v as NjNode;
    if (isA(n, 'Set')) define(n.targets);
    if (isA(n, 'For')) define(n.name);
    if (isA(n, 'Macro')) {
      define(n.name);
      for (const a of (n.args as NjNode).children ?? []) {
        if (isA(a, 'Dict')) for (const p of a.children ?? []) define(p.key);
        else define(a);
      }
    }
    if (isA(n, 'Import')) define(n.target);
    if (isA(n, 'FromImport')) define(n.names);
    if (isA(n, 'NodeList')) collect(n.children);
    else for (const f of n.fields) collect(n[f]);
  };
  collect(ast);

  const line = (n: NjNode) => n.lineno + 1;
  /** `a.b.c` with literal keys → ['a', 'b', 'c']; undefined when any part is computed. */
  const pathOf = (n: NjNode): string[] | undefined => {
    if (isA(n, 'Symbol')) return [String(n.value)];
    if (isA(n, 'LookupVal') && isA(n.val, 'Literal')) {
      const base = pathOf(n.target as NjNode);
      return base ? [...base, String((n.val as NjNode).value)] : undefined;
    }
    return undefined;
  };

  const walk = (v: unknown, optional: boolean): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, optional);
      return;
    }
    if (!isA(v, 'Node')) return;
    const n = v as NjNode;
    const path = pathOf(n);
    if (path) {
      if (!defined.has(path[0] as string)) analysis.references.push({ path, line: line(n), optional });
      // The computed parts of a chain are walked below; a literal chain is done.
      return;
    }
    if (isA(n, 'LookupVal')) {
      walk(n.target, optional);
      walk(n.val, false);
      return;
    }
    if (isA(n, 'Filter')) {
      const fname = String((n.name as NjNode).value);
      analysis.filters.push({ name: fname, line: line(n) });
      const args = (n.args as NjNode).children ?? [];
      for (const [i, a] of args.entries()) walk(a, i === 0 && (optional || LENIENT_FILTERS.has(fname)));
      return;
    }
    if (isA(n, 'Is')) {
      const right = n.right as NjNode;
      const test = isA(right, 'FunCall') ? (right.name as NjNode) : right;
      analysis.tests.push({ name: String(test.value), line: line(n) });
      walk(n.left, optional || LENIENT_TESTS.has(String(test.value)));
      if (isA(right, 'FunCall')) walk(right.args, false);
      return;
    }
    if (isA(n, 'Coalesce')) {
      walk(n.left, true);
      walk(n.right, optional);
      return;
    }
    if (isA(n, 'FunCall')) {
      const callee = n.name as NjNode;
      if (isA(callee, 'Symbol')) {
        const fname = String(callee.value);
        if (!defined.has(fname)) {
          const first = ((n.args as NjNode).children ?? [])[0];
          const key = isA(first, 'Literal') && typeof first?.value === 'string' ? first.value : undefined;
          analysis.calls.push({ name: fname, line: line(n), ...(key !== undefined ? { key } : {}) });
        }
      } else walk(callee, false);
      walk(n.args, false);
      return;
    }
    if (isA(n, 'Pair')) {
      // Dict keys and keyword names are names, not reads.
      walk(n.value, false);
      return;
    }
    // Statement parts that name things rather than read them.
    if (isA(n, 'Set')) return void walk([n.value, n.body], false);
    if (isA(n, 'For')) return void walk([n.arr, n.body, n.else_], false);
    if (isA(n, 'Macro')) return void walk(n.body, false);
    if (isA(n, 'Import') || isA(n, 'FromImport')) return void walk(n.template, false);
    if (isA(n, 'Block')) return void walk(n.body, false);
    if (isA(n, 'NodeList')) walk(n.children, optional);
    else for (const f of n.fields) walk(n[f], optional);
  };
  walk(ast, false);
  return analysis;
}
