// A flow file is bounded before it is checked (flow-limits.ts): its size, the
// number of templated strings and of template tags. Checking compiles each
// template, and an unbounded file took minutes (issue 26, review finding F7).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowError } from '../../src/flow/flow-errors.js';
import { FLOW_LIMITS } from '../../src/flow/flow-limits.js';
import { loadFlow, parseFlow } from '../../src/flow/load-flow.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-flow-limits-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Counts what the check sees; the limits must stop the walk before it reaches the string past them. */
const checked: string[] = [];
const checkTemplate = (src: string) => {
  checked.push(src);
  return [];
};
const logTasks = (n: number, message: (i: number) => string) =>
  `id: f\nnamespace: t\ntasks:\n${Array.from({ length: n }, (_, i) => `  - id: t${i}\n    type: io.kestra.plugin.core.log.Log\n    message: "${message(i)}"\n`).join('')}`;

function flowError(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlowError) return err;
    throw err;
  }
  throw new Error('no FlowError');
}

describe('flow file limits', () => {
  it(`a file over ${FLOW_LIMITS.maxFileBytes} bytes is refused before it is read`, async () => {
    const file = join(dir, 'large.yaml');
    await writeFile(file, `id: f\nnamespace: t\ntasks: []\n# ${'x'.repeat(FLOW_LIMITS.maxFileBytes)}\n`);
    const err = await loadFlow(file, { checkTemplate }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).issues).toEqual([
      { path: '', line: 1, message: 'flow file of 1.0 MiB: credflow reads flow files of at most 1 MiB' },
    ]);
  });

  it('a file just within the size is read', async () => {
    const file = join(dir, 'fits.yaml');
    const head = 'id: f\nnamespace: t\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n# ';
    await writeFile(file, `${head}${'x'.repeat(FLOW_LIMITS.maxFileBytes - head.length - 1)}\n`);
    expect((await loadFlow(file, { checkTemplate })).tasks).toHaveLength(1);
  });

  it(`the templated string past ${FLOW_LIMITS.maxTemplates} is refused at its line, before it is checked`, () => {
    checked.length = 0;
    const text = logTasks(FLOW_LIMITS.maxTemplates + 1, (i) => `<< ${i} >>`);
    const err = flowError(() => parseFlow(text, 'f.yaml', { checkTemplate }));
    expect(err.issues).toEqual([
      {
        path: `tasks[${FLOW_LIMITS.maxTemplates}].message`,
        line: 3 + FLOW_LIMITS.maxTemplates * 3 + 3,
        message: 'more than 4,000 templated strings in one flow file: credflow checks at most 4,000',
      },
    ]);
    expect(checked.filter((s) => s.includes('<<'))).toHaveLength(FLOW_LIMITS.maxTemplates);
    // Plain strings do not count.
    expect(
      parseFlow(
        logTasks(FLOW_LIMITS.maxTemplates + 10, () => 'plain'),
        'f.yaml',
        { checkTemplate },
      ).tasks,
    ).toHaveLength(FLOW_LIMITS.maxTemplates + 10);
  });

  it(`more than ${FLOW_LIMITS.maxTags} tags in all are refused, in one string too`, () => {
    const one = flowError(() =>
      parseFlow(
        logTasks(1, () => '<< 1 >>'.repeat(FLOW_LIMITS.maxTags + 1)),
        'f.yaml',
        { checkTemplate },
      ),
    );
    expect(one.issues[0]).toMatchObject({ path: 'tasks[0].message', line: 6 });
    expect(one.issues[0]?.message).toBe(
      "more than 16,000 template tags ('<<', '<%', '{{', '{%') in one flow file: credflow checks at most 16,000",
    );
    const spread = flowError(() =>
      parseFlow(
        logTasks(5, () => '{{ 1 }}'.repeat(3201)),
        'f.yaml',
        { checkTemplate },
      ),
    );
    expect(spread.issues[0]).toMatchObject({ path: 'tasks[4].message' });
    expect(
      parseFlow(
        logTasks(5, () => '{{ 1 }}'.repeat(3200)),
        'f.yaml',
        { checkTemplate },
      ).tasks,
    ).toHaveLength(5);
  });
});
