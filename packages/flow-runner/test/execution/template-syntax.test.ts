import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { createTemplateEnvironment } from '../../src/execution/template-environment.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// `templates: { syntax: pebble }` in credflow.yaml: flows render Pebble's {{ }} and {% %}, as in
// Kestra, and credflow's << >> and <% %> are plain text; without it, the other way round.
// (Issue 26: ignoring the setting was caught only by a CLI e2e test after a rebuild.)

const FLOW = parseFlow(`id: syntax
namespace: a.b
inputs:
  - { id: user, type: STRING, defaults: Ada }
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message:
      - "pebble: {{ 1 + 2 }} {{ inputs.user }}{% if true %} block{% endif %}"
      - "credflow: << 1 + 2 >> << inputs.user >><% if true %> block<% endif %>"
      - "secret: {{ secret('S') | length }} << secret('S') | length >>"
`);

const store = (config: string) =>
  CredentialStore.fromYaml(config, {
    secretProviders: [
      new EnvSecretProvider({ env: { SECRET_S: Buffer.from('syntax-secret-0123').toString('base64') } }),
    ],
  });

async function messages(config: string): Promise<string[]> {
  const logs: LogEntry[] = [];
  const e = await runFlow(FLOW, { store: store(config), onLog: (l) => logs.push(l) });
  expect(e.state, JSON.stringify(e)).toBe('SUCCESS');
  return logs.map((l) => l.message);
}

describe('templates.syntax', () => {
  it('pebble: {{ }} and {% %} render, << >> and <% %> are literal text', async () => {
    expect(await messages('templates: { syntax: pebble }\n')).toEqual([
      'pebble: 3 Ada block',
      'credflow: << 1 + 2 >> << inputs.user >><% if true %> block<% endif %>',
      "secret: 18 << secret('S') | length >>",
    ]);
  });

  it.each([
    ['no templates setting', ''],
    ['syntax: credflow', 'templates: { syntax: credflow }\n'],
  ])('%s: << >> and <% %> render, {{ }} and {% %} are literal text', async (_name, config) => {
    expect(await messages(config)).toEqual([
      'pebble: {{ 1 + 2 }} {{ inputs.user }}{% if true %} block{% endif %}',
      'credflow: 3 Ada block',
      "secret: {{ secret('S') | length }} 18",
    ]);
  });

  it('createTemplateEnvironment follows the setting of the store it is made for', () => {
    const pebble = createTemplateEnvironment(store('templates: { syntax: pebble }\n'));
    const credflow = createTemplateEnvironment(store(''));
    expect(pebble.renderString('{{ 2 * 3 }} << 2 * 3 >>', {})).toBe('6 << 2 * 3 >>');
    expect(credflow.renderString('{{ 2 * 3 }} << 2 * 3 >>', {})).toBe('{{ 2 * 3 }} 6');
  });
});
