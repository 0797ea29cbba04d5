import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { flushAuditLogs } from '@credflow/credentials-core/internal';
import { describeFindings, readBody, scanForLeaks, sendJson, startLoopbackServer } from '@credflow/testkit';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exportedText,
  installOtel,
  type OtelHarness,
  pointValue,
} from '../../../credentials-core/test/telemetry/otel-harness.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const CLIENT_SECRET = 'flow-telemetry-secret-0123456789';
let otel: OtelHarness;
beforeEach(() => {
  otel = installOtel();
});
afterEach(() => otel.uninstall());

const FLOW = `
id: observed
namespace: company.team
tasks:
  - id: warm_call
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('warm') | length >>"
  - id: cold_call
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('cold') | length >>"
  - id: cold_again
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('cold') | length >>"
  - id: bad_call
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('bad') >>"
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: failed
`;

describe('a flow with two credentials (one cached, one not) and one failing mint', () => {
  it('exports the span tree execution → task → mint, the metric values and an audit line per mint, and leaks nothing', async () => {
    const issued: string[] = [];
    const server = await startLoopbackServer(async (req, res) => {
      await readBody(req);
      if (req.url?.startsWith('/bad')) return sendJson(res, 400, { error: 'invalid_scope', error_description: 'no' });
      const token = `flow-${issued.length}-${Math.random().toString(36).slice(2)}-token`;
      issued.push(token);
      sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 600 });
    });
    const dir = await mkdtemp(join(tmpdir(), 'credflow-flow-audit-'));
    try {
      const cc = (key: string, path: string) =>
        `  ${key}: { type: client_credentials, tokenEndpoint: "${server.url}${path}", clientId: ${key}, clientSecret: { secret: S } }`;
      const store = CredentialStore.fromYaml(
        `audit: { file: audit.jsonl }\ncredentials:\n${cc('warm', '/token')}\n${cc('cold', '/token')}\n${cc('bad', '/bad')}\n`,
        {
          baseDir: dir,
          secretProviders: [
            new EnvSecretProvider({ env: { SECRET_S: Buffer.from(CLIENT_SECRET).toString('base64') } }),
          ],
          retry: { maxAttempts: 1 },
        },
      );
      await store.getToken('warm'); // cached before the flow runs
      const logs: string[] = [];
      const execution = await runFlow(parseFlow(FLOW), { store, onLog: (e) => logs.push(e.message) });
      expect(execution.state).toBe('FAILED');
      expect(execution.taskRuns.map((t) => [t.taskId, t.state])).toEqual([
        ['warm_call', 'SUCCESS'],
        ['cold_call', 'SUCCESS'],
        ['cold_again', 'SUCCESS'],
        ['bad_call', 'FAILED'],
        ['on_error', 'SUCCESS'],
      ]);

      // Span tree.
      const spans = otel.spans();
      const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      const parent = (s: ReadableSpan | undefined) =>
        s?.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined;
      const exec = spans.filter((s) => s.name === 'credflow.flow.execution');
      expect(exec).toHaveLength(1);
      expect(exec[0]?.attributes).toEqual({
        'credflow.flow.id': 'observed',
        'credflow.flow.namespace': 'company.team',
        'credflow.tenant': 'main',
        'credflow.execution.id': execution.id,
        'credflow.outcome': 'error',
        'error.type': 'FLOW_FAILED',
      });
      expect(exec[0]?.status.code).toBe(SpanStatusCode.ERROR);
      const tasks = spans.filter((s) => s.name === 'credflow.task');
      expect(tasks.map((t) => [t.attributes['credflow.task.id'], parent(t)?.name, t.status.code])).toEqual([
        ['warm_call', 'credflow.flow.execution', SpanStatusCode.OK],
        ['cold_call', 'credflow.flow.execution', SpanStatusCode.OK],
        ['cold_again', 'credflow.flow.execution', SpanStatusCode.OK],
        ['bad_call', 'credflow.flow.execution', SpanStatusCode.ERROR],
        ['on_error', 'credflow.flow.execution', SpanStatusCode.OK],
      ]);
      const mints = spans.filter((s) => s.name === 'credflow.token.mint');
      expect(
        mints.map((m) => [
          m.attributes['credflow.credential.key'],
          parent(m)?.attributes['credflow.task.id'],
          m.attributes['credflow.outcome'],
        ]),
      ).toEqual([
        ['warm', undefined, 'success'], // before the flow: a root span
        ['cold', 'cold_call', 'success'],
        ['bad', 'bad_call', 'error'],
      ]);
      expect(mints[2]?.attributes['error.type']).toBe('ERR_OAUTH_ERROR_RESPONSE');

      // Metric values.
      const points = async (n: string) => otel.points(n);
      expect(
        pointValue(await points('credflow.token.mints'), {
          'credflow.credential.key': 'warm',
          'credflow.outcome': 'success',
        }),
      ).toBe(1);
      expect(
        pointValue(await points('credflow.token.mints'), {
          'credflow.credential.key': 'cold',
          'credflow.outcome': 'success',
        }),
      ).toBe(1);
      expect(
        pointValue(await points('credflow.token.mints'), {
          'credflow.credential.key': 'bad',
          'credflow.outcome': 'error',
        }),
      ).toBe(1);
      expect(pointValue(await points('credflow.token.cache_hits'), { 'credflow.credential.key': 'warm' })).toBe(1);
      expect(pointValue(await points('credflow.token.cache_hits'), { 'credflow.credential.key': 'cold' })).toBe(1);
      expect(pointValue(await points('credflow.token.cache_misses'), { 'credflow.credential.key': 'cold' })).toBe(1);
      expect(pointValue(await points('credflow.token.cache_misses'), { 'credflow.credential.key': 'bad' })).toBe(1);
      expect(pointValue(await points('credflow.token.mint.duration'), { 'credflow.credential.key': 'cold' })).toBe(1);

      // Audit log: the mints the flow made carry its ids.
      await flushAuditLogs();
      const audit = await readFile(join(dir, 'audit.jsonl'), 'utf8');
      const lines = audit
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => [l.credential, l.flowId, l.executionId, l.taskId, l.outcome, l.errorCode])).toEqual([
        ['warm', undefined, undefined, undefined, 'success', undefined],
        ['cold', 'observed', execution.id, 'cold_call', 'success', undefined],
        ['bad', 'observed', execution.id, 'bad_call', 'error', 'ERR_OAUTH_ERROR_RESPONSE'],
      ]);

      // Leak scan with the testkit's scanner (independent of the product): spans, metrics, audit log, logs.
      const all = await exportedText(otel, [audit, ...logs, JSON.stringify(execution)]);
      expect(issued).toHaveLength(2);
      expect(describeFindings(scanForLeaks(all, [CLIENT_SECRET, ...issued]))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
