import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import {
  analyzeTemplate,
  registerCredentials,
  registerStandardLibrary,
  render,
  TemplateSandboxError,
} from '../../src/index.js';

const store = CredentialStore.fromYaml('credentials: {}\n');
const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
registerStandardLibrary(env);

async function renderError(src: string, ctx: Record<string, unknown> = {}): Promise<Error> {
  try {
    await render(env, src, ctx);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the render to fail');
}

// Issue 26, item 7: name lookups reached Object.prototype.
describe('stdlib name lookups are own-property lookups on null-prototype maps', () => {
  it.each([
    "<< ['ctx','env','blocks','exported','lookup'] | select('hasOwnProperty') >>",
    "<< ['a'] | reject('hasOwnProperty') >>",
    "<< [{a: 1}] | groupby('__proto__') >>",
    "<< [{a: 1}] | groupby('constructor.name') >>",
    "<< [{a: 1}] | selectattr('constructor') >>",
    "<< ['a'] | sum(attribute='constructor') >>",
    "<< ['a'] | sort(false, false, '__proto__') >>",
    "<< ['a'] | join(',', 'toString') >>",
  ])('%s is refused by validate, with the reserved name', (src) => {
    const analysis = analyzeTemplate(env, src);
    expect(analysis.error).toBeInstanceOf(TemplateSandboxError);
    expect(analysis.error?.message).toMatch(/reserved name/);
  });

  it('a test or attribute name computed at run time finds nothing of Object.prototype', async () => {
    expect((await renderError('<< ["a"] | select(t) >>', { t: 'hasOwnProperty' })).message).toContain(
      'test not found: hasOwnProperty',
    );
    expect((await renderError('<< [{a: 1}] | groupby(k) >>', { k: '__proto__' })).message).toContain('reserved name');
    expect((await renderError("<% set m = {} %><< ['x'] | select('__defineGetter__', m) >>")).message).toMatch(
      /reserved name|not found/,
    );
    // A group key taken from data cannot reach the result's prototype.
    const out = await render(env, '<< (items | groupby("k"))["__proto__"] | length >>', {
      items: [{ k: '__proto__' }, { k: 'hasOwnProperty' }],
    }).catch((e: Error) => e);
    expect(out instanceof Error ? out.message : out.output).not.toContain('function');
  });

  it("now(format='constructor') is a pattern, not Object's constructor", async () => {
    // Read as a Java pattern (whose letter 'c' credflow does not support), never as Object.prototype.constructor.
    expect((await renderError("<< now(format='constructor') >>")).message).toContain("pattern letter 'c'");
  });

  it('groupby, selectattr and sum still read data', async () => {
    const items = [
      { a: 'x', n: 1 },
      { a: 'y', n: 2 },
      { a: 'x', n: 3 },
    ];
    expect((await render(env, '<< items | groupby("a") | toJson >>', { items })).output).toBe(
      '{"x":[{"a":"x","n":1},{"a":"x","n":3}],"y":[{"a":"y","n":2}]}',
    );
    expect((await render(env, '<< items | sum("n") >>', { items })).output).toBe('6');
    expect((await render(env, '<< items | selectattr("n") | length >>', { items })).output).toBe('3');
    expect((await render(env, '<< items | join("-", "a") >>', { items })).output).toBe('x-y-x');
  });
});

// Issue 26, item 8: `<< fromJson >>` printed the bundled function's source.
describe('a function value prints nothing of its code', () => {
  it.each([
    '<< fromJson >>',
    '<< range >>',
    "<< fromJson ~ '' >>",
    '<% macro m() %>body-of-macro<% endmacro %><< m >>',
    '<% set c = cycler(1, 2) %><< c.next >>',
    '<< joiner() >>',
  ])('%s', async (src) => {
    const out = (await render(env, src, {})).output;
    expect(out).not.toMatch(/function|=>|return|callee|body-of-macro/);
  });

  it('joining functions is an error that shows no code', async () => {
    expect((await renderError('<< [fromJson, range] | join >>')).message).toBe(
      "template '<string>': filter 'join': expects text, not a function",
    );
  });
});

// Mutants issue 26 found unguarded.
describe('sandbox checks that no other test guards', () => {
  it('a function handed in the render context cannot be called (the callee check)', async () => {
    let called = false;
    const fn = () => {
      called = true;
      return 'called';
    };
    const err = await renderError('<< fn() >>', { fn });
    expect(err).toBeInstanceOf(TemplateSandboxError);
    expect(called).toBe(false);
  });

  it('`| d()`, the alias of `default`, tolerates undefined under strict variables', async () => {
    expect((await render(env, "<< missing | d('fallback') >>", {})).output).toBe('fallback');
    expect((await render(env, "<< a.b.c | d('deep') >>", { a: {} })).output).toBe('deep');
  });
});
