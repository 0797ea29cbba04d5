import { CredentialStore } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// Issue 26, review R4: the items of an ARRAY input of SECRET items were printed in clear
// (`["Hunter2-SuperSecretPW"] WPterceSrepuS-2retnuH`); they are sensitive as a SECRET input is.

const PW = ['Hunter2-SuperSecretPW', 'second-item-secret-77'];

describe('ARRAY inputs of SECRET items', () => {
  it('mask each item, and what a template derives from one', async () => {
    const flow = parseFlow(
      `id: f
namespace: company.team
inputs:
  - id: pws
    type: ARRAY
    itemType: SECRET
  - id: plain
    type: ARRAY
    itemType: STRING
tasks:
  - id: l
    type: io.kestra.plugin.core.log.Log
    message: "<< inputs.pws >> << inputs.pws[0] | reverse >> << inputs.pws[1] | upper >> << inputs.plain >>"
`,
      'f.yaml',
    );
    const logs: LogEntry[] = [];
    const e = await runFlow(flow, {
      store: CredentialStore.fromYaml(''),
      inputs: { pws: JSON.stringify(PW), plain: '["visible-item"]' },
      onLog: (l) => logs.push(l),
    });
    expect(e.state).toBe('SUCCESS');
    const printed = JSON.stringify({ e, logs });
    const derived = [[...PW[0]!].reverse().join(''), PW[1]!.toUpperCase()];
    expect(describeFindings(scanForLeaks(printed, [...PW, ...derived]))).toEqual([]);
    // Items of a plain ARRAY are not secrets.
    expect(logs.map((l) => l.message).join('\n')).toContain('visible-item');
  });
});
