import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the host-app example renders a live token and never prints it', async () => {
  const script = fileURLToPath(new URL('./host-app.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30_000 });
  expect(stdout).toContain('Authorization: Bearer ******');
  expect(stdout).toContain('[host-app] response 200: {"tokenActive":true,"scope":"api:read"}');
  expect(stdout).not.toMatch(/Bearer (?!\*{6})\S/);
});
