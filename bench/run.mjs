// `pnpm bench`: runs every benchmark side by side in one process, prints the
// tables and writes bench/RESULTS.md. Benchmarks, not tests: nothing here
// fails on a slow machine; the figures are recorded.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { templateBench } from './template.mjs';

const sections = [];
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`;

function table(bench) {
  const rows = bench.tasks.map((t) => {
    const r = t.result;
    const mean = r.latency?.mean ?? r.mean;
    const hz = r.throughput?.mean ?? r.hz;
    return `| ${t.name} | ${(mean * 1e6).toFixed(0)} ns | ${Math.round(hz).toLocaleString('en-US')} | ${r.latency?.samplesCount ?? r.samples?.length ?? ''} |`;
  });
  return ['| task | mean | ops/s | samples |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}

async function section(title, target, fn) {
  process.stderr.write(`bench: ${title}...\n`);
  const { bench, lines = [] } = await fn();
  const text = [`## ${title}`, '', `Target: ${target}`, '', ...(bench ? [table(bench), ''] : []), ...lines, ''].join(
    '\n',
  );
  console.log(`\n${text}`);
  sections.push(text);
}

await section(
  'Template: credential() cache hit vs plain variable',
  "a cache-hit `Bearer << credential('k') >>` render at most 1.5× the same template with a plain variable",
  async () => {
    const { bench, ratio } = await templateBench();
    return {
      bench,
      lines: [`**Ratio credential/plain: ${ratio.toFixed(2)}** (${ratio <= 1.5 ? 'meets' : 'misses'} the target)`],
    };
  },
);

const doc = [
  '# Benchmark results',
  '',
  `Written by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  `Machine: ${machine}.`,
  '',
  ...sections,
].join('\n');
await writeFile(new URL('./RESULTS.md', import.meta.url), doc);
console.log('\nwrote bench/RESULTS.md');
