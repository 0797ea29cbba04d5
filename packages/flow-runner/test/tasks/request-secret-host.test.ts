import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

// Issue 26 (6): a secret in a URL's host is lower-cased (and, when it is not ASCII, turned into
// punycode) by the WHATWG URL parser, and the Request task's error names the URL's origin:
// `GET http://plainsecretvalue9c0d1e2f.invalid/x failed: ENOTFOUND`. Those forms are masked too.
// `.invalid` never resolves (RFC 6761), so each request fails at once with ENOTFOUND.

const MIXED = 'PlainSecretValue9C0D1E2F';
const UNICODE = 'Sécret-Ünïcode-Välue-7a8b9c';
const INPUT = 'InputSecretHost5E6F7A8B';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const flow = parseFlow(`id: secret_host
namespace: a.b
inputs:
  - { id: pw, type: SECRET }
tasks:
  - id: whole_host
    type: io.kestra.plugin.core.http.Request
    uri: "http://<< secret('MIXED') >>.invalid/x"
    options: { timeout: PT10S }
  - id: part_of_label
    type: io.kestra.plugin.core.http.Request
    uri: "http://api-<< secret('MIXED') >>-v2.invalid/x"
    options: { timeout: PT10S }
  - id: idna_label
    type: io.kestra.plugin.core.http.Request
    uri: "http://api.<< secret('UNICODE') >>.invalid/x"
    options: { timeout: PT10S }
  - id: from_input
    type: io.kestra.plugin.core.http.Request
    uri: "https://<< inputs.pw >>.invalid/x"
    options: { timeout: PT10S }
`);

describe('a secret in the host of a Request URL', () => {
  it('is masked in its lower-cased and punycode forms in errors, logs and the execution', async () => {
    const store = CredentialStore.fromYaml('', {
      secretProviders: [new EnvSecretProvider({ env: { SECRET_MIXED: b64(MIXED), SECRET_UNICODE: b64(UNICODE) } })],
    });
    const logs: LogEntry[] = [];
    const run = async (id: string) => {
      const one = { ...flow, tasks: flow.tasks.filter((t) => t.id === id) };
      return runFlow(one, { store, inputs: { pw: INPUT }, onLog: (l) => logs.push(l) });
    };
    for (const id of ['whole_host', 'part_of_label', 'idna_label', 'from_input']) {
      const e = await run(id);
      expect(e.state, id).toBe('FAILED');
      const error = e.taskRuns[0]?.error ?? '';
      const printed = [error, JSON.stringify(e), ...logs.map((l) => l.message)].join('\n');
      expect(
        describeFindings(scanForLeaks(printed, [MIXED, UNICODE, INPUT]), ['mixed', 'unicode', 'input']),
        id,
      ).toEqual([]);
      // The failure is reported (the origin is there, masked), not swallowed.
      expect(error, id).toMatch(/^GET https?:\/\/.*\.invalid\/x (failed|timed out)/);
      expect(error, id).toContain('******');
    }
  });
});
