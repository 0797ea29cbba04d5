import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// SECRET inputs without argv: --input k=@env:VAR and --input k=@file:PATH.

const SECRET = 'input-secret-value-0a1b2c3d4e5f';
let dir: string;
let flow: string;
let secretFile: string;
const NO_CONFIG = () => ({ CREDFLOW_CONFIG: join(dir, 'none.yaml') });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-input-sources-'));
  flow = join(dir, 'secret-input.yaml');
  await writeFile(
    flow,
    `id: secret_input
namespace: a.b
inputs:
  - { id: pw, type: SECRET }
  - { id: handle, type: STRING, required: false }
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "pw is << inputs.pw >>, handle << inputs.handle >>"
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    format: "<< inputs.pw >>"
outputs:
  - { id: pw, type: STRING, value: "<< inputs.pw >>" }
  - { id: len, type: STRING, value: "<< inputs.pw | length >>" }
`,
  );
  secretFile = join(dir, 'pw.txt');
  await writeFile(secretFile, `${SECRET}\n`);
  await writeFile(join(dir, 'none.yaml'), 'credentials: {}\n');
});

describe('credflow run --input k=@env:VAR / k=@file:PATH', () => {
  it.each([
    ['@env:', () => ['--input', 'pw=@env:FLOW_PW'], () => ({ FLOW_PW: SECRET })],
    ['@file:', () => ['--input', `pw=@file:${secretFile}`], () => ({})],
  ])('reads the SECRET input from %s, never from argv, and masks it everywhere', async (_how, args, env) => {
    const argv = ['run', flow, '--json', ...args(), '--input', 'handle=@@ada'];
    expect(argv.join(' ')).not.toContain(SECRET);
    const r = await runCli(argv, { ...NO_CONFIG(), ...env() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      state: string;
      outputs: Record<string, string>;
      taskRuns: { outputs: unknown }[];
    };
    expect(doc.state).toBe('SUCCESS');
    // The value arrived whole (its length, 31, is not a secret) and is masked wherever it appears.
    expect(doc.outputs).toEqual({ pw: '******', len: String(SECRET.length) });
    expect(doc.taskRuns[1]?.outputs).toEqual({ value: '******' });
    expect(r.stderr).toContain('pw is ******, handle @ada');
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
    expect(`${r.stdout}${r.stderr}`).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it.each([
    [
      'a missing variable',
      ['--input', 'pw=@env:FLOW_PW_UNSET'],
      "credflow: --input 'pw': environment variable FLOW_PW_UNSET is not set",
    ],
    [
      'an unreadable file',
      ['--input', 'pw=@file:/nonexistent/pw.txt'],
      "credflow: --input 'pw': cannot read file /nonexistent/pw.txt (ENOENT)",
    ],
    [
      'an unknown @ form',
      ['--input', 'pw=@secret:X'],
      "credflow: --input 'pw': a value starting with '@' must be @env:VAR or @file:PATH; write @@ for a literal '@'",
    ],
  ])('exits 2 before any task runs for %s, naming input and source', async (_what, args, message) => {
    const r = await runCli(['run', flow, ...args], { ...NO_CONFIG(), FLOW_PW: SECRET });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toBe(message);
    expect(r.stderr).not.toContain('INFO');
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
  });

  it('documents the forms in run --help', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.stdout).toContain('k=@env:VAR');
    expect(r.stdout).toContain('k=@file:PATH');
    expect(r.stdout).toContain('k=@@x is the literal value @x');
  });
});
