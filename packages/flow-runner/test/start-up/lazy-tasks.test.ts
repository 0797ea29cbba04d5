// Start-up: a flow loads the code of the tasks it runs, not of every task type. Runs the built
// package (dist, as the CLI bundles it) in a child process that records every module it loads.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
const dataUrl = (src: string) => `data:text/javascript,${encodeURIComponent(src)}`;
/** Module hooks that print the URL of each file module as it loads. */
const HOOKS = `export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(dataUrl(HOOKS))});`;

/** Runs `flows` one after the other in one process; what each loaded (file names, builtins). */
function modulesLoadedBy(flows: string[]): { files: string[]; builtins: string[] }[] {
  const script = `
    import { CredentialStore } from '@credflow/credentials-core';
    const { parseFlow, runFlow } = await import(${JSON.stringify(DIST)});
    const store = CredentialStore.fromYaml('tasks: { process: { enabled: true } }\\n');
    for (const [i, text] of ${JSON.stringify(flows)}.entries()) {
      const e = await runFlow(parseFlow(text, 'f' + i + '.yaml'), { store });
      process.stderr.write('BUILTINS ' + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))) + '\\n');
      process.stderr.write('END ' + e.state + '\\n');
    }`;
  const r = spawnSync(process.execPath, ['--import', dataUrl(REGISTER), '--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '../..'),
    encoding: 'utf8',
  });
  const out: { files: string[]; builtins: string[] }[] = [];
  let files: string[] = [];
  let builtins: string[] = [];
  for (const line of r.stderr.split('\n')) {
    if (line.startsWith('LOADED ')) files.push(line.slice(7).split('/').slice(-2).join('/'));
    else if (line.startsWith('BUILTINS ')) builtins = JSON.parse(line.slice(9));
    else if (line.startsWith('END ')) {
      expect(line).toBe('END SUCCESS');
      out.push({ files, builtins });
      files = [];
    }
  }
  expect(out, r.stderr).toHaveLength(flows.length);
  return out;
}

const LOG_FLOW = `id: hello
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hello
`;
const SCRIPT_FLOW = `id: script
namespace: company.team
tasks:
  - id: sh
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ["true"]
`;
describe('task modules load when a flow runs the task', () => {
  it('a Log flow loads neither the script, the HTTP nor the subflow code, nor node:child_process; a script flow then does', () => {
    const [log, script] = modulesLoadedBy([LOG_FLOW, SCRIPT_FLOW]);
    const lazy = [
      'script/run-script.js',
      'script/run-process.js',
      'script/script-files.js',
      'tasks/send-request.js',
      'flow/start-subflow.js',
    ];
    for (const f of lazy) expect(log?.files).not.toContain(f);
    expect(log?.files.some((f) => f.includes('undici'))).toBe(false);
    expect(log?.builtins).not.toContain('child_process');
    expect(script?.files).toEqual(expect.arrayContaining(['script/run-script.js', 'script/run-process.js']));
    expect(script?.builtins).toContain('child_process');
  });
});
