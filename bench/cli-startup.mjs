// CLI: wall time of `credflow run flows/hello.yaml` (no network) against
// `node -e 0`, median of repeated runs, in child processes as a user runs it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}packages/cli/dist/bin/credflow.js`;

function median(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

export function cliStartup(runs = 21) {
  median(['-e', '0'], 3); // warm the file cache
  const node = median(['-e', '0'], runs);
  const run = median([cli, 'run', 'flows/hello.yaml'], runs);
  const help = median([cli, '--help'], runs);
  const unbundled = median([`${root}packages/cli/dist/cli.js`, 'run', 'flows/hello.yaml'], runs);
  return { node, run, help, unbundled, runs };
}
