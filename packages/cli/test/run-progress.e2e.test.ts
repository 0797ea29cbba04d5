import { expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// SPEC section 6: `run` prints a line when each task starts (a long Sleep is not silent until the summary).
it('prints a line when each task starts, before its logs', async () => {
  const r = await runCli(['run', 'flows/hello.yaml']);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stderr.split('\n');
  const started = lines.findIndex((l) => /\bgreet started$/.test(l));
  const logged = lines.findIndex((l) => /\bgreet INFO\b/.test(l));
  expect(started).toBeGreaterThanOrEqual(0);
  expect(logged).toBeGreaterThan(started);
  for (const task of ['greet', 'compose', 'values']) expect(r.stderr).toMatch(new RegExp(`\\b${task} started\\n`));
});
