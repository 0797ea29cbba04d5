import { execFileSync } from 'node:child_process';
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@credflow/flow-runner';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInputArgs } from '../src/input-args.js';

const VALUE = 'pw-from-somewhere-0123456789';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-input-args-'));
  await writeFile(join(dir, 'pw.txt'), `${VALUE}\n`);
  await writeFile(join(dir, 'two-lines.txt'), 'a\nb\n\n');
  const big = await open(join(dir, 'big'), 'w');
  await big.truncate(2 << 20);
  await big.close();
});

const parse = (args: string[], env: Record<string, string> = {}) => parseInputArgs(args, { env, cwd: dir });

async function refusal(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).code).toBe('ERR_INPUT_INVALID');
  expect((err as InputError).message).not.toContain(VALUE);
  return err as InputError;
}

describe('--input values', () => {
  it('reads name=value, @env:VAR, @file:PATH (relative to cwd, one newline trimmed) and @@ literals', async () => {
    expect(
      await parse(
        [
          'user=Ada',
          'pw=@env:MY_PW',
          'file=@file:pw.txt',
          `abs=@file:${join(dir, 'two-lines.txt')}`,
          'at=@@handle',
          'eq=a=b',
        ],
        { MY_PW: VALUE },
      ),
    ).toEqual({ user: 'Ada', pw: VALUE, file: VALUE, abs: 'a\nb\n', at: '@handle', eq: 'a=b' });
    expect(await parse(['empty=@env:EMPTY', 'plain='], { EMPTY: '' })).toEqual({
      empty: '',
      plain: '',
    });
  });

  it('names the input and the variable when the variable is not set', async () => {
    const err = await refusal(parse(['pw=@env:NOT_SET_ANYWHERE']));
    expect(err.message).toBe("--input 'pw': environment variable NOT_SET_ANYWHERE is not set");
  });

  it.each([
    ['missing.txt', 'ENOENT'],
    ['.', 'EISDIR'],
  ])('names the input and the path of a file it cannot read (%s)', async (path, why) => {
    const err = await refusal(parse([`pw=@file:${path}`]));
    expect(err.message).toBe(`--input 'pw': cannot read file ${path} (${why})`);
  });

  it('refuses a file over 1 MiB without reading it all', async () => {
    const err = await refusal(parse(['pw=@file:big']));
    expect(err.message).toBe("--input 'pw': cannot read file big (larger than 1 MiB)");
  });

  it('reads a pipe until it closes', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reading = parse([`pw=@file:${fifo}`]);
    await writeFile(fifo, `${VALUE}\n`);
    expect(await reading).toEqual({ pw: VALUE });
  });

  it.each([
    [
      'pw=@evn:MY_PW',
      "--input 'pw': a value starting with '@' must be @env:VAR or @file:PATH; write @@ for a literal '@'",
    ],
    ['pw=@', "--input 'pw': a value starting with '@' must be @env:VAR or @file:PATH; write @@ for a literal '@'"],
    ['pw=@env:', "--input 'pw': @env: needs a variable name (@env:VAR)"],
    ['pw=@file:', "--input 'pw': @file: needs a path (@file:PATH)"],
    [VALUE, "--input number 1 must be name=value (no '=' after a name)"],
    ['=x', "--input number 1 must be name=value (no '=' after a name)"],
  ])('refuses %s with a message holding no value', async (arg, message) => {
    expect((await refusal(parse([arg], { MY_PW: VALUE }))).message).toBe(message);
  });

  it('keeps __proto__ as a plain name', async () => {
    const inputs = await parse(['__proto__=x']);
    expect(Object.keys(inputs)).toEqual(['__proto__']);
  });
});
