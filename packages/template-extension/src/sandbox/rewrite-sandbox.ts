import type { NjNode, NunjucksInternals } from '../nunjucks-internals.js';
import { rewriteCall } from './rewrite/calls.js';
import { isA, type Rewrite, type Rule } from './rewrite/context.js';
import { rewriteFilter, rewriteTest } from './rewrite/filters-and-tests.js';
import { rewritePair, rewriteRegexLiteral } from './rewrite/literals.js';
import { rewriteLookup } from './rewrite/lookups.js';
import { rewriteFor } from './rewrite/loops.js';
import { hoistMacros, rewriteMacro } from './rewrite/macros.js';
import { rewriteArithmetic, rewriteCoalesce, rewriteConcat, rewriteWordOperator } from './rewrite/operators.js';
import { rewriteOutput } from './rewrite/output.js';
import { rewriteStatement } from './rewrite/statements.js';
import { rewriteVariable } from './rewrite/variables.js';
import type { TemplateForbiddenError } from './template-forbidden-error.js';

export { SANDBOX_FILTERS } from './sandbox-filters.js';

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

/**
 * The rules, in the order they are tried on each node (the first that
 * applies rewrites it; `Filter` is a `FunCall`, so filters come first).
 * Each lives in the file named after what it rewrites, under `rewrite/`.
 */
const RULES: readonly Rule[] = [
  rewriteVariable, // variables, `_context`
  rewritePair, // map literal keys
  rewriteCoalesce, // `??`, `???`
  rewriteWordOperator, // `equals`, `contains`
  rewriteOutput, // printing as Kestra prints
  rewriteTest, // `is test`
  rewriteFilter, // `| filter`
  rewriteStatement, // `set`, `import`, `from ... import`, `block`
  rewriteFor, // loops
  rewriteMacro, // macros, call blocks
  rewriteCall, // `f(...)`
  rewriteLookup, // `a.b`, `a[k]`
  rewriteConcat, // `~`, `+`
  rewriteArithmetic, // `-`, `*`, `/`, ...
  rewriteRegexLiteral, // `r/x/`
];

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
 * It also compiles in Pebble's semantics (see `language/pebble-mode.ts`).
 * Throws a {@link TemplateForbiddenError} for what is refused statically.
 */
export function sandboxAst(ast: NjNode, nj: NunjucksInternals, options: SandboxOptions = {}): NjNode {
  const r: Rewrite = {
    nj,
    nodes: nj.nodes,
    functionGlobals: options.functionGlobals ?? new Set<string>(),
    strict: options.strict ?? false,
    visit: (value, lenient) => {
      if (Array.isArray(value)) return value.map((v) => r.visit(v, lenient));
      if (!isA(r, value, 'Node')) return value;
      const node = value as NjNode;
      for (const rule of RULES) {
        const rewritten = rule(r, node, lenient);
        if (rewritten !== undefined) return rewritten;
      }
      if (isA(r, node, 'NodeList')) node.children = (node.children ?? []).map((c) => r.visit(c, lenient) as NjNode);
      else for (const f of node.fields) node[f] = r.visit(node[f], lenient);
      return node;
    },
  };
  return hoistMacros(r, r.visit(ast, false) as NjNode);
}
