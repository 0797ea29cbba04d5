import { createRequire } from 'node:module';
import nunjucks, { type Environment } from 'nunjucks';

/** The parts of one nunjucks installation that the rewrite needs. */
export interface NunjucksInternals {
  parser: { parse(src: string, extensions?: unknown[], opts?: unknown): NjNode };
  /** nunjucks' `Parser` class (exported by its parser module). */
  parserClass: { prototype: object };
  nodes: Record<string, NjNodeClass>;
  /** nunjucks' lexer module (`lex(src, opts)` makes a tokenizer). */
  lexer: { lex(src: string, opts?: unknown): object };
  lib: { TemplateError: new (message: string, lineno?: number, colno?: number) => Error };
  runtime: {
    markSafe(value: string): unknown;
    SafeString: new (value: string) => unknown;
    makeMacro: (...args: unknown[]) => (...args: unknown[]) => unknown;
  };
  Template: new (src: string, env: Environment, path?: string) => NjTemplate;
  /** nunjucks' render context class (not exported by nunjucks; found by a probe render). */
  Context: { prototype: object };
}

/** A nunjucks AST node (nunjucks ships no types for its internals). */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children?: NjNode[];
  [field: string]: unknown;
}

export type NjNodeClass = new (lineno: number, colno: number, ...args: unknown[]) => NjNode;

export interface NjTemplate {
  render(ctx: object, cb: (err: Error | null, res: string | null) => void): string | null;
}

/** The parts of one nunjucks installation, as its main module (`index.js`) exports them. */
interface NunjucksModules {
  Environment: new () => Environment;
  Template: NunjucksInternals['Template'];
  parser: NunjucksInternals['parser'] & { Parser: NunjucksInternals['parserClass'] };
  nodes: NunjucksInternals['nodes'];
  lexer: NunjucksInternals['lexer'];
  lib: NunjucksInternals['lib'];
  runtime: NunjucksInternals['runtime'];
}

/** The nunjucks this package imports: in a bundle (the `credflow` CLI), the bundled copy. */
const own = nunjucks as unknown as NunjucksModules;
const cache = new WeakMap<object, NunjucksInternals>();
const localRequire = createRequire(import.meta.url);

/**
 * Finds the nunjucks installation an environment comes from. A host app may
 * have its own copy of nunjucks; the rewrite must patch that copy's parser,
 * so it is found through the module that defines the environment's class:
 * the nunjucks this package imports (the only one in a bundle, which Node's
 * module cache does not hold), else a copy in Node's module cache.
 */
export function internalsOf(env: Environment): NunjucksInternals {
  const ctor = env.constructor as object;
  const known = cache.get(ctor);
  if (known) return known;
  const modules = env instanceof own.Environment ? own : requireModules(env);
  const internals: NunjucksInternals = {
    parser: modules.parser,
    parserClass: modules.parser.Parser,
    nodes: modules.nodes,
    lexer: modules.lexer,
    lib: modules.lib,
    runtime: modules.runtime,
    Template: modules.Template,
    Context: probeContext(modules.Environment, modules.Template),
  };
  cache.set(ctor, internals);
  return internals;
}

/** The installation in Node's module cache that defines the environment's class. */
function requireModules(env: Environment): NunjucksModules {
  for (const mod of Object.values(localRequire.cache)) {
    const exp = mod?.exports as { Environment?: unknown; Template?: unknown } | undefined;
    if (
      exp &&
      typeof exp.Environment === 'function' &&
      typeof exp.Template === 'function' &&
      env instanceof (exp.Environment as abstract new (...a: never[]) => object) &&
      mod?.filename.endsWith('environment.js')
    ) {
      const req = createRequire(mod.filename);
      const { Environment, Template } = req('./environment.js') as Pick<NunjucksModules, 'Environment' | 'Template'>;
      return {
        Environment,
        Template,
        parser: req('./parser.js'),
        nodes: req('./nodes.js'),
        lexer: req('./lexer.js'),
        lib: req('./lib.js'),
        runtime: req('./runtime.js'),
      };
    }
  }
  throw new TypeError('[@credflow/template-extension] registerCredentials() needs a nunjucks Environment');
}

/**
 * Renders a precompiled template (a `root` function, as nunjucks' compiler
 * would produce) on a throwaway environment: its render function gets the
 * Context. Nothing is lexed, parsed or compiled, so this costs no template
 * compilation at start-up.
 */
function probeContext(
  Environment: new () => Environment,
  Template: NunjucksInternals['Template'],
): { prototype: object } {
  let found: { prototype: object } | undefined;
  const root = (
    _env: unknown,
    context: object,
    _frame: unknown,
    _runtime: unknown,
    cb: (e: null, r: string) => void,
  ) => {
    found = context.constructor as { prototype: object };
    cb(null, '');
  };
  const Precompiled = Template as unknown as new (
    src: { type: 'code'; obj: object },
    env: Environment,
  ) => { render(ctx: object): string | null };
  // Without a callback the render is synchronous (an error would throw).
  new Precompiled({ type: 'code', obj: { root } }, new Environment()).render({});
  if (!found)
    throw new Error('[@credflow/template-extension] this nunjucks version is not supported (no render context)');
  return found;
}
