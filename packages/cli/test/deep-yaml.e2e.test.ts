import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// A YAML document nested 3,000 levels deep used to end in "Maximum call
// stack size exceeded"; it is a located error with exit 2.

const LIMIT =
  'YAML nested more than 100 levels deep (mappings and lists inside each other): credflow reads at most 100';
const FLOW_HEAD = 'id: f\nnamespace: a.b\ntasks:\n  - { id: t, type: io.kestra.plugin.core.log.Log, message: hi }\n';
const deepMaps = (n: number, indent: number) =>
  `${Array.from({ length: n }, (_, i) => `${' '.repeat(indent + i)}k:`).join('\n')} 1\n`;

let dir: string;
let deepFlow: string;
let deepFlowList: string;
let okFlow: string;
let deepConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-deep-'));
  deepFlow = join(dir, 'deep.yaml');
  // 1,000 levels: past the depth limit, within the 1 MiB of a flow file (3,000 indented levels are 4.5 MB).
  await writeFile(deepFlow, `${FLOW_HEAD}variables:\n${deepMaps(1000, 2)}`);
  deepFlowList = join(dir, 'deep-list.yaml');
  await writeFile(deepFlowList, `${FLOW_HEAD}variables:\n  v: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
  okFlow = join(dir, 'ok.yaml');
  await writeFile(okFlow, FLOW_HEAD);
  deepConfig = join(dir, 'credflow.yaml');
  await writeFile(
    deepConfig,
    `credentials:\n  a:\n    type: client_credentials\n    extraParams:\n${deepMaps(3000, 6)}`,
  );
});

describe('deep YAML exits 2 with a located error', () => {
  it.each([
    ['validate', 'a deep flow', () => ['validate', deepFlow], () => `${deepFlow}:105: ${LIMIT}`],
    ['run', 'a deep flow', () => ['run', deepFlow], () => `${deepFlow}:105: ${LIMIT}`],
    ['run --json', 'a deep flow list', () => ['run', deepFlowList, '--json'], () => `${deepFlowList}:6: ${LIMIT}`],
    ['run', 'a deep credflow.yaml', () => ['run', okFlow, '--config', deepConfig], () => `${deepConfig}:102: ${LIMIT}`],
    [
      'validate',
      'a deep credflow.yaml',
      () => ['validate', okFlow, '--config', deepConfig],
      () => `${deepConfig}:102: ${LIMIT}`,
    ],
    [
      'credentials list',
      'a deep credflow.yaml',
      () => ['credentials', 'list', '--config', deepConfig],
      () => `${deepConfig}:102: ${LIMIT}`,
    ],
  ])('%s with %s', async (_cmd, _what, args, message) => {
    const r = await runCli(args());
    expect(r.code).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toContain(message());
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/call stack|at .*\.js:\d+/);
  });
});
