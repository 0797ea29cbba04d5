// Review of issue 26: the flows directory (--flows DIR) was indexed with a plain YAML parse of every file
// (1 MB of `[[[…` took seconds per file: N9), and a subflow's own Subflow targets were checked against the
// config's flows.dir instead of --flows DIR (N10).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

let dir: string;
const subflow = (id: string, target?: string) =>
  `id: ${id}\nnamespace: company.team\ntasks:\n${
    target
      ? `  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: ${target}\n`
      : `  - id: hi\n    type: io.kestra.plugin.core.log.Log\n    message: from ${id}\n`
  }`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-flows-dir-'));
  await mkdir(join(dir, 'flows'));
  await mkdir(join(dir, 'elsewhere'));
  await writeFile(join(dir, 'flows', 'child.yaml'), subflow('child', 'grandchild'));
  await writeFile(join(dir, 'flows', 'grandchild.yaml'), subflow('grandchild'));
  for (let i = 0; i < 4; i++) {
    await writeFile(join(dir, 'flows', `deep-${i}.yaml`), `x: ${'['.repeat(450_000)}${']'.repeat(450_000)}\n`);
  }
  await writeFile(join(dir, 'parent.yaml'), subflow('parent', 'child'));
  await writeFile(join(dir, 'credflow.yaml'), 'flows: { dir: ./elsewhere }\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the flows directory', () => {
  it('nested subflows are found in --flows DIR, past files nested too deep to read', async () => {
    const started = performance.now();
    const r = await runCli([
      'run',
      join(dir, 'parent.yaml'),
      '--flows',
      join(dir, 'flows'),
      '--config',
      join(dir, 'credflow.yaml'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('from grandchild');
    // Bounded, not a speed target: four 900 KB files nested 450,000 deep took seconds each to index.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
