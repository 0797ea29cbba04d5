import { CredentialStore, EnvSecretProvider, Masker } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createRenderSession, registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

/**
 * The findings of the attacker's review made after issue 26's first fixes
 * (each reproduced on the code before the fix): templates that ended the
 * process (V8 fatal error, out of memory), ran far past the time limit, or
 * printed a derived secret unmasked.
 */
const TOK = 'plainsecretvalueABCDEF0123456789';
const SA = JSON.stringify({ pw: 'hunter2-password-7f3a9c', pin: 48213579 });
const LIB = `<% macro spin() %><% for i in range(100000) %><% for j in range(100000) %><% endfor %><% endfor %><% endmacro %>`;
const store = CredentialStore.fromYaml('credentials: {}\n', {
  secretProviders: [
    new EnvSecretProvider({
      env: { SECRET_TOK: Buffer.from(TOK).toString('base64'), SECRET_SA: Buffer.from(SA).toString('base64') },
    }),
  ],
});
const loader = { getSource: (name: string) => ({ src: name === 'lib' ? LIB : '', path: name, noCache: false }) };
const env = registerCredentials(new nunjucks.Environment(loader as never, { autoescape: false }), { store });
registerStandardLibrary(env);

async function failure(src: string): Promise<string> {
  const started = Date.now();
  try {
    await render(env, src, {});
  } catch (err) {
    expect(Date.now() - started).toBeLessThan(15_000);
    return (err as Error).message;
  }
  throw new Error('expected the render to fail');
}

async function masked(src: string): Promise<string> {
  const masker = new Masker();
  const session = createRenderSession(env, { onSensitiveValue: masker.add });
  return masker.mask((await render(env, src, {}, { session })).output);
}

const CAPTURED =
  "<% set b = 'x' | center(10000000) %><% set s %><% for i in range(14) %><< b >><% endfor %><% endset %>";

describe('no template ends the process', () => {
  it.each([
    `${CAPTURED}<< s | list | length >>`,
    `${CAPTURED}<< s | reverse | length >>`,
    `${CAPTURED}<< s | title | length >>`,
    `${CAPTURED}<< s | replace('', 'y') | length >>`,
    "<% set b = 'x' | center(10000000) %><% filter list %><% for i in range(14) %><< b >><% endfor %><% endfilter %>",
    "<% set b = 'x' | center(1000000) %><% set l = [b,b,b,b,b,b,b,b,b,b] %><% set l = [l,l,l,l,l,l,l,l,l,l] %><% set l = [l,l,l,l,l,l,l,l,l,l] %><% set l = [l,l,l,l,l,l,l,l,l,l] %><< l | replace({'x': 'y'}) | length >>",
    "<% set big = 'x' | center(10000000) %><< big | list | batch(1) | length >>",
  ])('%s fails with a render limit', async (src) => {
    expect(await failure(src)).toMatch(/render limit reached \(templates\.limits\.(maxOutputBytes|maxRange)\)/);
  });
});

describe('no template runs without bound', () => {
  it('printing into a captured block counts: everything printed may total 4 x maxOutputBytes', async () => {
    expect(
      await failure(
        "<% set s %><% for i in range(100000) %><% for j in range(10) %><< 'x' | center(200) >><% endfor %><% endfor %><% endset %><< s | length >>",
      ),
    ).toContain('characters printed in all');
    const literal = 'y'.repeat(1000);
    expect(await failure(`<% set s %><% for i in range(100000) %>${literal}<% endfor %><% endset %>`)).toContain(
      'characters printed in all',
    );
  });

  it('a date read with a long existingFormat is refused before Luxon backtracks on it', async () => {
    expect(
      await failure(
        "<< '1111111111111111111111111111111111111111111111111111x' | date('yyyy', existingFormat='dHmsdHmsdHmsdHmsdHmsdHmsdHmsdHmsdHmsdHms') >>",
      ),
    ).toContain("argument 'existingFormat' has more than 12 fields");
  });

  it('exponential macro recursion is bounded by loop iterations', async () => {
    expect(
      await failure('<% macro f(n) %><% if n < 60 %><< f(n+1) >><< f(n+1) >><% endif %><% endmacro %><< f(0) >>'),
    ).toContain('templates.limits.maxIterations');
  });

  it('a macro of a template imported without context counts against the render that calls it', async () => {
    expect(await failure("<% import 'lib' as l %><< l.spin() >>")).toContain('templates.limits.maxIterations');
  });

  it('striptags runs in linear time, with the same result as nunjucks', async () => {
    const started = Date.now();
    const out = await render(env, "<< '<a' | center(400000) | replace(' ', '<a') | striptags | length >>", {});
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(Number(out.output)).toBeGreaterThan(0);
    // As nunjucks' own: `<x</p>` is one tag (a name, then anything up to `>`); a lone `<` stays.
    expect(
      (await render(env, '<< t | striptags >>', { t: '<p>Hi <b>there</b><!-- c --> &  <x</p> 1 < 2' })).output,
    ).toBe('Hi there & 1 < 2');
    expect((await render(env, "<< '<!--' | center(100000) | striptags | length >>", {})).output).toBe('4');
  });

  it('a regular expression too large for its text is refused, not run for minutes', async () => {
    expect(await failure("<< 'x' | center(1000000) | split('.{1000}') >>")).toContain(
      'the regular expression is too large for a text of 1000000 characters',
    );
  });

  it('the number of values derived from secrets is bounded (each costs masking time)', async () => {
    expect(
      await failure("<% set t = secret('TOK') %><% for i in range(60000) %><% set x = (t ~ i) | upper %><% endfor %>"),
    ).toContain('values derived from secrets or tokens');
  });
});

