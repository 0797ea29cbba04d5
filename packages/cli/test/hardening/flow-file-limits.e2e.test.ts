// Issue 26, review finding F7: a 1.4 MB flow file took minutes to validate
// (yaml's pairwise duplicate-key check on 60,000 variables, then a compile per
// template). Such a file is now refused at once, with exit 2 and the limit named.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-flow-file-limits-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const vars = (n: number) =>
  `id: big\nnamespace: t\nvariables:\n${Array.from({ length: n }, (_, i) => `  v${i}: "<< ${i} >>"\n`).join('')}tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

describe('flow files too large to check', () => {
  it('validate and run refuse a 1.4 MB flow of 60,000 variables: exit 2, the file and the limit named', async () => {
    const file = join(dir, 'vars.yaml');
    await writeFile(file, vars(60_000));
    for (const command of ['validate', 'run']) {
      const r = await runCli([command, file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain(
        `${file}:1: flow file of 1.4 MiB: credflow reads flow files of at most 1 MiB`,
      );
    }
  });

  it('a flow of 30,000 variables under the size limit is read (duplicate keys found in linear time)', async () => {
    const file = join(dir, 'vars-ok.yaml');
    await writeFile(file, vars(30_000));
    const r = await runCli(['validate', file]);
    expect(r.code, r.stderr).toBe(0);
    await writeFile(file, `${vars(30_000)}variables:\n  x: 1\n`);
    const dup = await runCli(['validate', file, '--json']);
    expect(dup.code).toBe(2);
    expect(dup.stdout).toContain('Map keys must be unique');
  });

  it('the templated string past the limit is named at its line', async () => {
    const file = join(dir, 'templates.yaml');
    const tasks = Array.from(
      { length: 4001 },
      (_, i) => `  - id: t${i}\n    type: io.kestra.plugin.core.log.Log\n    message: "<< ${i} >>"\n`,
    );
    await writeFile(file, `id: many\nnamespace: t\ntasks:\n${tasks.join('')}`);
    const r = await runCli(['validate', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toContain(
      `${file}:12006: tasks[4000].message: more than 4,000 templated strings in one flow file: credflow checks at most 4,000`,
    );
  });
});
