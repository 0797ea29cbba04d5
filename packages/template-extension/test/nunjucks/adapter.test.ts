/**
 * The nunjucks internals credflow relies on (parser hook, AST node shapes,
 * the render context, error wrapping, macros, raw blocks). nunjucks is
 * pinned to ~3.2.4; if an upgrade changes any of these, this file fails
 * first, and loudly, instead of the sandbox silently weakening.
 */
import { createRequire } from 'node:module';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials } from '../src/index.js';

const require = createRequire(import.meta.url);
const nodes = require('nunjucks/src/nodes.js') as Record<string, new (l: number, c: number) => { fields: string[] }>;
const compiler = require('nunjucks/src/compiler.js') as {
  compile(src: string, asyncFilters: string[], extensions: unknown[], name: string, opts: object): string;
};
const lib = require('nunjucks/src/lib.js') as {
  _prettifyError(path: string, withInternals: boolean, err: Error): Error;
};
const runtime = require('nunjucks/src/runtime.js') as Record<string, unknown>;
const parser = require('nunjucks/src/parser.js') as { parse: unknown; Parser: { prototype: Record<string, unknown> } };

const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });

describe('nunjucks internals the extension relies on', () => {
  it('is the pinned version', () => {
    expect((require('nunjucks/package.json') as { version: string }).version).toMatch(/^3\.2\.\d+$/);
  });

  it('has the AST node shapes the rewrites build and read', () => {
    const shapes: Record<string, string[]> = {
      LookupVal: ['target', 'val'],
      FunCall: ['name', 'args'],
      Filter: ['name', 'args'],
      If: ['cond', 'body', 'else_'],
      IfAsync: ['cond', 'body', 'else_'],
      For: ['arr', 'name', 'body', 'else_'],
      AsyncEach: ['arr', 'name', 'body', 'else_'],
      Set: ['targets', 'value'],
      InlineIf: ['cond', 'body', 'else_'],
      Is: ['left', 'right'],
      Pair: ['key', 'value'],
      Symbol: ['value'],
      Literal: ['value'],
      Output: ['children'],
      TemplateData: ['value'],
      Macro: ['name', 'args', 'body'],
      Caller: ['name', 'args', 'body'],
      Capture: ['body'],
    };
    for (const [type, fields] of Object.entries(shapes)) {
      expect(nodes[type], type).toBeTypeOf('function');
      expect(new (nodes[type] as new (l: number, c: number) => { fields: string[] })(0, 0).fields, type).toEqual(
        fields,
      );
    }
    expect(new (nodes.Filter as new (l: number, c: number) => object)(0, 0)).toBeInstanceOf(nodes.FunCall);
    expect(new (nodes.IfAsync as new (l: number, c: number) => object)(0, 0)).toBeInstanceOf(nodes.If);
  });

  it('passes the environment extensions to parser.parse, so the rewrite runs before compiling', () => {
    const env = registerCredentials(new nunjucks.Environment(null), { store });
    const e = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: object };
    const src = compiler.compile('<< a.b >><< f(1) >>', e.asyncFilters, e.extensionsList, 'x', e.opts);
    expect(src).not.toContain('runtime.memberLookup(');
    expect(src).toContain('env.getFilter("__credflow_member")');
    expect(src).toContain('env.getFilter("__credflow_callee")');
    // Without the extension nothing is rewritten.
    const plain = compiler.compile('{{ a.b }}', [], [], 'x', {});
    expect(plain).toContain('runtime.memberLookup(');
  });

  it('creates a render Context per template from the variables it is given (the frame travels with them)', () => {
    let seen: { ctx?: unknown; env?: unknown } | undefined;
    const env = new nunjucks.Environment();
    env.addFilter('grab', function (this: { ctx?: unknown; env?: unknown }) {
      seen = this;
      return '';
    });
    const vars = { a: 1 };
    env.renderString('{{ 0 | grab }}', vars);
    expect(seen?.env).toBe(env);
    expect(seen?.ctx).toEqual(vars);
    expect(seen?.ctx).not.toBe(vars); // a copy: why frames are carried by patching Context.init
    expect(typeof (Object.getPrototypeOf(seen) as { init?: unknown }).init).toBe('function');
  });

  it('keeps the name of an error that has Update() through its error wrapping', () => {
    const err = Object.assign(new Error('m'), { name: 'TemplateForbiddenError', Update: () => err });
    expect(lib._prettifyError('p', false, err).name).toBe('TemplateForbiddenError');
  });

  it('builds macros with runtime.makeMacro and parses raw blocks with Parser.prototype.parseRaw', () => {
    expect(runtime.makeMacro).toBeTypeOf('function');
    expect(runtime.memberLookup).toBeTypeOf('function');
    expect(parser.Parser.prototype.parseRaw).toBeTypeOf('function');
    const e = new nunjucks.Environment() as unknown as {
      asyncFilters: string[];
      extensionsList: unknown[];
      opts: object;
    };
    expect(compiler.compile('{% macro m() %}{% endmacro %}', [], [], 'x', e.opts)).toContain('runtime.makeMacro(');
  });
});
