import { CredentialStore, CredflowError, EnvSecretProvider } from '@credflow/credentials-core';
import { scanForLeaks } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render, TemplateRenderError } from '../../src/index.js';
import { NunjucksVersionError } from '../../src/nunjucks/adapter.js';

/**
 * The attacker's review of render() and of nunjucks' own API (F2, F4, F5):
 * each case failed on the code before the fix (a quoted secret, a render
 * running for minutes, limits skipped by `env.renderString()`).
 */
const API_KEY = 'sk-live-ABCDEFGH12345678';
const JSON_SECRET = JSON.stringify({ user: 'admin', pw: 'Pw-Zq9xLm4Tr7Yv-0123456789' });
const reversed = (s: string) => [...s].reverse().join('');
const NEEDLES = [API_KEY, reversed(API_KEY), JSON_SECRET, 'Pw-Zq9xLm4Tr7Yv-0123456789', 'ABCDEFGH12345678'];

const store = CredentialStore.fromYaml('credentials: {}\n', {
  secretProviders: [
    new EnvSecretProvider({
      env: {
        SECRET_API_KEY: Buffer.from(API_KEY).toString('base64'),
        SECRET_JSONS: Buffer.from(JSON_SECRET).toString('base64'),
      },
    }),
  ],
});
const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
registerStandardLibrary(env);

async function failure(src: string): Promise<TemplateRenderError> {
  const started = Date.now();
  try {
    await render(env, src, {});
  } catch (err) {
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(err).toBeInstanceOf(TemplateRenderError);
    return err as TemplateRenderError;
  }
  throw new Error('expected the render to fail');
}

/** Everything a host could print of an error: its message, its stack, its causes. */
function printable(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: unknown; stack?: unknown; cause?: unknown } | undefined; e; e = e.cause as never) {
    parts.push(String(e.message), String(e.stack));
    if (parts.length > 20) break;
  }
  return parts.join('\n');
}

describe('F2: render() errors quote nothing of a secret', () => {
  it.each([
    "<< render('<< ' ~ (secret('API_KEY') | replace('-', ' is not defined and ')) ~ ' >>') >>",
    "<< render('<< ' ~ (secret('API_KEY') | reverse) ~ ' >>') >>",
    "<< renderOnce('<< ' ~ (secret('API_KEY') | reverse) ~ ' >>') >>",
    "<< render('<< ' ~ secret('API_KEY') ~ ' >>') >>",
    // a tokenizer error quoting a piece of the text
    "<< render('<< \"' ~ secret('API_KEY') ~ ' >>') >>",
    "<< render('<< x | ' ~ (secret('API_KEY') | replace('-', '_')) ~ ' >>') >>",
    "<< render('<% ' ~ (secret('API_KEY') | replace('-', '_')) ~ ' %>') >>",
    "<< render('<< ' ~ (secret('JSONS') | fromJson).pw ~ ' >>') >>",
    // a credflow function inside the nested render failing on a name made of a secret
    '<< render("<< secret(\'" ~ secret(\'API_KEY\') ~ "\') >>") >>',
    '<< render("<< credential(\'" ~ (secret(\'API_KEY\') | reverse) ~ "\') >>") >>',
    // a later round of a recursive render
    "<< render(\"<< '<< ' ~ (secret('API_KEY') | reverse) ~ ' >>' >>\") >>",
  ])('%s', async (src) => {
    const err = await failure(src);
    expect(err.message).toMatch(/render(Once)?\(\)/);
    expect(scanForLeaks(printable(err), NEEDLES)).toEqual([]);
  });

  it('names the kind of error', async () => {
    expect((await failure("<< render('<< ' ~ (secret('API_KEY') | reverse) ~ ' >>') >>")).message).toMatch(
      /render\(\): the text to render holds a value derived from a secret or token; its error is not shown/,
    );
    expect((await failure("<< render('<< \"' ~ secret('API_KEY') ~ ' >>') >>")).message).toMatch(
      /its syntax error is not shown/,
    );
  });

  it('still quotes the text of a render without a secret', async () => {
    expect((await failure("<< render('<< nope >>') >>")).message).toMatch(/nope/);
  });
});

