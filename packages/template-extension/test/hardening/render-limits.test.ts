import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render, TemplateError } from '../../src/index.js';
import type { RenderLimits } from '../../src/limits/render-limits.js';

function envWith(limits?: Partial<RenderLimits>): nunjucks.Environment {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
    store,
    ...(limits ? { limits } : {}),
  });
  registerStandardLibrary(env);
  return env;
}
const env = envWith();

async function failure(src: string, e = env): Promise<TemplateError> {
  const started = Date.now();
  try {
    await render(e, src, {});
  } catch (err) {
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected the render to fail');
}

// Issue 26, item 3: one-line templates ended the process (V8 fatal errors) or ran for minutes.
describe('render limits (SPEC section 4)', () => {
  it.each([
    ['<< range(1, 2, 0.0000000000000001) | length >>', 'maxRange'],
    ['<< range(0, 300000000) | length >>', 'maxRange'],
    ["<< 'x' | center(900000000) >>", 'maxOutputBytes'],
    ["<< 'x' | indent(900000000) >>", 'maxOutputBytes'],
    ['<< [1, 2] | batch(900000000, 0) | length >>', 'maxRange'],
    ['<% for i in range(100000) %><% for j in range(100000) %><% endfor %><% endfor %>', 'maxIterations'],
    ["<% set s = 'ab' %><% for i in range(40) %><% set s = s ~ s %><% endfor %><< s | length >>", 'maxOutputBytes'],
    ["<% set s = 'ab' %><% for i in range(40) %><% set s = s + s %><% endfor %><< s | length >>", 'maxOutputBytes'],
    ['<% macro f(n) %><< f(n + 1) >><% endmacro %><< f(1) >>', 'maxDepth'],
    ["<% for i in range(100000) %><< 'x' | center(200) >><% endfor %>", 'maxOutputBytes'],
  ])('%s fails naming templates.limits.%s', async (src, limit) => {
    const err = await failure(src);
    expect(err.message).toContain(
      `render limit reached (templates.limits.${limit === 'timeoutMs' ? 'timeout' : limit})`,
    );
  });

  it('a loop or concatenation that breaks a limit is reported at its line', async () => {
    const err = await failure(
      'line one\n<% for i in range(100000) %><% for j in range(100000) %><% endfor %><% endfor %>',
    );
    expect(err.line).toBe(2);
  });

  it('limits are configurable, and ordinary templates stay within the defaults', async () => {
    const small = envWith({ maxIterations: 10, maxRange: 5, maxOutputBytes: 100, maxDepth: 3 });
    expect((await failure('<% for i in [1,2,3,4,5,6,7,8,9,10,11] %><% endfor %>', small)).message).toContain(
      'maxIterations',
    );
    expect((await failure('<< range(6) | length >>', small)).message).toContain('maxRange');
    expect((await failure("<< 'x' | center(101) >>", small)).message).toContain('maxOutputBytes');
    expect(
      (await failure('<% macro f(n) %><% if n < 10 %><< f(n + 1) >><% endif %><% endmacro %><< f(1) >>', small))
        .message,
    ).toContain('maxDepth');
    expect((await render(small, '<< range(5) | join(",") >>', {})).output).toBe('0,1,2,3,4');
    const out = await render(env, "<% for i in range(1000) %><< i ~ 'x' >><% endfor %>", {});
    expect(out.output.length).toBe(3890); // 2,890 digits and 1,000 x
  });

  it('a wall-time limit stops a render that would run long', async () => {
    const slow = envWith({ timeoutMs: 200 });
    const err = await failure(
      "<% for i in range(100000) %><% for j in range(10) %><< 'abc' | replace({'b': 'c'}) | length >><% endfor %><% endfor %>",
      envWith({ timeoutMs: 200, maxIterations: 100_000_000 }),
    );
    expect(err.message).toContain('templates.limits.timeout');
    expect(slow).toBeDefined();
  });

  it("nunjucks' slice(n) (hosts without the standard library) is bounded too", async () => {
    const plain = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
      store: CredentialStore.fromYaml('credentials: {}\n'),
    });
    expect((await failure('<< [1, 2] | slice(900000000, 0) | length >>', plain)).message).toContain(
      'templates.limits.maxRange',
    );
  });

  it('the host keeps serving after a template hit a limit', async () => {
    await failure('<< range(0, 300000000) | length >>');
    expect((await render(env, '<< 1 + 1 >>', {})).output).toBe('2');
  });
});