describe('derived values stay masked', () => {
  it('a derived value too large to examine is refused, not partly registered', async () => {
    expect(
      await failure(
        "<% set pw = (secret('SA') | fromJson).pw %><% set l = (pw ~ ',' ~ (range(10001) | join(','))) | upper | split(',') %><< l[0] >>",
      ),
    ).toContain('too large to mask');
  });

  it.each([
    ["<< secret('TOK') | list | join('.') >>", '******'],
    ["<< secret('TOK') | list | reverse | join('.') >>", '******'],
    ["<< (secret('SA') | fromJson).pin + 1 >>", '******'],
    ["<< (secret('SA') | fromJson).pin * 2 >>", '******'],
    ["<< -(secret('SA') | fromJson).pin >>", '******'],
    ["<< (secret('SA') | fromJson).pin // 10 >>", '******'],
    ["<< secret('TOK') | list ~ '' >>", '******'],
  ])('%s', async (src, expected) => {
    expect(await masked(src)).toBe(expected);
  });

  it('a list of pieces of a secret is derived: each piece of 4 characters or more is masked', async () => {
    const out = await masked("<% for g in secret('TOK') | batch(5) %><< g | join >>.<% endfor %>");
    expect(out).toBe('******.******.******.******.******.******.89.');
  });
});

describe('other findings', () => {
  it("dictsort reads a map's own data only (a SafeString's functions are not data)", async () => {
    const out = await failure("<< ('a' | safe) | dictsort | last | last >>");
    expect(out).not.toMatch(/function|return/);
    expect((await render(env, '<< m | dictsort | toJson >>', { m: { b: 1, a: 2 } })).output).toBe('[["a",2],["b",1]]');
  });

  it('a test name that is not text is refused without printing it', async () => {
    const out = await failure("<< [1, 2] | select(('a' | safe) | dictsort) >>");
    expect(out).not.toMatch(/function|return/);
  });

  it("split('') of an empty text gives Kestra's result, not an engine exception", async () => {
    expect((await render(env, "<< '' | split('') | length >>", {})).output).toBe('1');
  });
});

/** The second review, after the Kestra-language work (render(), jq, JSON printing, parsers). */
describe('second review: derived values through the new features', () => {
  it.each([
    ["<< secret('TOK') | list >>", 'list printed as JSON'],
    ["<< secret('TOK') | batch(5) >>", 'batches printed as JSON'],
    ["<< true ? secret('TOK') | list : 1 >>", 'through a ternary'],
    ["<< render(secret('TOK') | list) | join('.') >>", 'through render()'],
    [
      "<< fromJson('{\"' ~ (secret('TOK') | replace({'a': '\\u0041'})) ~ '\": 1}') | keys | first >>",
      'a map key made from a secret',
    ],
  ])('%s (%s) prints nothing of the secret', async (src) => {
    const out = await masked(src);
    expect(out.toLowerCase()).not.toContain('plainsecret');
    expect(out.replace(/[^a-z0-9]/gi, '').toLowerCase()).not.toContain('plainsecret');
  });

  it("a JSON secret's own field names stay readable", async () => {
    expect(await masked("<< secret('SA') | fromJson | keys | join(',') >>")).toBe('pw,pin');
  });

  it('an error of a call on a derived value quotes nothing of it', async () => {
    const err = await failure("<< (secret('SA') | fromJson).pw | upper | int(default=x.y) >>").catch(
      (e: Error) => e.message,
    );
    expect(String(err)).not.toContain('HUNTER2');
    const jq = await failure("<< secret('SA') | fromJson | jq('.pw | ascii_upcase | error') >>");
    expect(jq).not.toContain('HUNTER2');
    expect(jq).toContain('failed on a value derived from a secret or token');
  });
});

describe('second review: no template blocks or ends the process', () => {
  const doubled = (levels: number, last: string) => {
    let src = "<% set l0 = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' %>";
    for (let i = 1; i <= levels; i++) src += `<% set l${i} = [l${i - 1}, l${i - 1}] %>`;
    return src + last.replaceAll('LAST', `l${levels}`);
  };
  it.each([
    doubled(40, '<< LAST >>'),
    doubled(40, "<< LAST ~ '' >>"),
    doubled(40, '<< LAST | toJson >>'),
    doubled(40, "<< LAST | replace({'a': 'b'}) | length >>"),
    doubled(40, '<< LAST | yaml >>'),
  ])('a list of itself doubled is refused before it is walked: %#', async (src) => {
    expect(await failure(src)).toMatch(/more than 1000000 parts|templates\.limits/);
  });

  it('a fan-out of render() calls is bounded', async () => {
    let tpl = "'x'";
    for (let i = 0; i < 9; i++) tpl = `'<% set z = render(${tpl.replaceAll("'", "\\'")}) %>'`;
    const src = `<% set a = 'x' %>${'<< render("<% for i in range(1000) %><< render(\'<% for j in range(1000) %>y<% endfor %>\') >><% endfor %>") | length >>'}`;
    expect(await failure(src)).toMatch(/templates\.limits\.(maxIterations|timeout|maxOutputBytes)/);
  });

  it('an error after an asynchronous filter is the render error, not an unhandled rejection', async () => {
    expect(await failure('<< [1] | jq(".") >><< undefinedVar >>')).toContain("'undefinedVar' is undefined");
    expect(await failure('<< [1] | jq(".") >><< 5 | upper >>')).toMatch(/toUpperCase/);
  });
});
