import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks, secretNeedles } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../../src/execution/execution.js';
import { runFlow } from '../../../src/execution/run-flow.js';
import { FlowError } from '../../../src/flow/flow-errors.js';
import { parseFlow } from '../../../src/flow/load-flow.js';
import { compileGlob } from '../../../src/tasks/script/script-files.js';

// Kestra's script inputFiles/outputFiles (core/.../runners/FilesService.java, FilesServiceTest), run by the
// Process task runner: files written in the task's working directory, outputFiles kept in the run's storage
// and exposed as outputs.<id>.outputFiles['name'] (kestra:// URIs, as Kestra's internal storage names them).

const SECRET = 'script-files-secret-0123456789abcdef';
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'credflow-files-test-'));
});
afterAll(async () => {
  await rm(storageDir, { recursive: true, force: true });
});

const store = () =>
  CredentialStore.fromYaml('tasks: { process: { enabled: true } }\n', {
    secretProviders: [new EnvSecretProvider({ env: { SECRET_TOKEN: Buffer.from(SECRET).toString('base64') } })],
  });
async function run(tasks: string, options: { storageDir?: string; inputs?: Record<string, unknown> } = {}) {
  const flow = parseFlow(
    `id: files\nnamespace: company.team\ninputs:\n  - { id: ext, type: STRING, defaults: txt }\ntasks:\n${tasks}`,
    'files.yaml',
  );
  return runFlow(flow, { store: store(), ...options });
}
const logs = (e: Execution) => e.logs.map((l) => l.message);