describe('F4: render() compiles a bounded text, within the time limit', () => {
  it.each([
    [
      "<< render(range(100000) | join('<< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >><< 1 >>')) | length >>",
      /render\(\) compiles at most \d+ (characters|tags)/,
    ],
    [
      '<% set a = "<< a >><< a >>" %><< render(a, recursive=true) | length >>',
      /render\(\) compiles at most 10000 tags/,
    ],
    ["<< render(range(20000) | join('<< 1 >>')) | length >>", /render\(\) compiles at most 10000 tags/],
    ["<< render('<< 1 >>' ~ (' ' | center(300000))) | length >>", /render\(\) compiles at most 262144 characters/],
  ])('%s', async (src, message) => {
    const err = await failure(src);
    expect(err.message).toMatch(/render limit reached \(templates\.limits\.(maxIterations|maxOutputBytes|timeout)\)/);
    expect(err.message).toMatch(message);
  });

  it('many compiles of distinct texts end at the time or iteration limit', async () => {
    const err = await failure(
      "<% for i in range(100000) %><< render(range(2000) | join('<< ' ~ i ~ ' >>')) | length >><% endfor %>",
    );
    expect(err.message).toMatch(/render limit reached \(templates\.limits\.(maxIterations|timeout)\)/);
  }, 30_000);

  it('recursive render stops at maxDepth', async () => {
    const err = await failure('<% set a = "<< a >>1" %><< render("<< a >>", recursive=true) >>');
    expect(err.message).toMatch(/templates\.limits\.maxDepth/);
  });

  it('renders what a Kestra template renders', async () => {
    const out = await render(env, "<% set t = '<< 1 + 1 >>' %><< render(range(500) | join(t)) | length >>", {});
    // 0 to 499 (1390 digits), with '2' between each two
    expect(out.output).toBe(String(1390 + 499));
  });
});

describe('F5: nunjucks’ own renderString enforces every limit', () => {
  const limited = (src: string) => {
    const started = Date.now();
    let message = '';
    try {
      env.renderString(src, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    return message;
  };

  it('a nested loop past maxIterations', () => {
    expect(limited('<% for a in range(2000) %><% for b in range(2000) %><% endfor %><% endfor %>done')).toMatch(
      /templates\.limits\.maxIterations/,
    );
  });

  it('an exponential macro', () => {
    expect(
      limited('<% macro f(n) %><% if n > 0 %><< f(n-1) >><< f(n-1) >><% endif %><% endmacro %><< f(40) >>'),
    ).toMatch(/templates\.limits\.(maxIterations|timeout)/);
  });

  it('deep macro recursion past maxDepth', () => {
    expect(limited('<% macro f(n) %><< f(n+1) >><% endmacro %><< f(0) >>')).toMatch(/templates\.limits\.maxDepth/);
  });

  it('through the callback form too', async () => {
    const message = await new Promise<string>((resolve) =>
      env.renderString(
        '<% for a in range(2000) %><% for b in range(2000) %><% endfor %><% endfor %>done',
        {},
        (e: Error | null) => resolve(e ? e.message : ''),
      ),
    );
    expect(message).toMatch(/templates\.limits\.maxIterations/);
  });

  it('each render has its own budget (loops below the limit, repeated, still render)', () => {
    for (let i = 0; i < 3; i++) {
      expect(
        env.renderString('<% for a in range(1000) %><% for b in range(600) %><% endfor %><% endfor %>ok', {}),
      ).toBe('ok');
    }
  });
});

describe('NunjucksVersionError', () => {
  it('is a CredflowError with its code', () => {
    const err = new NunjucksVersionError('x');
    expect(err).toBeInstanceOf(CredflowError);
    expect(err.code).toBe('ERR_NUNJUCKS_VERSION');
    expect(err.name).toBe('NunjucksVersionError');
  });
});
