import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 26 (5), through the CLI's source entry (in process, no build): `--input n=@file:PATH` and
// `n=@env:VAR` for inputs that are not SECRET print an error naming the input, never the value.
// The CLI is loaded by path at run time, so flow-runner's typecheck does not take in the CLI's sources.

interface Io {
  stdout: (t: string) => void;
  stderr: (t: string) => void;
  env: Record<string, string>;
  color: boolean;
}
type Main = (argv: string[], io: Io) => Promise<number>;
const CLI_ENTRY = new URL('../../../cli/src/cli.ts', import.meta.url).href;

const SECRET = `very-secret-file-content-${'c0ffee5eed1234ab'.repeat(6)}`;
let main: Main;
let dir: string;
let secretFile: string;
let config: string;

beforeAll(async () => {
  main = ((await import(/* @vite-ignore */ CLI_ENTRY)) as { main: Main }).main;
  dir = await mkdtemp(join(tmpdir(), 'credflow-input-errors-'));
  secretFile = join(dir, 'value.txt');
  await writeFile(secretFile, `${SECRET}\n`);
  config = join(dir, 'credflow.yaml');
  await writeFile(config, 'credentials: {}\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const TYPES = ['INT', 'FLOAT', 'BOOLEAN', 'JSON', 'URI'] as const;

describe('credflow run (source entry): input errors never quote an @file: or @env: value', () => {
  it.each(TYPES.flatMap((type) => [[type, '@file:'] as const, [type, '@env:'] as const]))(
    '%s input from %s',
    async (type, how) => {
      const flow = join(dir, `flow-${type}.yaml`);
      await writeFile(
        flow,
        `id: f\nnamespace: a.b\ninputs:\n  - { id: n, type: ${type} }\ntasks:\n  - { id: log, type: io.kestra.plugin.core.log.Log, message: never }\n`,
      );
      const out = { stdout: '', stderr: '' };
      const io: Io = {
        stdout: (t) => {
          out.stdout += t;
        },
        stderr: (t) => {
          out.stderr += t;
        },
        env: { INPUT_VALUE: SECRET },
        color: false,
      };
      const given = how === '@file:' ? `n=@file:${secretFile}` : 'n=@env:INPUT_VALUE';
      for (const json of [[], ['--json']]) {
        out.stdout = '';
        out.stderr = '';
        const code = await main(['run', flow, '--config', config, ...json, '--input', given], io);
        expect(code).toBe(2);
        const all = `${out.stdout}\n${out.stderr}`;
        expect(all).toContain(`input 'n' (${type})`);
        expect(describeFindings(scanForLeaks(all, [SECRET]))).toEqual([]);
      }
    },
  );
});
