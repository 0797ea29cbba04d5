// Executor overhead (issue 28): 1,000 no-op task runs through the real
// runner, side by side in one process with a plain async loop doing the same
// work.
//
// The runner: `runFlow` of a flow whose one task is a ForEach over 1,000
// values (one after the other, Kestra's default `concurrencyLimit: 1`) of a
// `Return` with a constant `format` (no template to render): 1,001 task runs
// (the ForEach and its 1,000 children), each with its id, parent, value,
// attempt, state, dates and outputs, the outputs addressable as
// `outputs.noop[value]`, the execution masked at its end. This is the per
// task run cost a real flow pays besides what its tasks do: a ForEach is how
// a flow gets many task runs, and it exercises the value-keyed outputs and
// `parents` that a flat list of tasks would not. Loading and validating the
// flow is start-up, not counted (the CLI start-up section covers it).
//
// The plain loop: for the same 1,000 values, awaits an async function
// returning `{ value: 'done' }` and builds the equivalent record (a random
// id, task id, parent id, value, one attempt with its state and dates,
// state, outputs, dates), keyed by value as the runner keys outputs.
//
// CREDFLOW_BASELINE_FLOW_RUNNER=/path/to/flow-runner/dist/index.js measures
// another build of the runner in the same interleaved rounds (e.g. a copy of
// an older dist placed under packages/flow-runner/, so it resolves the same
// dependencies).
//
//   node bench/executor.mjs           prints the figures
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CredentialStore } from '@credflow/credentials-core';
import * as flowRunner from '@credflow/flow-runner';

/** No-op task runs per round. */
export const TASK_RUNS = 1_000;
const WARMUP = 10;
const ROUNDS = 31;

const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

function benchFlow(n) {
  const values = Array.from({ length: n }, (_, i) => i);
  return [
    'id: executor_bench',
    'namespace: bench',
    'tasks:',
    '  - id: each',
    '    type: io.kestra.plugin.core.flow.ForEach',
    `    values: ${JSON.stringify(values)}`,
    '    tasks:',
    '      - id: noop',
    '        type: io.kestra.plugin.core.debug.Return',
    '        format: done',
    '',
  ].join('\n');
}

const noop = async () => ({ value: 'done' });

/** The plain async loop: the same values, the same records, no executor. */
async function plainLoop(values) {
  const parent = randomUUID();
  const runs = [];
  const outputs = {};
  for (const v of values) {
    const startDate = new Date().toISOString();
    const out = await noop();
    const endDate = new Date().toISOString();
    const value = String(v);
    runs.push({
      id: randomUUID(),
      taskId: 'noop',
      parentTaskRunId: parent,
      value,
      state: 'SUCCESS',
      attempts: [{ state: 'SUCCESS', startDate, endDate }],
      outputs: out,
      startDate,
      endDate,
    });
    outputs[value] = out;
  }
  return { runs, outputs: { noop: outputs } };
}

async function loadBaseline() {
  const path = process.env.CREDFLOW_BASELINE_FLOW_RUNNER;
  return path ? await import(pathToFileURL(resolve(path)).href) : undefined;
}

/**
 * Runs the rounds (order alternating) and returns medians in ms per round
 * and µs per task run, for the runner, the plain loop and an optional
 * baseline build of the runner.
 */
export async function executorBench({ n = TASK_RUNS, rounds = ROUNDS } = {}) {
  const text = benchFlow(n);
  const store = CredentialStore.fromYaml('');
  const values = Array.from({ length: n }, (_, i) => i);
  const subjects = [
    { key: 'runner', label: 'credflow runner (`runFlow`)', module: flowRunner },
    { key: 'loop', label: 'plain async loop' },
  ];
  const baseline = await loadBaseline();
  if (baseline) {
    subjects.push({
      key: 'baseline',
      label: `baseline runner (${process.env.CREDFLOW_BASELINE_FLOW_RUNNER})`,
      module: baseline,
    });
  }
  for (const s of subjects) {
    if (!s.module) {
      s.once = () => plainLoop(values);
      s.taskRuns = n;
      continue;
    }
    const flow = s.module.parseFlow(text, 'executor-bench.yaml');
    s.once = async () => {
      const e = await s.module.runFlow(flow, { store });
      if (e.state !== 'SUCCESS' || e.taskRuns.length !== n + 1) {
        throw new Error(`the bench flow ended ${e.state} with ${e.taskRuns.length} task runs`);
      }
      return e;
    };
    s.taskRuns = n + 1;
  }
  for (const s of subjects) s.ms = [];
  for (let r = 0; r < WARMUP + rounds; r++) {
    const order = r % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const t0 = performance.now();
      await s.once();
      const ms = performance.now() - t0;
      if (r >= WARMUP) s.ms.push(ms);
    }
  }
  const result = { n, rounds };
  for (const s of subjects) {
    const ms = median(s.ms);
    result[s.key] = { label: s.label, ms, usPerTaskRun: (ms * 1000) / s.taskRuns, taskRuns: s.taskRuns };
  }
  result.ratio = result.runner.usPerTaskRun / result.loop.usPerTaskRun;
  return result;
}

/** The section's lines for bench/RESULTS.md. */
export function executorLines(r) {
  const us = (x) => `${x.toFixed(2)} µs`;
  const rows = ['runner', 'baseline', 'loop'].filter((k) => r[k]);
  return [
    '| what | task runs per round | median per round | per task run | vs plain loop |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (k) =>
        `| ${r[k].label} | ${r[k].taskRuns.toLocaleString('en-US')} | ${r[k].ms.toFixed(2)} ms | ${us(r[k].usPerTaskRun)} | ${(r[k].usPerTaskRun / r.loop.usPerTaskRun).toFixed(1)}× |`,
    ),
    '',
    `**Executor overhead: ${us(r.runner.usPerTaskRun)} per task run, ${r.ratio.toFixed(1)}× the plain loop** (medians of ${r.rounds} rounds in alternating order, after warm-up, in one process). The runner runs a ForEach over ${r.n.toLocaleString('en-US')} values of a \`Return\` with a constant \`format\`: ${(r.n + 1).toLocaleString('en-US')} task runs (the ForEach's own included), each with its id, parent, value, attempt, state, dates and value-keyed outputs, the execution masked at its end; loading and validating the flow is not counted. The loop awaits an async no-op per value and builds the same record (random id, parent id, value, one attempt, state, dates, outputs keyed by value). What the runner adds per task run: the task run's span and audit context (credflow's OpenTelemetry and audit-log hooks, about a fifth of it in a CPU profile), the render context, the attempt bookkeeping and the promises of its async steps.`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await executorBench();
  console.log(executorLines(r).join('\n'));
}
