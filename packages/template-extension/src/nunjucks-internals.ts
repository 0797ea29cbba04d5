import type { Environment } from 'nunjucks';

/**
 * The parts of one nunjucks copy credflow uses, found (and patched, once per
 * copy) by the nunjucks adapter (`nunjucks/adapter.ts`).
 */
export interface NunjucksInternals {
  /** The copy's version (`3.2.4`), or `undefined` where it cannot be read (a bundle). */
  version: string | undefined;
  /** Parses a template as written in credflow's dialect (Pebble's operators and strings), without rewrites. */
  parse(src: string, extensions: unknown[] | undefined, opts: unknown): NjNode;
  /** nunjucks' AST node classes, plus the nodes of Pebble's operators (`Coalesce`, `Contains`, ...). */
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
