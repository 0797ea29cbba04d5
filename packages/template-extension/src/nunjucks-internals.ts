import { createRequire } from 'node:module';
import type { Environment } from 'nunjucks';

/** The parts of one nunjucks installation that the rewrite needs. */
export interface NunjucksInternals {
  parser: { parse(src: string, extensions?: unknown[], opts?: unknown): NjNode };
  nodes: Record<string, NjNodeClass>;
  lib: { TemplateError: new (message: string, lineno?: number, colno?: number) => Error };
  runtime: { markSafe(value: string): unknown; SafeString: new (value: string) => unknown };
  Template: new (src: string, env: Environment, path?: string) => NjTemplate;
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

const cache = new WeakMap<object, NunjucksInternals>();
const localRequire = createRequire(import.meta.url);

/**
 * Finds the nunjucks installation an environment comes from. A host app may
 * have its own copy of nunjucks; the rewrite must patch that copy's parser,
 * so it is found through the module that defines the environment's class.
 */
export function internalsOf(env: Environment): NunjucksInternals {
  const ctor = env.constructor as object;
  const known = cache.get(ctor);
  if (known) return known;
  let envFile: string | undefined;
  for (const mod of Object.values(localRequire.cache)) {
    const exp = mod?.exports as { Environment?: unknown; Template?: unknown } | undefined;
    if (
      exp &&
      typeof exp.Environment === 'function' &&
      typeof exp.Template === 'function' &&
      env instanceof (exp.Environment as abstract new (...a: never[]) => object) &&
      mod?.filename.endsWith('environment.js')
    ) {
      envFile = mod.filename;
      break;
    }
  }
  if (!envFile) {
    const own = localRequire('nunjucks') as { Environment: abstract new (...a: never[]) => object };
    if (!(env instanceof own.Environment)) {
      throw new TypeError('[@credflow/template-extension] registerCredentials() needs a nunjucks Environment');
    }
    envFile = localRequire.resolve('nunjucks/src/environment.js');
  }
  const req = createRequire(envFile);
  const internals: NunjucksInternals = {
    parser: req('./parser.js'),
    nodes: req('./nodes.js'),
    lib: req('./lib.js'),
    runtime: req('./runtime.js'),
    Template: (req('./environment.js') as { Template: NunjucksInternals['Template'] }).Template,
  };
  cache.set(ctor, internals);
  return internals;
}
