/**
 * Issue 29, run's outcomes through the built CLI: under --json a failed
 * task's error is { code, message } and every task run has its start and
 * end; Ctrl-C during a task ends the execution and the task KILLED with
 * exit 130 (not FAILED, exit 1).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './cli-helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-outcomes-'));
  await writeFile(
    join(dir, 'fails.yaml'),
    `id: fails
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hello
  - id: stop
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: stopped on purpose
`,
  );
  await writeFile(
    join(dir, 'sleeps.yaml'),
    `id: sleeps
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: never
`,
  );
});

describe('run --json: task errors and times', () => {
  it('a failed task run has error { code, message }; every task run its startDate and endDate', async () => {
    const r = await runCli(['run', 'fails.yaml', '--json'], {}, dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      state: string;
      startDate: string;
      endDate: string;
      taskRuns: {
        taskId: string;
        state: string;
        error?: { code: string; message: string };
        startDate: string;
        endDate: string;
      }[];
    };
    expect(doc.state).toBe('FAILED');
    const [hello, stop] = doc.taskRuns;
    expect(hello?.error).toBeUndefined();
    expect(stop?.state).toBe('FAILED');
    expect(stop?.error).toEqual({
      code: expect.stringMatching(/^ERR_[A-Z_]+$/),
      message: expect.stringContaining('stopped on purpose'),
    });
    for (const t of doc.taskRuns) {
      expect(Date.parse(t.endDate)).toBeGreaterThanOrEqual(Date.parse(t.startDate));
    }
    expect(Date.parse(doc.endDate)).toBeGreaterThanOrEqual(Date.parse(doc.startDate));
  });
});

/** Runs the CLI and sends SIGINT once `line` is on stderr, as Ctrl-C in a terminal does. */
function interrupt(args: string[], line: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && line.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Ctrl-C', () => {
  it('ends the execution KILLED, exit 130, the next task never started', async () => {
    const started = Date.now();
    const r = await interrupt(['run', 'sleeps.yaml'], /\bwait started\n/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/company\.team\.sleeps \(execution \w+, tenant main\): KILLED/);
    expect(r.stderr).not.toContain('after started');
    expect(r.stderr).toMatch(/✗ wait +KILLED /);
  });

  it('under --json: the one document says KILLED', async () => {
    const r = await interrupt(['run', 'sleeps.yaml', '--json'], /\bwait started\n/);
    expect(r.code, r.stderr).toBe(130);
    const doc = JSON.parse(r.stdout) as { state: string; taskRuns: { taskId: string; state: string }[] };
    expect(doc.state).toBe('KILLED');
    expect(doc.taskRuns.map((t) => t.taskId)).toEqual(['wait']);
  });
});
