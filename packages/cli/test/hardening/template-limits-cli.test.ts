import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanForLeaks } from '@credflow/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

// Issue 26: one-line templates ended the CLI with a V8 fatal error (exit 133) or ran for
// minutes; values parsed out of a JSON secret were printed in clear.
const PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----\n';
const SA = JSON.stringify({
  type: 'service_account',
  private_key_id: '7c1e9a2b4d6f8e0a1c3b5d7f9e2a4c6b',
  private_key: PRIVATE_KEY,
});
const PASSWORD = 'json-secret-password-4e8d2a';
const JSONS = JSON.stringify({ user: 'svc', pw: PASSWORD });
const env = {
  SECRET_GCP_SA: Buffer.from(SA).toString('base64'),
  SECRET_JSONS: Buffer.from(JSONS).toString('base64'),
};
let dir: string;

const flow = (id: string, message: string, errors = true) =>
  [
    `id: ${id}`,
    'namespace: company.team',
    'tasks:',
    '  - id: t',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${JSON.stringify(message)}`,
    ...(errors
      ? ['errors:', '  - id: handler', '    type: io.kestra.plugin.core.log.Log', '    message: handler ran']
      : []),
    '',
  ].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-limits-'));
  await writeFile(join(dir, 'credflow.yaml'), 'credentials: {}\n');
});

describe('credflow run: templates cannot take the process down', () => {
  it.each([
    ['range_step', '<< range(1, 2, 0.0000000000000001) | length >>', 'maxRange'],
    ['range_size', '<< range(0, 300000000) | length >>', 'maxRange'],
    ['center', "<< 'x' | center(900000000) >>", 'maxOutputBytes'],
    ['indent', "<< 'x' | indent(900000000) >>", 'maxOutputBytes'],
    ['loops', '<% for i in range(100000) %><% for j in range(100000) %><% endfor %><% endfor %>', 'maxIterations'],
    [
      'doubling',
      "<% set s = 'ab' %><% for i in range(40) %><% set s = s ~ s %><% endfor %><< s | length >>",
      'maxOutputBytes',
    ],
    ['macro', '<% macro f(n) %><< f(n + 1) >><% endmacro %><< f(1) >>', 'maxDepth'],
    ['regex', `<< '${'a'.repeat(5000)}!' | replace({'(a+)+$': 'x'}, regexp=true) | length >>`, null],
    ['split', `<< '${'a'.repeat(5000)}' | split('a*a*c') | length >>`, null],
  ])('%s ends within 15 s with exit 1, the limit named, errors: tasks run', async (id, message, limit) => {
    const file = join(dir, `${id}.yaml`);
    await writeFile(file, flow(id, message));
    const started = Date.now();
    const r = await runCli(['run', file, '--config', join(dir, 'credflow.yaml'), '--json'], env);
    expect(Date.now() - started).toBeLessThan(15_000);
    const doc = JSON.parse(r.stdout) as {
      state: string;
      taskRuns: { taskId: string; state: string; error?: unknown }[];
    };
    if (limit === null) {
      // Linear-time regular expressions: the flow simply succeeds.
      expect(r.code).toBe(0);
      expect(doc.state).toBe('SUCCESS');
      return;
    }
    expect(r.code).toBe(1);
    expect(doc.state).toBe('FAILED');
    expect(JSON.stringify(doc)).toContain(`templates.limits.${limit}`);
    expect(doc.taskRuns.map((t) => `${t.taskId}:${t.state}`)).toEqual(['t:FAILED', 'handler:SUCCESS']);
  });

  it('templates.limits in credflow.yaml set the limits', async () => {
    const config = join(dir, 'small.yaml');
    await writeFile(config, 'templates:\n  limits:\n    maxRange: 10\n');
    const file = join(dir, 'small-range.yaml');
    await writeFile(file, flow('small_range', '<< range(11) | length >>', false));
    const r = await runCli(['run', file, '--config', config], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('templates.limits.maxRange');
    const bad = join(dir, 'bad-limits.yaml');
    await writeFile(bad, 'templates:\n  limits:\n    maxRange: -1\n');
    const b = await runCli(['run', file, '--config', bad], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('templates.limits.maxRange');
  });
});

describe('credflow run: values derived from a JSON secret are masked', () => {
  it('json(secret).private_key, fromJson.pw and their encodings print nothing of the secret', async () => {
    const file = join(dir, 'derived.yaml');
    const messages = [
      "key << json(secret('GCP_SA')).private_key >>",
      "id << json(secret('GCP_SA')).private_key_id >>",
      "pw << (secret('JSONS') | fromJson).pw >>",
      "up << (secret('JSONS') | fromJson).pw | upper >>",
      "b64 << (secret('JSONS') | fromJson).pw | base64encode | base64encode >>",
    ];
    await writeFile(
      file,
      [
        'id: derived',
        'namespace: company.team',
        'tasks:',
        ...messages.flatMap((m, i) => [
          `  - id: t${i}`,
          '    type: io.kestra.plugin.core.log.Log',
          `    message: ${JSON.stringify(m)}`,
        ]),
        '  - id: out',
        '    type: io.kestra.plugin.core.output.OutputValues',
        '    values:',
        `      pw: ${JSON.stringify("<< (secret('JSONS') | fromJson).pw >>")}`,
        '',
      ].join('\n'),
    );
    for (const json of [false, true]) {
      const r = await runCli(['run', file, '--config', join(dir, 'credflow.yaml'), ...(json ? ['--json'] : [])], env);
      expect(r.code).toBe(0);
      const all = r.stdout + r.stderr;
      expect(all).toContain('******');
      expect(
        scanForLeaks(all, [PRIVATE_KEY.trim(), '7c1e9a2b4d6f8e0a1c3b5d7f9e2a4c6b', PASSWORD, PASSWORD.toUpperCase()]),
      ).toEqual([]);
    }
  });
});
