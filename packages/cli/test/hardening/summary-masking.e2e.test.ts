import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

// An attacker's review (issue 26) found ForEach values printed in clear in run's summary
// (`l[sk-live-…]`) while the task-start lines masked them.
const API_KEY = 'sk-live-summary-4f2a9c7e1b3d';
const PASSWORD = 'Pw-summary-Zq9xLm4Tr7Yv';
const env = {
  SECRET_API_KEY: Buffer.from(API_KEY).toString('base64'),
  SECRET_JSONS: Buffer.from(JSON.stringify({ user: 'svc', pw: PASSWORD })).toString('base64'),
};
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-summary-'));
  await writeFile(join(dir, 'credflow.yaml'), 'credentials: {}\n');
});

describe('credflow run: the summary masks task run values', () => {
  it.each([
    ['ForEach', 'io.kestra.plugin.core.flow.ForEach', 'values'],
    ['EachSequential', 'io.kestra.plugin.core.flow.EachSequential', 'value'],
  ])('%s over secrets and values derived from them: no value in clear, on stderr or stdout', async (id, type, key) => {
    const file = join(dir, `${id}.yaml`);
    await writeFile(
      file,
      [
        `id: ${id}`,
        'namespace: company.team',
        'tasks:',
        '  - id: each',
        `    type: ${type}`,
        `    ${key}: "<< [secret('API_KEY'), secret('JSONS', 'pw'), secret('API_KEY') | split('-') | reverse | join('.')] >>"`,
        '    tasks:',
        '      - id: l',
        '        type: io.kestra.plugin.core.log.Log',
        '        message: hello',
        '',
      ].join('\n'),
    );
    const r = await runCli(['run', file, '--config', join(dir, 'credflow.yaml'), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    // The summary is there, with one masked row per value.
    expect(r.stderr.match(/^\s+✓\s+l\[\*+\]/gmu)).toHaveLength(3);
    const needles = [API_KEY, PASSWORD, '4f2a9c7e1b3d.summary.live.sk'];
    const findings = scanForLeaks(r.stdout + r.stderr, needles);
    expect(describeFindings(findings, ['API_KEY', 'JSONS.pw', 'derived'])).toEqual([]);
  });
});
