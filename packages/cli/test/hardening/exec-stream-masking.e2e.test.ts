/**
 * Issue 26 (review R6), through the built CLI: `credflow exec` masks the
 * live token in its command's output wherever the output's chunks and
 * pauses fall: across the 64 KiB pipe chunk, written in two parts with a
 * pause in the middle, in one 128 KiB write. The output is scanned with
 * the testkit's own leak scanner, and compared byte for byte (all but the
 * token passes unchanged).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoEnvironment, describeFindings, scanForLeaks, startDemoEnvironment } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-helpers.js';

let demo: DemoEnvironment;
let dir: string;
let config: string;

beforeAll(async () => {
  demo = await startDemoEnvironment();
  dir = await mkdtemp(join(tmpdir(), 'credflow-exec-mask-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(config, demo.configYaml);
});

afterAll(async () => {
  await demo?.close();
});

/** Runs `credflow exec --env T=demo_oauth -- node CHILD.mjs`; the child also leaves the token in a file. */
async function execNode(
  child: string,
): Promise<{ code: number | null; stdout: Buffer; stderr: Buffer; token: string }> {
  const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  const tokenFile = `${script}.token`;
  await writeFile(
    script,
    `import { writeFileSync } from 'node:fs';\nconst T = process.env.T;\nwriteFileSync(${JSON.stringify(tokenFile)}, T);\nconst sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n${child}\n`,
  );
  const run = await new Promise<{ code: number | null; stdout: Buffer; stderr: Buffer }>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [CLI, 'exec', '--config', config, '--env', 'T=demo_oauth', '--', process.execPath, script],
      { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...demo.secretEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
  const token = await readFile(tokenFile, 'utf8');
  expect(token.length, 'the child got a token').toBeGreaterThan(8);
  return { ...run, token };
}

function expectNoLeak(r: { stdout: Buffer; stderr: Buffer; token: string }) {
  const all = `${r.stdout.toString('latin1')}\n${r.stderr.toString('latin1')}`;
  const values = [r.token, ...demo.secretValues];
  expect(describeFindings(scanForLeaks(all, values)), 'a secret or token leaked').toEqual([]);
}

describe('credflow exec masks the token wherever the output is cut', () => {
  it('a token across the 64 KiB chunk, on stdout and stderr', async () => {
    const r = await execNode(
      [
        `process.stdout.write('x'.repeat(65536 - 5) + T + 'y'.repeat(1000) + '\\n');`,
        `process.stderr.write('x'.repeat(65536 - 5) + T + 'y'.repeat(1000) + '\\n');`,
      ].join('\n'),
    );
    expect(r.code, r.stderr.toString()).toBe(0);
    const expected = `${'x'.repeat(65536 - 5)}******${'y'.repeat(1000)}\n`;
    expect(r.stdout.toString('latin1')).toBe(expected);
    expect(r.stderr.toString('latin1')).toBe(expected);
    expectNoLeak(r);
  });

  it('a token at offset 131,062 of one long line (the review repro)', async () => {
    const r = await execNode(`process.stdout.write('x'.repeat(131062) + T + 'y'.repeat(1000) + '\\n');`);
    expect(r.code).toBe(0);
    expect(r.stdout.toString('latin1')).toBe(`${'x'.repeat(131062)}******${'y'.repeat(1000)}\n`);
    expectNoLeak(r);
  });

  it('a token split over two writes with a 50 ms pause in the middle, no newline after it', async () => {
    const r = await execNode(
      [
        `const half = Math.floor(T.length / 2);`,
        `process.stdout.write('token: ' + T.slice(0, half));`,
        'await sleep(50);',
        `process.stdout.write(T.slice(half));`,
        'await sleep(50);',
        `process.stdout.write(' end');`,
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout.toString('latin1')).toBe('token: ****** end');
    expectNoLeak(r);
  });

  it('a token at the 64 KiB chunk of one 131,072-byte write of binary bytes: the rest passes unchanged', async () => {
    const r = await execNode(
      [
        'const buf = Buffer.alloc(131072);',
        'for (let i = 0; i < buf.length; i++) buf[i] = (i * 7) % 256;',
        `buf.write(T, 65536 - 5, 'latin1');`,
        'process.stdout.write(buf);',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const expected = Buffer.alloc(131072);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) % 256;
    const withMask = Buffer.concat([
      expected.subarray(0, 65536 - 5),
      Buffer.from('******'),
      expected.subarray(65536 - 5 + r.token.length),
    ]);
    expect(r.stdout.equals(withMask), 'bytes other than the token pass unchanged').toBe(true);
    expectNoLeak(r);
  });

  it('UTF-8 characters split across writes pass unchanged; the exit code is the command’s', async () => {
    const r = await execNode(
      [
        `const text = Buffer.from('é😀 ' + T + ' ünï\\n', 'utf8');`,
        'for (let i = 0; i < text.length; i += 3) { process.stdout.write(text.subarray(i, i + 3)); await sleep(2); }',
        'process.exitCode = 3;',
      ].join('\n'),
    );
    expect(r.code).toBe(3);
    expect(r.stdout.toString('utf8')).toBe('é😀 ****** ünï\n');
    expectNoLeak(r);
  });
});
