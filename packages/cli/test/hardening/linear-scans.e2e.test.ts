// Issue 26, attacker review R7 and R8. R8: a raw/verbatim block that is never closed was lexed in
// quadratic time (160 KB: validate took 15 s and accepted the flow). R7: an outputFiles glob ran on
// a backtracking RegExp after the script ended (`*a*…*b` on a 200-character name: over 30 s), and a
// bad character class surfaced JavaScript's "Invalid regular expression".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-linear-scans-'));
  config = join(dir, 'credflow.yaml');
  await writeFile(config, 'credentials: {}\ntasks: { process: { enabled: true } }\n');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const logFlow = (message: string) =>
  `id: f\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: ${JSON.stringify(message)}\n`;

/** Runs the CLI and checks it ended within the 15 s. */
async function timed(args: string[]) {
  const started = Date.now();
  const r = await runCli(args);
  expect(Date.now() - started, args.join(' ')).toBeLessThan(15_000);
  return r;
}

describe('unclosed raw and verbatim blocks (R8)', () => {
  it.each([
    ['raw.yaml', `<% raw %>${'a'.repeat(160_000)}`, 'unclosed raw block: expected <% endraw %>, got end of file'],
    [
      'verbatim.yaml',
      `{% verbatim %}${'{% endverbatin %}\n'.repeat(12_000)}`,
      'unclosed verbatim block: expected {% endverbatim %}, got end of file',
    ],
  ])('%s: validate and run refuse it at once, exit 2, the file and line named', async (name, message, error) => {
    const file = join(dir, name);
    await writeFile(file, logFlow(message));
    for (const command of ['validate', 'run']) {
      const r = await timed([command, file, '--config', config]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain(`${file}:6: tasks[0].message: template error (template line 1): ${error}`);
    }
  });

  it('a closed 200 KB block with decoy tags runs', async () => {
    const file = join(dir, 'closed.yaml');
    // Under the flow file's 16,000 tags.
    const body = `<% endra %>${'b'.repeat(50)}<%\n`.repeat(3_000);
    await writeFile(file, logFlow(`<% set x %><% raw %>${body}<% endraw %><% endset %>length << x | length >>`));
    const r = await timed(['run', file, '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain(`INFO  length ${body.length}`);
  });
});

const scriptFlow = (glob: string) =>
  [
    'id: g',
    'namespace: company.team',
    'tasks:',
    '  - id: t',
    '    type: io.kestra.plugin.scripts.shell.Commands',
    '    taskRunner: { type: io.kestra.plugin.core.runner.Process }',
    `    outputFiles: [${JSON.stringify(glob)}]`,
    '    commands:',
    `      - "n=$(printf '%0200d' 0 | tr 0 a); mkdir -p d1/d2/d3; touch \\"$n\\" \\"d1/$n\\" \\"d1/d2/$n\\" \\"d1/d2/d3/$n\\""`,
    '',
  ].join('\n');

describe('outputFiles globs (R7)', () => {
  it('the review glob *a*a*…*b over 200-character names ends at once, SUCCESS', async () => {
    const file = join(dir, 'glob.yaml');
    await writeFile(file, scriptFlow('*a*a*a*a*a*a*a*a*a*a*a*a*b'));
    const r = await timed(['run', file, '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'SUCCESS' });
  });

  it('a glob that cannot be read fails the task with exit 1, naming it, with no JavaScript error text', async () => {
    const file = join(dir, 'bad-glob.yaml');
    await writeFile(file, scriptFlow('out/[z-a].csv'));
    const r = await timed(['run', file, '--config', config]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      `tasks[0].outputFiles (${file} line 7): "out/[z-a].csv" is not a valid glob: the character class [z-a] is not valid (a range out of order?)`,
    );
    expect(r.stdout + r.stderr).not.toMatch(/regular expression/i);
  });
});
