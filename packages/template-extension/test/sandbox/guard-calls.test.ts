import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

const SECRET = 'SECRETVALUE-4d2f';

function envWith(): nunjucks.Environment {
  const store = CredentialStore.fromYaml('credentials: {}\n', {
    secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from(SECRET).toString('base64') } })],
  });
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  registerStandardLibrary(env);
  return env;
}

const filler = Array.from({ length: 300 }, (_, i) => `item-${i}`);

// One walk of a call's arguments serves the size limits and the derived-values rule, and a
// large list or map is walked once per render: what it learnt must not go stale.
describe('the walk of call arguments', () => {
  it('a large list walked before a secret was read is looked at again once the secret is known', async () => {
    const env = envWith();
    const big = [...filler, SECRET];
    const { output, sensitiveValues } = await render(
      env,
      "<< big | length >>|<< big | join(',') | length >>|<< secret('S') | length >>|<< big | replace({'E': 'e'}) | last >>",
      { flow: { tenantId: 'main' }, big },
    );
    const derived = SECRET.replaceAll('E', 'e');
    expect(output).toBe(`301|${big.join(',').length}|${SECRET.length}|${derived}`);
    expect(sensitiveValues).toContain(derived);
  });

  it('a large list seen again with the same secrets known is not derived when it holds none of them', async () => {
    const env = envWith();
    const { output, sensitiveValues } = await render(
      env,
      "<< secret('S') | length >>|<< big | join(',') | length >>|<< big | replace({'i': 'I'}) | first >>",
      { flow: { tenantId: 'main' }, big: filler },
    );
    expect(output).toBe(`${SECRET.length}|${filler.join(',').length}|Item-0`);
    expect(sensitiveValues).toEqual([SECRET]);
  });

  it('the text of every argument counts together against maxOutputBytes, a large list as often as it is given', async () => {
    const store = CredentialStore.fromYaml('credentials: {}\n');
    const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
      store,
      limits: { maxOutputBytes: 5_000 },
    });
    registerStandardLibrary(env);
    const big = Array.from({ length: 300 }, () => 'abcdefghij'); // 3,000 characters
    const ctx = { flow: { tenantId: 'main' }, big };
    expect((await render(env, '<< big | join(",") | length >>', ctx)).output).toBe('3299');
    await expect(render(env, '<< big | length >><< [big, big] | length >>', ctx)).rejects.toThrow(
      /templates\.limits\.maxOutputBytes/,
    );
  });
});
