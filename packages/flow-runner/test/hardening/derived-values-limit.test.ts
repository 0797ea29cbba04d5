/**
 * Values derived from a secret are registered for masking, and every later
 * render and output of the execution is checked against all of them. One
 * render may derive at most 5,000; an execution may hold at most 10,000
 * sensitive values before a render derives one more (attacker review, round
 * 5, F3: a 21-iteration ForEach deriving 5,000 values each made every later
 * render and log line slower, 48 s in all). Past the limit the render fails,
 * naming it, and nothing it derived is printed.
 */
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/execution/execution.js';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';

const SECRET = 'derived-limit-secret-7f3a';
const store = CredentialStore.fromYaml('', {
  secretProviders: [new EnvSecretProvider({ env: { SECRET_API_KEY: Buffer.from(SECRET).toString('base64') } })],
});

/** A ForEach over `iterations` values (Kestra's range is inclusive); each derives `parts` + 1 distinct values from the secret (split), then logs one. */
const flow = (iterations: number, parts: number) => `id: derive
namespace: company.team
tasks:
  - id: fe
    type: io.kestra.plugin.core.flow.ForEach
    values: "<< range(1, ${iterations}) | json >>"
    tasks:
      - id: r
        type: io.kestra.plugin.core.log.Log
        message: "<% set p = (secret('API_KEY') ~ ',q' ~ taskrun.value ~ (range(10000, ${10000 + parts - 1}) | join(',q' ~ taskrun.value ~ 'w'))) | split(',') %><< p | length >> << p[2] >>"
`;

async function run(iterations: number, parts: number) {
  const logs: LogEntry[] = [];
  const t0 = performance.now();
  const e = await runFlow(parseFlow(flow(iterations, parts), 'derive.yaml'), { store, onLog: (l) => logs.push(l) });
  return { e, logs, text: JSON.stringify({ e, logs }), ms: performance.now() - t0 };
}

describe('values derived from secrets: limits per render and per execution', () => {
  it('an execution under both limits succeeds, and what it derived is masked', async () => {
    const { e, text } = await run(2, 3_999);
    expect(e.state).toBe('SUCCESS');
    expect(text).toContain('4000 ******');
    expect(text).not.toContain('q1w10001');
    expect(text).not.toContain(SECRET);
  });

  it('more than 5,000 in one render fails that render, naming the limit', async () => {
    const { e, text } = await run(1, 6_000);
    expect(e.state).toBe('FAILED');
    expect(text).toContain('more than 5000 values derived from secrets or tokens in one render');
    expect(text).not.toContain(SECRET);
  });

  it('more than 10,000 in one execution fails the render that goes past it, at once', async () => {
    const { e, logs, text, ms } = await run(5, 3_999);
    expect(e.state).toBe('FAILED');
    expect(text).toContain('more than 10000 secrets, tokens and values derived from them in one execution');
    // Two renders (8,000 values) succeed; the third goes past 10,000.
    expect(logs.filter((l) => l.message.startsWith('4000 ')).length).toBe(2);
    expect(text).not.toContain(SECRET);
    expect(ms).toBeLessThan(15_000);
  });

  it('more than 4 MiB of them in one execution fails the render that goes past it (review round 6, G2)', async () => {
    // Each task derives a 2.5 MB value (the secret joined 100,000 times); masking keeps a dozen forms of each.
    const big = `id: big
namespace: company.team
tasks:
${[1, 2, 3]
  .map(
    (i) => `  - id: b${i}
    type: io.kestra.plugin.core.log.Log
    message: "<< (range(1, 100000) | join(secret('API_KEY') ~ '${i}')) | length >>"`,
  )
  .join('\n')}
`;
    const logs: LogEntry[] = [];
    const t0 = performance.now();
    const e = await runFlow(parseFlow(big, 'big.yaml'), { store, onLog: (l) => logs.push(l) });
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns.map((t) => `${t.taskId} ${t.state}`)).toEqual(['b1 SUCCESS', 'b2 FAILED']);
    expect(JSON.stringify(logs)).toContain('of more than 4 MiB in one execution');
    expect(JSON.stringify({ e, logs })).not.toContain(SECRET);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('a derived map of thousands of keys is checked against long sensitive values in bounded time (review round 6, G2)', async () => {
    const keys = `id: keys
namespace: company.team
tasks:
  - id: long
    type: io.kestra.plugin.core.log.Log
    message: "<< (range(1, 100000) | join(secret('API_KEY'))) | length >>"
  - id: map
    type: io.kestra.plugin.core.log.Log
    message: "<% set tail = '' %><% for i in range(1, 3000) %><% set tail = tail ~ ', \\"key' ~ i ~ '\\": 1' %><% endfor %><< ('{\\"s\\": \\"' ~ secret('API_KEY') ~ '\\"' ~ tail ~ '}') | fromJson | length >> keys"
`;
    const logs: LogEntry[] = [];
    const t0 = performance.now();
    const e = await runFlow(parseFlow(keys, 'keys.yaml'), { store, onLog: (l) => logs.push(l) });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(e.taskRuns.map((t) => `${t.taskId} ${t.state}`)).toEqual(['long SUCCESS', 'map SUCCESS']);
    expect(logs.map((l) => l.message)).toContain('3001 keys');
    expect(JSON.stringify({ e, logs })).not.toContain(SECRET);
  });
});
