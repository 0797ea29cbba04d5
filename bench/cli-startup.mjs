// CLI: wall time of `credflow run flows/hello.yaml` (no network, no
// credflow.yaml: an empty store) and `credflow --help` against `node -e 0`,
// medians of repeated runs in child processes as a user runs them. The
// commands are run in turn (one of each, then again), so a machine that gets
// busier or quieter during the measurement affects them alike.
//
// CREDFLOW_BASELINE_CLI=/path/to/other/checkout/.../credflow.js measures that
// CLI too, side by side, from the checkout holding its flows/hello.yaml
// (CREDFLOW_BASELINE_ROOT to name it): e.g. a git worktree of an older commit;
// CREDFLOW_BASELINE_LABEL names it in the table (e.g. 'commit 7e6f1fe').
//
// CLI_STARTUP_CPU=1 also records each child's own CPU time (user + system,
// process.cpuUsage() at exit, reported by a small preload given to every
// command alike), less sensitive than wall time to a busy machine.
//
//   node bench/cli-startup.mjs            prints the table (CLI_STARTUP_RUNS=21)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}packages/cli/dist/bin/credflow.js`;

/** The checkout a baseline CLI belongs to: the nearest directory above it with flows/hello.yaml. */
function baselineRoot(path) {
  if (process.env.CREDFLOW_BASELINE_ROOT) return resolve(process.env.CREDFLOW_BASELINE_ROOT);
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'flows', 'hello.yaml'))) return dir;
  }
  throw new Error(`no flows/hello.yaml above ${path}: set CREDFLOW_BASELINE_ROOT`);
}

function commands() {
  const list = [
    { key: 'node', label: '`node -e 0`', args: ['-e', '0'], cwd: root },
    { key: 'help', label: '`credflow --help`', args: [cli, '--help'], cwd: root },
    { key: 'run', label: '`credflow run flows/hello.yaml`', args: [cli, 'run', 'flows/hello.yaml'], cwd: root },
    {
      key: 'unbundled',
      label: 'same, unbundled (`dist/cli.js`)',
      args: [`${root}packages/cli/dist/cli.js`, 'run', 'flows/hello.yaml'],
      cwd: root,
    },
  ];
  const baseline = process.env.CREDFLOW_BASELINE_CLI;
  if (baseline) {
    const path = resolve(baseline);
    const cwd = baselineRoot(path);
    list.push(
      { key: 'baselineHelp', label: 'baseline `credflow --help`', args: [path, '--help'], cwd },
      {
        key: 'baselineRun',
        label: 'baseline `credflow run flows/hello.yaml`',
        args: [path, 'run', 'flows/hello.yaml'],
        cwd,
      },
    );
  }
  return list;
}

/** With CLI_STARTUP_CPU: a preload writing the child's CPU time (ms) to the file its env names. */
let cpuDir;
function cpuPreload() {
  if (!process.env.CLI_STARTUP_CPU) return undefined;
  if (!cpuDir) {
    cpuDir = mkdtempSync(join(tmpdir(), 'cli-startup-'));
    writeFileSync(
      join(cpuDir, 'cpu.cjs'),
      "process.on('exit',()=>{const u=process.cpuUsage();require('node:fs').writeFileSync(process.env.CLI_STARTUP_CPU_OUT,String((u.user+u.system)/1000))})\n",
    );
    process.on('exit', () => rmSync(cpuDir, { recursive: true, force: true }));
  }
  return join(cpuDir, 'cpu.cjs');
}

