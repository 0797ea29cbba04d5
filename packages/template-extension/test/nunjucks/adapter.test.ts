/**
 * The contract of the nunjucks adapter: every nunjucks internal credflow
 * relies on (the parser hook, the Parser and tokenizer methods its
 * subclasses override, the lexer's tokens, the AST node shapes the
 * rewrites build and read, the compiler's macro code, the render context,
 * error wrapping). nunjucks is pinned to 3.2.4; if an upgrade changes any
 * of these, this file fails first, and loudly, instead of the sandbox
 * silently weakening.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials } from '../../src/index.js';
import { NUNJUCKS_VERSION, nunjucksOf } from '../../src/nunjucks/adapter.js';

const require = createRequire(import.meta.url);
type NodeClass = new (l: number, c: number, ...a: unknown[]) => { fields: string[]; typename: string };
const nodes = require('nunjucks/src/nodes.js') as Record<string, NodeClass>;
const compiler = require('nunjucks/src/compiler.js') as {
  compile(src: string, asyncFilters: string[], extensions: unknown[], name: string, opts: object): string;
  Compiler: { prototype: Record<string, unknown> };
};
const lib = require('nunjucks/src/lib.js') as {
  _prettifyError(path: string, withInternals: boolean, err: Error): Error;
};
const runtime = require('nunjucks/src/runtime.js') as Record<string, unknown>;
const parser = require('nunjucks/src/parser.js') as {
  parse: (src: string, extensions?: unknown[], opts?: object) => unknown;
  Parser: { prototype: Record<string, unknown> };
};
const lexer = require('nunjucks/src/lexer.js') as Record<string, unknown> & {
  lex(src: string, opts?: object): { nextToken(): { type: string; value: string } | null };
};

/** nunjucks' own source of one of its files (the adapter replaces some of these functions in memory). */
const source = (file: string) => readFileSync(require.resolve(`nunjucks/src/${file}`), 'utf8');

const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });

