// The bundled CLI's V8 code cache (src/code-cache.ts, written by
// build-cli.mjs): the command takes the cache the build wrote, and a cache V8
// refuses (another Node.js, a damaged file) changes nothing but speed.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from './cli-helpers.js';

const DIST = join(CLI, '..', '..');
const STATS = /code cache: (\d+) chunk\(s\), (\d+) used, (\d+) rejected, (\d+) without one/;
let copy: string;

function stats(stderr: string) {
  const m = STATS.exec(stderr);
  if (!m) throw new Error(`no code-cache line in:\n${stderr}`);
  const [chunks, used, rejected, missing] = m.slice(1).map(Number) as [number, number, number, number];
  return { chunks, used, rejected, missing };
}

function run(cli: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', CREDFLOW_DEBUG_CODE_CACHE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // A copy of the built command (dist/bin and the launcher's module) whose caches can be damaged.
  copy = await mkdtemp(join(tmpdir(), 'credflow-code-cache-'));
  await writeFile(join(copy, 'package.json'), '{"type":"module"}\n');
  await cp(join(DIST, 'bin'), join(copy, 'dist', 'bin'), { recursive: true });
  await cp(join(DIST, 'code-cache.js'), join(copy, 'dist', 'code-cache.js'));
});

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('the V8 code cache of the bundled CLI', () => {
  it('the build wrote a cache beside every chunk a run loads, and V8 takes each', async () => {
    const r = await runCli(['run', 'flows/hello.yaml'], { CREDFLOW_DEBUG_CODE_CACHE: '1' });
    expect(r.code, r.stderr).toBe(0);
    const s = stats(r.stderr);
    expect(s.chunks).toBeGreaterThan(1);
    expect(s).toEqual({ chunks: s.chunks, used: s.chunks, rejected: 0, missing: 0 });
  });

  it('a run loads a handful of chunks (what it imports statically is one), --help fewer', async () => {
    // Each chunk is resolved, read, checked and compiled on its own: two dozen small ones cost ~6 ms more than one.
    const run = stats((await runCli(['run', 'flows/hello.yaml'], { CREDFLOW_DEBUG_CODE_CACHE: '1' })).stderr);
    const help = stats((await runCli(['--help'], { CREDFLOW_DEBUG_CODE_CACHE: '1' })).stderr);
    expect(run.chunks).toBeLessThanOrEqual(6);
    expect(help.chunks).toBeLessThan(run.chunks);
  });

  it('a damaged or missing cache is compiled as usual: same output, exit 0', async () => {
    const bin = join(copy, 'dist', 'bin');
    const caches = (await readdir(bin)).filter((f) => f.endsWith('.v8cache'));
    expect(caches.length).toBeGreaterThan(5);
    // A third of the cache files have bytes flipped past their header (V8 itself
    // does not notice, and crashes with SIGSEGV), a third are garbage, the rest are gone.
    for (const [i, f] of caches.entries()) {
      if (i % 3 === 0) {
        const bytes = await readFile(join(bin, f));
        for (let at = 200; at < bytes.length; at += 97) bytes[at] = (bytes[at] as number) ^ 0xff;
        await writeFile(join(bin, f), bytes);
      } else if (i % 3 === 1) await writeFile(join(bin, f), Buffer.alloc(4096, 0x5a));
      else await rm(join(bin, f));
    }
    for (const args of [['--help'], ['validate', join(ROOT, 'flows', 'hello.yaml')]]) {
      const damaged = await run(join(bin, 'credflow.js'), args);
      const intact = await runCli(args);
      expect(damaged.code, damaged.stderr).toBe(0);
      expect(damaged.stdout).toBe(intact.stdout);
    }
    const damaged = await run(join(bin, 'credflow.js'), ['validate', join(ROOT, 'flows', 'hello.yaml')]);
    const s = stats(damaged.stderr);
    expect(s.used).toBe(0);
    expect(s.rejected + s.missing).toBe(s.chunks);
    expect(s.rejected).toBeGreaterThan(0);
  });

  it('a command that stops with nothing left to wait for ends with exit 70 and says so (it ended 0, silently)', async () => {
    const stall = join(copy, 'stall');
    await mkdir(join(stall, 'bin'), { recursive: true });
    await cp(join(DIST, 'code-cache.js'), join(stall, 'code-cache.js'));
    await writeFile(join(stall, 'package.json'), '{"type":"module"}\n');
    await writeFile(join(stall, 'bin', 'never.cjs'), 'exports.main = () => new Promise(() => {});\n');
    await writeFile(
      join(stall, 'bin', 'launch.js'),
      "import { runBundle } from '../code-cache.js';\nprocess.exitCode = await runBundle(new URL('./never.cjs', import.meta.url).pathname, []);\n",
    );
    const r = await run(join(stall, 'bin', 'launch.js'), []);
    expect(r.code).toBe(70);
    expect(r.stderr).toContain(
      'credflow: the command stopped before it finished (a wait nothing can end): this is a bug',
    );
  });
});
