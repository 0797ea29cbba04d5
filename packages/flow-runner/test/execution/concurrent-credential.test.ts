import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { type AuthServer, clientCredentialsClient, startAuthServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const SECRET = 'concurrent-credential-secret-0123456789';
let as: AuthServer;
beforeAll(async () => {
  as = await startAuthServer({
    clients: [clientCredentialsClient('c', SECRET)],
  });
});
afterAll(async () => {
  await as?.close();
});

const values = JSON.stringify(Array.from({ length: 100 }, (_, i) => `v${i}`));
const FLOW = `
id: fan_out
namespace: company.team
tasks:
  - id: parallel
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: each
        type: io.kestra.plugin.core.flow.ForEach
        values: '${values}'
        concurrencyLimit: 0
        tasks:
          - id: use
            type: io.kestra.plugin.core.debug.Return
            format: "<< taskrun.value >> << credential('x') >>"
      - id: other
        type: io.kestra.plugin.core.log.Log
        message: "<< credential('x') >>"
`;

describe('one credential under concurrency', () => {
  it('100 ForEach iterations under Parallel mint exactly one token, and every output and log is masked', async () => {
    const store = CredentialStore.fromYaml(
      `credentials:\n  x: { type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: c, clientSecret: { secret: CLIENT } }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(SECRET).toString('base64') } })] },
    );
    const before = as.mints;
    const messages: string[] = [];
    const e = await runFlow(parseFlow(FLOW), { store, onLog: (l) => messages.push(l.message) });
    expect(e.state).toBe('SUCCESS');
    expect(as.mints - before).toBe(1);
    const uses = e.taskRuns.filter((r) => r.taskId === 'use');
    expect(uses).toHaveLength(100);
    expect(new Set(uses.map((r) => r.value)).size).toBe(100);
    for (const r of uses) expect(r.outputs.value).toBe(`${r.value} ******`);
    expect(messages).toContain('******');
    const token = await store.getToken('x');
    expect(JSON.stringify(e)).not.toContain(token);
  });
});
