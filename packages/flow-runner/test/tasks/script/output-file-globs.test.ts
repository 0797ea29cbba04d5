import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '@credflow/credentials-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../../src/execution/run-flow.js';
import { parseFlow } from '../../../src/flow/load-flow.js';
import { compileGlob, keepOutputFiles, MAX_ENTRIES, MAX_GLOB_LENGTH } from '../../../src/tasks/script/script-files.js';
import { type TaskContext, TaskError } from '../../../src/tasks/task-type.js';

// Issue 26, R7: outputFiles globs ran on a backtracking JavaScript RegExp, synchronously after the
// script ended (no task timeout applies): `*a*a*…*b` against a 200-character name took minutes, and a
// bad character class surfaced JavaScript's "Invalid regular expression".

/** The translation the runner had (a JavaScript RegExp): the oracle for globs it could read. */
function oldGlobToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inGroup = true;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$|()\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A small deterministic generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('outputFiles globs (RE2, the rules the runner had)', () => {
  it('match every path as the JavaScript expression did, and refuse the globs it could not read', () => {
    const next = prng(7);
    const pick = (alphabet: string[], max: number) => {
      let s = '';
      const n = Math.floor(next() * (max + 1));
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    const globChars = [
      'a',
      'b',
      'z',
      '/',
      '.',
      '*',
      '**',
      '?',
      '{',
      '}',
      ',',
      '[',
      ']',
      '!',
      '^',
      '-',
      '\\',
      '$',
      '(',
      '|',
      ' ',
      '\n',
      'é',
    ];
    const pathChars = [
      'a',
      'b',
      'z',
      '/',
      '.',
      '-',
      ',',
      '{',
      '}',
      '[',
      ']',
      '!',
      '^',
      '\\',
      '$',
      '(',
      '|',
      ' ',
      '\n',
      'é',
    ];
    let compared = 0;
    let refused = 0;
    for (let i = 0; i < 4000; i++) {
      const glob = pick(globChars, 8);
      let oracle: RegExp | undefined;
      try {
        oracle = oldGlobToRegExp(glob);
      } catch {
        oracle = undefined;
      }
      if (oracle === undefined) {
        refused++;
        expect(() => compileGlob(glob), JSON.stringify(glob)).toThrow(TaskError);
        continue;
      }
      const matcher = compileGlob(glob);
      for (let j = 0; j < 20; j++) {
        const path = pick(pathChars, 8);
        compared++;
        expect(matcher.matches(path), `${JSON.stringify(glob)} on ${JSON.stringify(path)}`).toBe(oracle.test(path));
      }
    }
    expect(compared).toBeGreaterThan(40_000);
    expect(refused).toBeGreaterThan(100);
  });

  it('name the glob and why it cannot be read, with no JavaScript error text', () => {
    const cases: [string, RegExp][] = [
      [
        'out/[z-a].csv',
        /^outputFiles: "out\/\[z-a\]\.csv" is not a valid glob: the character class \[z-a\] is not valid/,
      ],
      ['{a,{b,c}}', /^outputFiles: "\{a,\{b,c\}\}" is not a valid glob: groups \{…\} cannot be nested$/],
      ['file.{csv', /^outputFiles: "file\.\{csv" is not a valid glob: a group \{ is not closed by \}$/],
      ['x'.repeat(MAX_GLOB_LENGTH + 1), /^outputFiles: "x{100}…" is longer than 1000 characters$/],
    ];
    for (const [glob, message] of cases) {
      try {
        compileGlob(glob);
        expect.unreachable(glob);
      } catch (e) {
        expect(e).toBeInstanceOf(TaskError);
        expect((e as TaskError).code).toBe('ERR_TASK_FAILED');
        expect((e as Error).message).toMatch(message);
        expect((e as Error).message).not.toMatch(/regular expression|SyntaxError|RE2JS/i);
      }
    }
  });

  it('keep the meaning of * (one folder), ** (any folders), classes and groups', () => {
    expect(compileGlob('**/*.txt').matches('a/b/c.txt')).toBe(true);
    expect(compileGlob('*.txt').matches('a/c.txt')).toBe(false);
    expect(compileGlob('[!a-c]?.{csv,json}').matches('dx.json')).toBe(true);
    expect(compileGlob('[!a-c]?.{csv,json}').matches('bx.json')).toBe(false);
    expect(compileGlob('a[]b').matches('ab')).toBe(false);
    expect(compileGlob('a[!]b').matches('a/b')).toBe(true);
    expect(compileGlob('(a|b).+').matches('(a|b).+')).toBe(true);
    expect(compileGlob('(a|b).+').matches('a.+')).toBe(false);
  });

  // Linear in the path: the backtracking expression took minutes on a 200-character name. Matching
  // is synchronous (no timeout stops it): the stars grow one at a time, each step with its own bound,
  // so a backtracking matcher fails at five stars within seconds instead of running for hours at 400.
  it('match hostile globs against long names quickly', { timeout: 10_000 }, () => {
    const name = 'a'.repeat(200);
    for (const stars of [2, 3, 4, 5, 6, 12, 400]) {
      const started = Date.now();
      expect(compileGlob(`${'*a'.repeat(stars)}*b`).matches(stars > 12 ? name.repeat(20) : name)).toBe(false);
      expect(Date.now() - started, `${stars} stars`).toBeLessThan(1_000);
    }
    const started = Date.now();
    expect(compileGlob(`${'**a'.repeat(300)}**b`).matches(`${'a'.repeat(200)}/`.repeat(20))).toBe(false);
    expect(compileGlob(`${'{a,aa}'.repeat(150)}b`).matches('a'.repeat(4000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('keepOutputFiles bounds', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credflow-globs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const context = (kept: string[], logged: string[] = []) =>
    ({
      taskId: 't',
      log: (level: string, message: string) => logged.push(`${level} ${message}`),
      signal: new AbortController().signal,
      files: {
        put: async (name: string) => {
          kept.push(name);
          return `kestra://${name}`;
        },
        localPath: async (uri: string) => uri,
      },
    }) as unknown as TaskContext;

  it('look at no more than MAX_ENTRIES entries, folders included', { timeout: 60_000 }, async () => {
    const root = join(dir, 'entries');
    await mkdir(root);
    // Empty folders sort first ("d…"); the one file ("z") comes after more than MAX_ENTRIES of them.
    for (let i = 0; i <= MAX_ENTRIES; i += 500)
      await Promise.all(Array.from({ length: 500 }, (_, k) => mkdir(join(root, `d${String(i + k).padStart(6, '0')}`))));
    await writeFile(join(root, 'z.txt'), 'z');
    await writeFile(join(root, 'a.txt'), 'a');
    const kept: string[] = [];
    const logged: string[] = [];
    expect(await keepOutputFiles(root, ['*.txt'], context(kept, logged))).toEqual({ 'a.txt': 'kestra://a.txt' });
    expect(kept).toEqual(['a.txt']);
    expect(logged).toEqual(['WARN outputFiles: only the first 10000 entries of the working directory were looked at']);
  });

  // About two seconds of matching (the backtracking expression: longer than anyone waited).
  it('refuse too much matching work with a clear error, within seconds', { timeout: 30_000 }, async () => {
    const root = join(dir, 'work');
    await mkdir(root);
    for (let i = 0; i < 40; i++) await writeFile(join(root, `${String(i).padStart(3, '0')}${'a'.repeat(200)}`), '');
    const globs = Array.from({ length: 100 }, (_, i) => `${'*a'.repeat(490)}*b${i}`);
    const started = Date.now();
    await expect(keepOutputFiles(root, globs, context([]))).rejects.toThrow(
      /^outputFiles: matching 100 glob\(s\) against the working directory's files is too much work \(stopped after \d+ files\)/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(keepOutputFiles(root, Array(101).fill('*'), context([]))).rejects.toThrow(/at most 100 globs/);
  });
});

describe('outputFiles in a flow (Process script task)', () => {
  const store = () => CredentialStore.fromYaml('tasks: { process: { enabled: true } }\n');
  const run = (outputFiles: string) =>
    runFlow(
      parseFlow(
        [
          'id: globs',
          'namespace: company.team',
          'tasks:',
          '  - id: t',
          '    type: io.kestra.plugin.scripts.shell.Commands',
          '    taskRunner: { type: io.kestra.plugin.core.runner.Process }',
          `    outputFiles: ${outputFiles}`,
          '    commands:',
          `      - "n=$(printf '%0200d' 0 | tr 0 a); mkdir -p d1/d2/d3; touch \\"$n\\" \\"d1/$n\\" \\"d1/d2/$n\\" \\"d1/d2/d3/$n\\" \\"$n.b\\""`,
        ].join('\n'),
        'globs.yaml',
      ),
      { store: store() },
    );

  it('the attacker review glob (*a*a*…*b on 200-character names) ends at once', { timeout: 15_000 }, async () => {
    const started = Date.now();
    const e = await run('["*a*a*a*a*a*a*a*a*a*a*a*a*b"]');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e.state).toBe('SUCCESS');
    expect(e.taskRuns[0]?.outputs?.outputFiles).toEqual({
      [`${'a'.repeat(200)}.b`]: expect.stringMatching(/^kestra:\/\//),
    });
  });

  it('a glob that cannot be read fails the task, naming it', { timeout: 15_000 }, async () => {
    const e = await run('["ok/*.csv", "out/[z-a].csv"]');
    expect(e.state).toBe('FAILED');
    expect(e.taskRuns[0]?.error).toMatch(
      /^tasks\[0\]\.outputFiles \(globs\.yaml line 7\): "out\/\[z-a\]\.csv" is not a valid glob: the character class \[z-a\] is not valid/,
    );
    expect(e.taskRuns[0]?.error).not.toMatch(/regular expression/i);
  });
});
