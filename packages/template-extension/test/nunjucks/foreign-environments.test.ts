/**
 * A host app's other nunjucks environments, in the same process as
 * credflow's: after credflow registered its environment (and so adapted
 * the shared nunjucks copy), a plain `new nunjucks.Environment()` behaves
 * exactly as stock nunjucks. Stock is a pristine second copy of nunjucks
 * loaded from disk, which credflow never touched. And the other way round:
 * credflow's own environments keep every patch, whatever the host's
 * environments did before.
 */
import { createRequire } from 'node:module';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks, { type Environment } from 'nunjucks';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, renderString } from '../../src/index.js';

const require = createRequire(import.meta.url);
const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });
const isNunjucks = (file: string) => file.includes('/node_modules/nunjucks/');

interface Copy {
  Environment: new (loader?: unknown, opts?: object) => Environment;
  compile(src: string, asyncFilters: string[], extensions: unknown[], name: string, opts: object): string;
}

/** A second, untouched copy of nunjucks (loaded outside Node's module cache, then the cache restored). */
function pristineCopy(): Copy {
  const saved = Object.entries(require.cache).filter(([file]) => isNunjucks(file));
  for (const [file] of saved) delete require.cache[file];
  try {
    const main = require('nunjucks') as { Environment: Copy['Environment'] };
    const compiler = require(require.resolve('nunjucks/src/compiler.js')) as Pick<Copy, 'compile'>;
    return { Environment: main.Environment, compile: compiler.compile };
  } finally {
    for (const file of Object.keys(require.cache)) if (isNunjucks(file)) delete require.cache[file];
    for (const [file, mod] of saved) require.cache[file] = mod;
  }
}

const ours = require('nunjucks/src/compiler.js') as Pick<Copy, 'compile'>;
let stock: Copy;
let credflow: Environment;

/** What an environment renders, or the error it throws (its message, without nunjucks' path prefix). */
function outcome(env: Environment, src: string, ctx: object = {}): string {
  try {
    return `ok: ${env.renderString(src, ctx)}`;
  } catch (err) {
    return `error: ${(err as Error).message.replace(/^\(unknown path\)\s*/, '')}`;
  }
}

/** Templates whose meaning credflow changes in its own environments. */
const TEMPLATES = [
  '{{ a ?? b }}',
  '{{ a ??? b }}',
  '{{ t ? 1 : 2 }}',
  '{{ [1, 2] contains 1 }}',
  '{{ 1 equals 1 }}',
  "{{ 'a\\d\\n' }}",
  "{{ {'a': 1}}}",
  '{% filter upper | title %}ab{% endfilter %}',
  '{% raw %}{{ x }}{% endraw %}',
  '{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(1) }}{{ m() }}',
  '{% macro m() %}body{% endmacro %}{{ m }}',
  '{% call(x) m() %}{% endcall %}',
  '{{ credential }}',
  "{{ credential('k') }}",
  '{{ secret }}',
  '{{ x.constructor }}',
  '{{ "x".toUpperCase() }}',
  '{% for v in m %}{{ loop.index }}{{ v }}{% endfor %}',
  '{{ [1, "a"] }}',
  '{{ missing }}{{ _context }}',
  '{% set x = f() %}{{ x }}',
  '{{ range(3) | join(",") }}',
  '{{ "a" ~ 1 + 2 }}',
];

beforeAll(() => {
  stock = pristineCopy();
  credflow = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
});

describe('a host app environment beside credflow, in the same process', () => {
  it('renders exactly as stock nunjucks', () => {
    const ctx = { t: true, m: { a: 1 }, x: 'v', f: () => 'called' };
    const plain = new nunjucks.Environment(null, { autoescape: false });
    const pristine = new stock.Environment(null, { autoescape: false });
    for (const src of TEMPLATES) expect(outcome(plain, src, ctx), src).toBe(outcome(pristine, src, ctx));
    // Not vacuous: stock nunjucks refuses Pebble's operators, credflow reads them.
    expect(outcome(plain, '{{ a ?? b }}')).toMatch(/^error: \[Line 1, Column 6\]\s+expected variable end/);
    expect(outcome(plain, "{{ 'a\\d' }}")).toBe('ok: ad');
    expect(outcome(plain, '{{ credential }}')).toBe('ok: ');
    expect(outcome(plain, '{% macro m() %}body{% endmacro %}{{ m }}')).toMatch(/^ok: function/);
  });

  it('compiles every template to the same code as stock nunjucks', () => {
    for (const src of TEMPLATES.filter((s) => !s.includes('??') && !s.includes('contains') && !s.includes('equals'))) {
      let mine: string;
      try {
        mine = ours.compile(src, [], [], 'x', {});
      } catch (err) {
        mine = `error: ${(err as Error).message}`;
      }
      let theirs: string;
      try {
        theirs = stock.compile(src, [], [], 'x', {});
      } catch (err) {
        theirs = `error: ${(err as Error).message}`;
      }
      expect(mine, src).toBe(theirs);
    }
  });

  it('leaves the host environment’s own filters, globals and macros alone', () => {
    const plain = new nunjucks.Environment(null, { autoescape: false });
    plain.addGlobal('f', () => 'host-function');
    expect(outcome(plain, '{{ f() }}')).toBe('ok: host-function');
    expect(outcome(plain, '{{ "a,b" | replace(",", ";") }}')).toBe('ok: a;b');
    expect(outcome(plain, '{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}c{% endcall %}')).toBe('ok: c');
  });
});

describe('credflow’s own environments, after a host environment rendered', () => {
  it('keep every patch: Pebble operators and strings, raw blocks, the sandbox, sandboxed macros', async () => {
    const plain = new nunjucks.Environment();
    plain.renderString('{% macro m() %}x{% endmacro %}{{ m() }}{{ a }}', { a: 1 });
    const render = (src: string, ctx: Record<string, unknown> = {}) => renderString(credflow, src, ctx);
    expect(await render('<< a ?? "b" >>|<< [1] contains 1 >>|<< t ? 1 : 2 >>', { t: false })).toBe('b|true|2');
    expect(await render("<< 'a\\d' >>")).toBe('a\\d');
    expect(await render('<% raw %><< x >><% endraw %>')).toBe('<< x >>');
    expect(await render('<% macro m(x) %>[<< x >>]<% endmacro %><< m() >><< m >>')).toBe('[]');
    await expect(render('<< f() >>', { f: () => 'x' })).rejects.toThrow(/not functions found in data/);
    await expect(render('<< "x".constructor >>')).rejects.toThrow(/cannot read 'constructor'/);
  });

  it('apply to a credflow environment made after the host environments', async () => {
    new nunjucks.Environment().renderString('{{ 1 }}', {});
    const late = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
    expect(await renderString(late, '<% macro m() %>body<% endmacro %><< m >><< x ?? 1 >>')).toBe('1');
  });
});