describe('inputFiles and outputFiles (Process script tasks)', () => {
  it('inputFiles are written in the working directory (folders too, content rendered, null empty) before the commands run', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      data.txt: "hello << inputs.ext >>"
      sub/dir/other.json: '{"a": 1}'
      empty.txt: null
    commands:
      - cat data.txt; echo
      - cat sub/dir/other.json; echo
      - test -f empty.txt && test ! -s empty.txt && echo empty
`);
    expect(e.state).toBe('SUCCESS');
    expect(logs(e)).toEqual(['hello txt', '{"a": 1}', 'empty']);
  });

  it('inputFiles as JSON text (FilesService: a map or a JSON object)', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Script
    inputFiles: '{"a.txt": "from json"}'
    script: cat a.txt
`);
    expect(logs(e)).toEqual(['from json']);
  });

  it('outputFiles (FilesServiceTest.outputFiles/renderOutputFiles): globs matched in the working directory, kept, passed to the next task as kestra:// URIs', async () => {
    const e = await run(
      `
  - id: make
    type: io.kestra.plugin.scripts.shell.Commands
    outputFiles: ["*.<< inputs.ext >>", "out/**"]
    commands:
      - echo 1 > file.txt
      - echo skipped > file.csv
      - mkdir -p out/deep && echo 2 > out/deep/b.csv && echo 3 > out/a.csv
  - id: use
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      copy.txt: "<< outputs.make.outputFiles['file.txt'] >>"
      b.csv: "<< outputs.make.outputFiles['out/deep/b.csv'] >>"
    commands:
      - cat copy.txt b.csv
`,
      { storageDir },
    );
    expect(e.state).toBe('SUCCESS');
    const files = e.taskRuns[0]?.outputs.outputFiles as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['file.txt', 'out/a.csv', 'out/deep/b.csv']);
    expect(files['file.txt']).toMatch(
      new RegExp(
        `^kestra:///company/team/files/executions/${e.id}/tasks/make/${e.taskRuns[0]?.id}/[0-9a-f]{16}-file\\.txt$`,
      ),
    );
    expect(logs(e)).toEqual(['1', '2']);
    // Kept in storageDir at the URI's path, private to the user.
    const kept = join(storageDir, (files['file.txt'] as string).slice('kestra:///'.length));
    expect(await readFile(kept, 'utf8')).toBe('1\n');
    expect((await stat(join(storageDir, 'company'))).mode & 0o077).toBe(0);
  });

  it('without storageDir the run keeps its files in a temporary storage it removes at the end', async () => {
    const before = new Set((await readdir(tmpdir())).filter((n) => n.startsWith('credflow-storage-')));
    const e = await run(`
  - id: make
    type: io.kestra.plugin.scripts.shell.Commands
    outputFiles: [a.txt]
    commands: ['echo x > a.txt']
`);
    expect(Object.keys(e.taskRuns[0]?.outputs.outputFiles as object)).toEqual(['a.txt']);
    const after = (await readdir(tmpdir())).filter((n) => n.startsWith('credflow-storage-') && !before.has(n));
    expect(after).toEqual([]);
  });

  it('no outputFiles after a failed run (Kestra keeps them only after success); outputs stay', async () => {
    const e = await run(`
  - id: make
    type: io.kestra.plugin.scripts.shell.Commands
    outputFiles: ['*']
    commands: ['echo x > a.txt', 'exit 3']
`);
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns[0]?.outputs).toEqual({ vars: {}, exitCode: 3 });
  });

  it('a file holding a secret is passed as a file, never printed: outputs, logs and errors hold only URIs', async () => {
    const e = await run(
      `
  - id: make
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      token.txt: "<< secret('TOKEN') >>"
    outputFiles: [token.txt]
    commands: ['test -s token.txt']
  - id: check
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      again.txt: "<< outputs.make.outputFiles['token.txt'] >>"
    env: { EXPECTED: "<< secret('TOKEN') >>" }
    commands: ['test "$(cat again.txt)" = "$EXPECTED" && echo same']
`,
      { storageDir },
    );
    expect(e.state).toBe('SUCCESS');
    expect(logs(e)).toEqual(['same']);
    expect(describeFindings(scanForLeaks(JSON.stringify(e), secretNeedles(SECRET)))).toEqual([]);
  });

  it.each([
    ['/etc/passwd', 'must be a path relative to the working directory'],
    ['../up.txt', 'must be a path relative to the working directory'],
    ['a/../../b', 'must be a path relative to the working directory'],
    ['./a.txt', 'must be a path relative to the working directory'],
    ['<< inputs.ext >>.txt', 'is a template: credflow uses inputFiles names as written'],
  ])('an inputFiles name %j is refused when the flow is loaded, at its line', (name, message) => {
    const text = `id: f\nnamespace: company.team\ntasks:\n  - id: sh\n    type: io.kestra.plugin.scripts.shell.Commands\n    commands: ['true']\n    inputFiles:\n      ${JSON.stringify(name)}: x\n`;
    expect(() => parseFlow(text, 'f.yaml')).toThrow(FlowError);
    try {
      parseFlow(text, 'f.yaml');
    } catch (err) {
      expect((err as FlowError).issues).toEqual([
        { path: `tasks[0].inputFiles.${name}`, line: 8, message: expect.stringContaining(message) },
      ]);
    }
  });

  it('a kestra:// URI outside the run storage (.., another path) fails the task without reading it', async () => {
    const e = await run(
      `
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      a.txt: "kestra:///../../../../etc/passwd"
    commands: ['cat a.txt']
  - id: other
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles:
      b.txt: "kestra:///company/team/nothing-here.txt"
    commands: ['cat b.txt']
`,
      { storageDir },
    );
    expect(e.taskRuns[0]?.state).toBe('FAILED');
    expect(e.taskRuns[0]?.error).toBe("no file of this run's storage at kestra:///../../../../etc/passwd");
    expect(logs(e).some((l) => l.includes('root:'))).toBe(false);
  });

  it('a JSON inputFiles that renders to something else than a mapping is a clear error', async () => {
    const e = await run(`
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    inputFiles: '[1, 2]'
    commands: ['true']
`);
    expect(e.taskRuns[0]?.error).toBe(
      'tasks[0].inputFiles (files.yaml line 9): not a mapping of file names to contents',
    );
  });
});

describe('compileGlob (Java glob syntax, as Kestra matches outputFiles)', () => {
  it.each([
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', false],
    ['**/*.txt', 'dir/sub/a.txt', true],
    ['**/*.txt', 'a.txt', false],
    ['out/**', 'out/a/b.csv', true],
    ['file.{xml,csv}', 'file.csv', true],
    ['file?.txt', 'file1.txt', true],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(compileGlob(glob).matches(path)).toBe(expected);
  });
});