describe('the nunjucks internals the adapter relies on', () => {
  it('is nunjucks 3.2.4 exactly, the version the adapter checks for', () => {
    expect((require('nunjucks/package.json') as { version: string }).version).toBe('3.2.4');
    expect(NUNJUCKS_VERSION).toBe('3.2.4');
    expect(nunjucksOf(new nunjucks.Environment()).version).toBe('3.2.4');
  });

  it('parses through parser.parse(src, extensions, opts) = a Parser over lexer.lex(src, opts), then parseAsRoot', () => {
    // credflow's Pebble parse re-does these three steps with its subclasses: pin them.
    expect(source('parser.js')).toMatch(
      /parse: function parse\(src, extensions, opts\) \{\s*var p = new Parser\(lexer\.lex\(src, opts\)\);\s*if \(extensions !== undefined\) \{\s*p\.extensions = extensions;\s*\}\s*return p\.parseAsRoot\(\);/,
    );
    // On a template without Pebble constructs, the Pebble parse is nunjucks' parse.
    const nj = nunjucksOf(new nunjucks.Environment());
    const src =
      '{% raw %}{{ x }}{% endraw %}{% for a in b %}{{ a.c | upper }}{% else %}-{% endfor %}{{ "q" if t else 2 }}';
    expect(JSON.stringify(nj.parse(src, [], {}))).toBe(JSON.stringify(parser.parse(src, [], {})));
  });

  it('has the Parser methods the Pebble parser overrides or calls', () => {
    const overridden = ['parseExpression', 'parseIn', 'parseFilterStatement', 'parseRaw'];
    const called = [
      'parseAsRoot',
      'parseInlineIf',
      'skipSymbol',
      'skip',
      'fail',
      'peekToken',
      'parseFilterName',
      'parseFilterArgs',
      'advanceAfterBlockEnd',
      'parseUntilBlocks',
    ];
    for (const m of [...overridden, ...called]) expect(parser.Parser.prototype[m], m).toBeTypeOf('function');
    // The overrides replace these bodies: they must still be what the overrides were written from.
    expect(String(parser.Parser.prototype.parseExpression)).toMatch(
      /var node = this\.parseInlineIf\(\);\s*return node;/,
    );
    // nunjucks' raw blocks end at a `{% endraw %}` written with the default delimiters only.
    expect(String(parser.Parser.prototype.parseRaw)).toContain("'([\\\\s\\\\S]*?){%\\\\s*('");
    expect(String(parser.Parser.prototype.parseFilterStatement)).toMatch(/this\.parseFilterName\(\)/);
  });

  it('lexes Pebble operators as symbols, and has the tokenizer methods the Pebble strings override', () => {
    const tokens = lexer.lex('{{ a ?? b ??? c ? d : e }}');
    const seen: string[] = [];
    for (let t = tokens.nextToken(); t; t = tokens.nextToken())
      if (t.type !== 'whitespace') seen.push(`${t.type}:${t.value}`);
    expect(seen).toEqual([
      'variable-start:{{',
      'symbol:a',
      'symbol:??',
      'symbol:b',
      'symbol:???',
      'symbol:c',
      'symbol:?',
      'symbol:d',
      'colon::',
      'symbol:e',
      'variable-end:}}',
    ]);
    expect([lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_RIGHT_CURLY, lexer.TOKEN_COLON, lexer.TOKEN_PIPE]).toEqual([
      'left-curly',
      'right-curly',
      'colon',
      'pipe',
    ]);
    const Tokenizer = (lexer.lex('') as object).constructor as { prototype: Record<string, unknown> };
    for (const m of ['_parseString', 'nextToken', 'current', 'forward', 'isFinished', '_extractRegex', 'backN']) {
      expect(Tokenizer.prototype[m], m).toBeTypeOf('function');
    }
    expect(String(Tokenizer.prototype._parseString)).toMatch(/this\.forward\(\)/);
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
      BinOp: ['left', 'right'],
    };
    for (const [type, fields] of Object.entries(shapes)) {
      expect(nodes[type], type).toBeTypeOf('function');
      expect(new (nodes[type] as NodeClass)(0, 0).fields, type).toEqual(fields);
    }
    expect(new (nodes.Filter as NodeClass)(0, 0)).toBeInstanceOf(nodes.FunCall);
    expect(new (nodes.IfAsync as NodeClass)(0, 0)).toBeInstanceOf(nodes.If);
    expect(new (nodes.Caller as NodeClass)(0, 0)).toBeInstanceOf(nodes.Macro);
    // Pebble's operator nodes extend BinOp in the adapter's own map, not in nunjucks' module.
    const Coalesce = nunjucksOf(new nunjucks.Environment()).nodes.Coalesce as NodeClass;
    expect(new Coalesce(0, 0).typename).toBe('Coalesce');
    expect(new Coalesce(0, 0)).toBeInstanceOf(nodes.BinOp);
    expect(nodes.Coalesce).toBeUndefined();
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

  it('compiles macros and call blocks with Compiler._compileMacro, which returns the id of a runtime.makeMacro', () => {
    expect(runtime.makeMacro).toBeTypeOf('function');
    expect(runtime.memberLookup).toBeTypeOf('function');
    const code = source('compiler.js');
    expect(code).toMatch(/_proto\._compileMacro = function _compileMacro\(node, frame\) \{/);
    expect(code).toMatch(/this\._emitLines\("var " \+ funcId \+ " = runtime\.makeMacro\("/);
    expect(code).toMatch(/this\._popBuffer\(\);\s*return funcId;\s*\};/);
    expect(code).toMatch(/var funcId = this\._compileMacro\(node, frame\);\s*this\._emit\("return " \+ funcId/);
    expect(code).toMatch(
      /compileMacro = function compileMacro\(node, frame\) \{\s*var funcId = this\._compileMacro\(node\);/,
    );
    // In credflow's environments, each macro goes through the sandbox's filter right after it is made.
    const env = registerCredentials(new nunjucks.Environment(null), { store });
    const e = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: object };
    const compiled = compiler.compile(
      '<% macro m() %>x<% endmacro %><% call m() %>y<% endcall %>',
      e.asyncFilters,
      e.extensionsList,
      'x',
      e.opts,
    );
    expect(compiled.match(/(macro_t_\d+) = env\.getFilter\("__credflow_macro"\)\(\1\);/g)).toHaveLength(2);
  });

  it('creates a render Context per template with init(vars, blocks, env), copying the variables', () => {
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
    expect(seen?.ctx).not.toBe(vars); // a copy: why the adapter carries frames over in Context.init
    const Context = (seen as object).constructor as { prototype: { init: unknown } };
    expect(Context).toBe(nunjucksOf(env).Context);
    expect(source('environment.js')).toMatch(
      /_proto2\.init = function init\(ctx, blocks, env\) \{[^}]*this\.ctx = lib\.extend\(\{\}, ctx\);/,
    );
    expect(source('environment.js')).toMatch(/var context = new Context\(ctx \|\| \{\}, this\.blocks, this\.env\);/);
  });

  it('keeps the name of an error that has Update() through its error wrapping', () => {
    const err = Object.assign(new Error('m'), { name: 'TemplateForbiddenError', Update: () => err });
    expect(lib._prettifyError('p', false, err).name).toBe('TemplateForbiddenError');
  });
});
