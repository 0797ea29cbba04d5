import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// Issue 26, review R5: numbers computed from a secret by the runner itself were printed: a Pause logged
// `paused for <PIN × 60000> ms`, and FLOAT/JSON flow outputs re-wrote `<< secret('PIN') >>e-4` as 73918.2645
// after masking had registered only the text it came from.

const PIN = '739182645';

describe('values the runner computes from a secret', () => {
  it('a Pause names its duration as written; typed outputs made from a secret are masked', async () => {
    const store = CredentialStore.fromYaml('', {
      secretProviders: [new EnvSecretProvider({ env: { SECRET_PIN: Buffer.from(PIN).toString('base64') } })],
    });
    const flow = parseFlow(
      `id: f
namespace: company.team
tasks:
  - id: p
    type: io.kestra.plugin.core.flow.Pause
    delay: "PT0.0<< secret('PIN') >>S"
outputs:
  - id: fl
    type: FLOAT
    value: "<< secret('PIN') >>e-4"
  - id: js
    type: JSON
    value: '{"a": << secret("PIN") >>e-4, "n": 1}'
  - id: plain
    type: FLOAT
    value: "2.5"
`,
      'f.yaml',
    );
    const logs: LogEntry[] = [];
    const e = await runFlow(flow, { store, onLog: (l) => logs.push(l) });
    expect(e.state).toBe('SUCCESS');
    const printed = JSON.stringify({ e, logs });
    expect(printed).not.toContain('73.9182645'); // the Pause's milliseconds
    expect(printed).not.toContain('73918.2645'); // the FLOAT and the JSON number
    expect(describeFindings(scanForLeaks(printed, [PIN]))).toEqual([]);
    expect(logs.map((l) => l.message)).toContain('paused for PT0.0******S');
    expect(e.outputs).toEqual({ fl: '******', js: { a: '******', n: 1 }, plain: 2.5 });
  });
});
