import { CredentialStore, EnvSecretProvider, Masker } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// Issue 26 (9): HTML-escaped forms of a secret, as nunjucks writes them (escapeMap: & " ' < > \),
// are masked: text from nunjucks' autoescape never passed a filter, so only the masker can know it.

const SECRET = `it's a "<b>&</b>" \\ secret-${'7c3e9a1f'.repeat(3)}`;

describe('HTML-escaped secrets', () => {
  it('masks what nunjucks autoescape writes for a secret (no filter involved)', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    const out = env.renderString('<p>{{ s }}</p>', { s: SECRET });
    expect(out).not.toContain(SECRET); // escaped indeed
    const masked = new Masker([SECRET]).mask(out);
    expect(masked).toBe('<p>******</p>');
    expect(describeFindings(scanForLeaks(masked, [SECRET]))).toEqual([]);
  });

  it('masks a secret escaped with escape or forceescape in a flow', async () => {
    const store = CredentialStore.fromYaml('', {
      secretProviders: [new EnvSecretProvider({ env: { SECRET_HTML: Buffer.from(SECRET).toString('base64') } })],
    });
    const flow = parseFlow(`id: html
namespace: a.b
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message:
      - "e: << secret('HTML') | escape >>"
      - "f: << secret('HTML') | forceescape >>"
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    format: "<< secret('HTML') | escape >>"
`);
    const logs: LogEntry[] = [];
    const e = await runFlow(flow, { store, onLog: (l) => logs.push(l) });
    const printed = [JSON.stringify(e), ...logs.map((l) => l.message)].join('\n');
    expect(describeFindings(scanForLeaks(printed, [SECRET]))).toEqual([]);
    expect(e.state, printed).toBe('SUCCESS');
    expect(logs.map((l) => l.message)).toEqual(['e: ******', 'f: ******']);
    expect(e.taskRuns[1]?.outputs).toEqual({ value: '******' });
  });
});
