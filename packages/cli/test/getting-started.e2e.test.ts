/**
 * Runs the commands of docs/getting-started.md as written: every shell
 * block marked `<!-- guide-test -->` in order, in one bash script, in a
 * fresh temporary directory, with `credflow` on PATH as the built CLI. The
 * block marked `guide-test: setup` (the reader's own identity provider and
 * API) is the one replaced: by a loopback oidc-provider and protected API
 * from @credflow/testkit, so the test is fast and offline. A block marked
 * `guide-test: file NAME` is saved as NAME where the script then is. The
 * install step (packing the packages) is stood in for by a node_modules
 * link to this repository's.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DemoEnvironment,
  describeFindings,
  scanForLeaks,
  secretNeedles,
  startDemoEnvironment,
} from '@credflow/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, ROOT } from './cli-helpers.js';

interface Block {
  kind: 'run' | 'setup' | 'file';
  name?: string;
  code: string;
}

/** The marked blocks of the guide, in order. */
export function guideBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/<!-- guide-test(?:: (setup|file \S+)[^>]*?)? -->\n```(\w+)\n([\s\S]*?)\n```/g)) {
    const mark = m[1] ?? '';
    const code = m[3] as string;
    if (mark === 'setup') blocks.push({ kind: 'setup', code });
    else if (mark.startsWith('file ')) blocks.push({ kind: 'file', name: mark.slice(5), code });
    else blocks.push({ kind: 'run', code });
  }
  return blocks;
}

let demo: DemoEnvironment;
let work: string;
beforeAll(async () => {
  demo = await startDemoEnvironment();
  work = await mkdtemp(join(tmpdir(), 'credflow-guide-'));
});
afterAll(() => demo?.close());

it('the getting-started guide runs as written', async () => {
  const guide = await readFile(join(ROOT, 'docs/getting-started.md'), 'utf8');
  const blocks = guideBlocks(guide);
  expect(blocks.filter((b) => b.kind === 'setup')).toHaveLength(1);
  expect(blocks.filter((b) => b.kind === 'run').length).toBeGreaterThanOrEqual(5);

  // The reader's values, for the loopback stand-ins (the demo's confidential client).
  const secret = demo.secretValues.find(
    (v) => Buffer.from(v).toString('base64') === demo.secretEnv.SECRET_DEMO_CLIENT_SECRET,
  );
  expect(secret).toBeDefined();
  const apiUrl = `${demo.api.url}/api/oidc/ping`;
  const setup = [
    `TOKEN_ENDPOINT='${demo.auth.tokenEndpoint}'`,
    'CLIENT_ID=demo-client',
    `CLIENT_SECRET='${secret}'`,
    `API_URL='${apiUrl}'`,
  ].join('\n');
  const setupBlock = blocks.find((b) => b.kind === 'setup') as Block;
  for (const name of ['TOKEN_ENDPOINT', 'CLIENT_ID', 'CLIENT_SECRET', 'API_URL']) {
    expect(setupBlock.code).toMatch(new RegExp(`^${name}=`, 'm'));
  }

  const script = [
    'set -euo pipefail',
    ...blocks.map((b) =>
      b.kind === 'setup' ? setup : b.kind === 'file' ? `cat > '${b.name}' <<'GUIDE_EOF'\n${b.code}\nGUIDE_EOF` : b.code,
    ),
  ].join('\n');
  // `credflow` as the reader has it after installing; node_modules as the install leaves it.
  const bin = join(work, '.bin');
  await mkdir(bin);
  await writeFile(join(bin, 'credflow'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await chmod(join(bin, 'credflow'), 0o755);
  await symlink(join(ROOT, 'node_modules'), join(work, 'node_modules'));
  await writeFile(join(work, 'guide.sh'), script);

  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['guide.sh'], {
      cwd: work,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: work, NO_COLOR: '1' },
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
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const out = `${r.stdout}\n${r.stderr}`;
  expect(out).toContain('wrote my-project/credflow.yaml');
  expect(out).toMatch(/✓ my_api \(client_credentials, tenant main\): token minted/);
  expect(out).toContain('the token was ******');
  expect(out).toContain('✓ flows/hello.yaml: company.team.hello, 2 task(s)');
  expect(out).toContain('200 Authorization: Bearer ******');
  const execution = JSON.parse(await readFile(join(work, 'my-project/execution.json'), 'utf8'));
  expect(execution.state).toBe('SUCCESS');
  expect(execution.taskRuns.map((t: { taskId: string }) => t.taskId)).toEqual(['call', 'log']);
  expect(demo.api.seenTokens.length).toBeGreaterThanOrEqual(4);
  // The flow the guide shows is the one init wrote (its comments aside).
  const shown = /```yaml\n(id: hello[\s\S]*?)\n```/.exec(guide)?.[1];
  const written = (await readFile(join(work, 'my-project/flows/hello.yaml'), 'utf8'))
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\s+# .*$/, ''))
    .join('\n')
    .trim();
  expect(shown).toBe(written);
  // Only what the reader asked to see: no token, no secret.
  const values = [...demo.secretValues.flatMap(secretNeedles), ...demo.api.seenTokens];
  expect(describeFindings(scanForLeaks(out + JSON.stringify(execution), values))).toEqual([]);
}, 60_000);
