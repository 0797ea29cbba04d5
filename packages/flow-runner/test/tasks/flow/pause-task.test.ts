import { CredentialStore } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
import { runFlow } from '../../../src/execution/run-flow.js';
import { flowTemplateChecker } from '../../../src/execution/template-checks.js';
import { createTemplateEnvironment } from '../../../src/execution/template-environment.js';
import { FlowError } from '../../../src/flow/flow-errors.js';
import { parseFlow } from '../../../src/flow/load-flow.js';

const store = () => CredentialStore.fromYaml('credentials: {}\n');
const flow = (pause: string) =>
  parseFlow(
    `id: p
namespace: company.team
tasks:
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
${pause}  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: after
`,
    'p.yaml',
  );

describe('io.kestra.plugin.core.flow.Pause', () => {
  it.each([
    ['RESUME', 'SUCCESS', 'SUCCESS', 2],
    ['WARN', 'WARNING', 'WARNING', 2],
    ['FAIL', 'FAILED', 'FAILED', 1],
    ['CANCEL', 'KILLED', 'KILLED', 1],
  ])('pauseDuration with behavior %s: the Pause ends %s, the execution %s', async (behavior, pause, state, runs) => {
    const e = await runFlow(flow(`    pauseDuration: PT0.05S\n    behavior: ${behavior}\n`), { store: store() });
    expect(e.taskRuns[0]?.state).toBe(pause);
    expect(e.state).toBe(state);
    expect(e.taskRuns).toHaveLength(runs);
  });

  it('pauseDuration without behavior resumes; a rendered delay is a duration or a clear error', async () => {
    expect((await runFlow(flow('    pauseDuration: PT0.01S\n'), { store: store() })).state).toBe('SUCCESS');
    const bad = await runFlow(flow(`    delay: "<< 'soon' >>"\n`), { store: store() });
    expect(bad.state).toBe('FAILED');
    expect(bad.taskRuns[0]?.error).toBe(
      'tasks[0].delay (p.yaml line 6): not an ISO-8601 duration (e.g. PT30S) (template "<< \'soon\' >>")',
    );
  });

  it('Ctrl-C during the wait ends the Pause and the execution KILLED, at once', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = performance.now();
    const e = await runFlow(flow('    delay: PT1H\n'), { store: store(), signal: ac.signal });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.state).toBe('KILLED');
    expect(e.taskRuns.map((r) => r.state)).toEqual(['KILLED']);
  });

  it('a Pause waiting for a manual resume is refused by run and by validate (the template check), at its line', async () => {
    const f = parseFlow(
      `id: p
namespace: company.team
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: approve
        type: io.kestra.core.tasks.flows.Pause
`,
      'p.yaml',
    );
    const err = await runFlow(f, { store: store() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    const message =
      'this Pause waits for a manual resume (it has no delay, pauseDuration or timeout), and credflow run cannot resume a paused execution (no UI or API to do it): give it a delay (e.g. delay: PT5M) to wait and continue';
    expect((err as FlowError).issues).toEqual([{ path: 'tasks[0].tasks[0].type', line: 8, message }]);
    const s = store();
    const checkTemplate = flowTemplateChecker(createTemplateEnvironment(s), s, 'main', false);
    expect(() => parseFlow(TEXT_WITH_PAUSE, 'p.yaml', { checkTemplate })).toThrow(
      expect.objectContaining({ issues: [{ path: 'tasks[0].type', line: 5, message }] }),
    );
    // With a duration it is valid.
    expect(() => parseFlow(`${TEXT_WITH_PAUSE}    delay: PT1S\n`, 'p.yaml', { checkTemplate })).not.toThrow();
  });
});

const TEXT_WITH_PAUSE = `id: p
namespace: company.team
tasks:
  - id: approve
    type: io.kestra.plugin.core.flow.Pause
`;
