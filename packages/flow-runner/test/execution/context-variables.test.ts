import { CredentialStore } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { envsFrom, runFlow } from '../../src/execution/run-flow.js';
import { flowTemplateChecker } from '../../src/execution/template-checks.js';
import { createTemplateEnvironment } from '../../src/execution/template-environment.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// SPEC section 4: Kestra's context variables `envs` (ENV_* only) and `globals` (credflow.yaml), `flow.revision`.
const flow = (message: string) =>
  parseFlow(
    `id: ctx\nnamespace: a.b\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${JSON.stringify(message)}\n`,
  );

async function log(message: string, config: string, envs?: Record<string, string>): Promise<string> {
  const logs: LogEntry[] = [];
  const e = await runFlow(flow(message), {
    store: CredentialStore.fromYaml(config),
    onLog: (l) => logs.push(l),
    ...(envs ? { envs } : {}),
  });
  expect(e.state, JSON.stringify(e)).toBe('SUCCESS');
  return logs[0]?.message ?? '';
}

describe('context variables', () => {
  it('envs holds ENV_* variables only, keys lower-cased without the prefix', () => {
    expect(
      envsFrom({ ENV_REGION: 'eu', ENV_MY_VAR: 'x', SECRET_TOKEN: 'c2VjcmV0', PATH: '/bin', ENV_: 'empty' }),
    ).toEqual({
      region: 'eu',
      my_var: 'x',
    });
  });

  it('templates read envs, globals and flow.revision', async () => {
    expect(await log('{{ envs.region }}', '', { region: 'eu' })).toBe('eu');
    expect(
      await log('{{ globals.team }} {{ globals.limits.max }}', 'globals: { team: payments, limits: { max: 3 } }\n'),
    ).toBe('payments 3');
    expect(await log('{{ flow.revision }}', '')).toBe('1');
  });

  it('the runner never exposes SECRET_* variables through envs', async () => {
    process.env.SECRET_CTX_CANARY = Buffer.from('ctx-canary-secret').toString('base64');
    process.env.ENV_CTX_VISIBLE = 'visible';
    try {
      const out = await log('{{ envs | toJson }}', '');
      expect(out).toContain('"ctx_visible":"visible"');
      expect(out).not.toContain('canary');
    } finally {
      delete process.env.SECRET_CTX_CANARY;
      delete process.env.ENV_CTX_VISIBLE;
    }
  });

  it('validate knows envs and globals, and names a Kestra function credflow lacks as such', () => {
    const store = CredentialStore.fromYaml('');
    const check = flowTemplateChecker(createTemplateEnvironment(store, 'pebble'), store, 'main', false);
    const f = flow('{{ envs.region }} {{ globals.x }}');
    expect(check('{{ envs.region }} {{ globals.x }}', f)).toEqual([]);
    expect(check("{{ kv('key') }}", f).join('\n')).toContain(
      "'kv' is a Kestra function credflow does not support yet (it reads Kestra's KV store)",
    );
  });
});
