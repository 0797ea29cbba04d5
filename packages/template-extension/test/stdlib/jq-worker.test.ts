// The jq worker (issue 26, D5/D7): bounded per call, and it never keeps the process alive.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, registerStandardLibrary, render } from '../../src/index.js';
import { JQ_CALL_TIMEOUT_MS, JQ_IDLE_MS } from '../../src/stdlib/jq.js';

const DIST = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;

describe('the jq worker', () => {
  it('ends a program at the limit of one jq call with an error saying so, well before the render limit; the next call runs', async () => {
    const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
      store: CredentialStore.fromYaml('credentials: {}\n'),
    });
    registerStandardLibrary(env);
    const started = Date.now();
    await expect(render(env, '<< 1 | jq("last(repeat(1))") >>')).rejects.toThrow(
      `the jq program ran longer than ${JQ_CALL_TIMEOUT_MS / 1000} s, the limit of one jq call`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await render(env, '<< [5] | jq(".[0] + 1") >>')).output).toBe('[6]');
  });

  it('is loaded at the first jq call, and does not keep the process alive: a process that used jq exits on its own, without waiting for the idle worker to end', () => {
    // The built package (as a host app runs it), in a child process that lists the modules it loads.
    const hooks = `export async function load(url, context, next) {
      if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n');
      return next(url, context);
    }`;
    const dataUrl = (src: string) => `data:text/javascript,${encodeURIComponent(src)}`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(dataUrl(hooks))});`;
    const script = `
      import nunjucks from 'nunjucks';
      import { CredentialStore } from '@credflow/credentials-core';
      const { registerCredentials, registerStandardLibrary, render } = await import(${JSON.stringify(DIST)});
      const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: CredentialStore.fromYaml('') });
      registerStandardLibrary(env);
      await render(env, "<< 'x' | upper >>");
      process.stderr.write('PLAIN RENDER DONE\\n');
      const { output } = await render(env, '<< {"a": [1, 2]} | jq(".a | add") >>');
      process.stdout.write(output);
      const done = Date.now();
      process.on('exit', () => process.stderr.write('EXIT AFTER ' + (Date.now() - done) + '\\n'));`;
    const r = spawnSync(process.execPath, ['--import', dataUrl(register), '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('[3]');
    const [before, afterPlain] = r.stderr.split('PLAIN RENDER DONE');
    expect(before).not.toMatch(/stdlib\/jq\.js/);
    expect(afterPlain).toMatch(/stdlib\/jq\.js/);
    const exitedAfter = Number(/EXIT AFTER (\d+)/.exec(r.stderr)?.[1]);
    expect(exitedAfter).toBeLessThan(JQ_IDLE_MS);
  });
});