function once(c) {
  const preload = cpuPreload();
  const out = preload && join(cpuDir, 'cpu.txt');
  const args = preload ? ['-r', preload, ...c.args] : c.args;
  const env = preload ? { ...process.env, CLI_STARTUP_CPU_OUT: out } : process.env;
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: c.cwd, stdio: 'ignore', env });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${c.args.join(' ')} exited ${r.status}`);
  return preload ? { ms, cpu: Number(readFileSync(out, 'utf8')) } : { ms };
}

const quantile = (sorted, q) => sorted[Math.round((sorted.length - 1) * q)];

/**
 * Medians (ms) of `runs` interleaved runs of each command: `node`, `help`,
 * `run`, `unbundled`, and with a baseline `baselineHelp`, `baselineRun`;
 * `spread` holds each command's quartiles, `ratios` each median over node's.
 */
export function cliStartup(runs = Number(process.env.CLI_STARTUP_RUNS) || 21) {
  const list = commands();
  for (const c of list) {
    once(c); // warm the file cache
    once(c);
  }
  const times = Object.fromEntries(list.map((c) => [c.key, []]));
  const cpu = Object.fromEntries(list.map((c) => [c.key, []]));
  for (let i = 0; i < runs; i++) {
    // Alternate the order, so no command always runs right after another.
    for (const c of i % 2 ? [...list].reverse() : list) {
      const r = once(c);
      times[c.key].push(r.ms);
      if (r.cpu !== undefined) cpu[c.key].push(r.cpu);
    }
  }
  const result = { runs, labels: {}, spread: {}, ratios: {}, baseline: process.env.CREDFLOW_BASELINE_CLI };
  for (const c of list) {
    const sorted = times[c.key].sort((a, b) => a - b);
    result[c.key] = quantile(sorted, 0.5);
    result.labels[c.key] = c.label;
    result.spread[c.key] = { p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
    if (cpu[c.key].length) {
      const s = cpu[c.key].sort((a, b) => a - b);
      result.cpu ??= {};
      result.cpu[c.key] = { p25: quantile(s, 0.25), median: quantile(s, 0.5), p75: quantile(s, 0.75) };
    }
  }
  for (const c of list) result.ratios[c.key] = result[c.key] / result.node;
  return result;
}

/** The result as a markdown table with each command's ratio to `node -e 0` and its spread. */
export function cliStartupLines(c) {
  const keys = Object.keys(c.labels);
  const lines = [
    '| command | median wall time | × `node -e 0` | quartiles |',
    '| --- | ---: | ---: | ---: |',
    ...keys.map(
      (k) =>
        `| ${c.labels[k]} | ${c[k].toFixed(0)} ms | ${c.ratios[k].toFixed(2)} | ${c.spread[k].p25.toFixed(0)}–${c.spread[k].p75.toFixed(0)} ms |`,
    ),
    '',
    `**Ratio run/node: ${(c.run / c.node).toFixed(2)}**, --help ${(c.help - c.node).toFixed(0)} ms over node (median of ${c.runs} interleaved runs each).`,
  ];
  if (c.baselineRun !== undefined) {
    lines.push(
      '',
      `Baseline (${process.env.CREDFLOW_BASELINE_LABEL ?? `\`${c.baseline}\``}), measured in the same runs: run/node ${(c.baselineRun / c.node).toFixed(2)}, --help ${(c.baselineHelp - c.node).toFixed(0)} ms over node; this CLI's run is ${(c.run / c.baselineRun).toFixed(2)}× the baseline's, --help ${(c.help / c.baselineHelp).toFixed(2)}×.`,
    );
  }
  if (c.cpu) {
    lines.push('', '| command | median child CPU | quartiles |', '| --- | ---: | ---: |');
    for (const k of keys) {
      const u = c.cpu[k];
      lines.push(`| ${c.labels[k]} | ${u.median.toFixed(0)} ms | ${u.p25.toFixed(0)}–${u.p75.toFixed(0)} ms |`);
    }
    if (c.cpu.baselineRun) {
      lines.push(
        '',
        `CPU: this CLI's run is ${(c.cpu.run.median / c.cpu.baselineRun.median).toFixed(2)}× the baseline's, --help ${(c.cpu.help.median / c.cpu.baselineHelp.median).toFixed(2)}×.`,
      );
    }
  }
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(cliStartupLines(cliStartup()).join('\n'));
}
