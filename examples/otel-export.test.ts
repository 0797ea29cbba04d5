import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { expect, it } from 'vitest';

it('the otel-export example runs a flow with --otel and prints the span tree the loopback collector received, with no secret or token in it', async () => {
  const script = fileURLToPath(new URL('./otel-export.mjs', import.meta.url));
  const dump = join(await mkdtemp(join(tmpdir(), 'credflow-otel-dump-')), 'received.json');
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    timeout: 60_000,
    env: { ...process.env, CREDFLOW_EXAMPLE_DUMP: dump },
  });
  expect(stdout).toContain('credflow exited with 1; the collector received 7 spans:');
  expect(stdout).toContain(
    [
      '  credflow.flow.execution otel_example error',
      '    credflow.task first success',
      '      credflow.token.mint partner_api success',
      '    credflow.task second success',
      '    credflow.task legacy_call error',
      '      credflow.token.mint legacy error',
      '    credflow.task report success',
    ].join('\n'),
  );
  expect(stdout).toMatch(/credflow\.token\.cache_hits, credflow\.token\.cache_misses, .*credflow\.token\.mints/);
  // The leak scan over everything exported, as the collector received it.
  const { received, minted, clientSecret } = JSON.parse(await readFile(dump, 'utf8'));
  const exported = JSON.stringify(received);
  expect(minted).toBe(1);
  const values = [clientSecret, ...Array.from({ length: minted }, (_, i) => `example-token-${i + 1}-abcdef`)];
  expect(describeFindings(scanForLeaks(exported, values))).toEqual([]);
  expect(exported).toContain('partner_api');
});
