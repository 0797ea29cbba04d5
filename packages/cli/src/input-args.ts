import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '@credflow/flow-runner';

/** Largest value `@file:` reads: 1 MiB. */
export const MAX_INPUT_FILE_BYTES = 1 << 20;

export interface InputArgsOptions {
  /** Where `@env:` looks (the CLI passes the process environment). */
  env: Readonly<Record<string, string | undefined>>;
  /** Base of relative `@file:` paths. */
  cwd: string;
}

/**
 * Turns `--input` arguments into input text, so a SECRET need not be in
 * argv (visible in `/proc/<pid>/cmdline`, `ps`, shell history):
 *
 * - `name=value`: the value as written;
 * - `name=@env:VAR`: the environment variable `VAR`;
 * - `name=@file:PATH`: the content of `PATH` (relative to `cwd`), one
 *   trailing newline trimmed, at most 1 MiB; `/dev/stdin` reads a pipe;
 * - `name=@@...`: a literal value starting with `@` (the first `@` is dropped);
 * - any other value starting with `@` is refused, so a typo such as
 *   `@evn:X` never becomes the literal value.
 *
 * Errors name the input and the variable or path, never a value.
 */
export async function parseInputArgs(
  args: readonly string[],
  options: InputArgsOptions,
): Promise<Record<string, string>> {
  // No prototype: `--input __proto__=x` is a name like any other (and then an unknown input).
  const inputs: Record<string, string> = Object.create(null);
  for (const [i, arg] of args.entries()) {
    const eq = arg.indexOf('=');
    if (eq < 1) throw new InputError(`--input number ${i + 1} must be name=value (no '=' after a name)`);
    const name = arg.slice(0, eq);
    inputs[name] = await inputValue(name, arg.slice(eq + 1), options);
  }
  return inputs;
}

async function inputValue(name: string, value: string, options: InputArgsOptions): Promise<string> {
  if (!value.startsWith('@')) return value;
  if (value.startsWith('@@')) return value.slice(1);
  if (value.startsWith('@env:')) {
    const variable = value.slice('@env:'.length);
    if (!variable) throw new InputError(`--input '${name}': @env: needs a variable name (@env:VAR)`);
    const found = options.env[variable];
    if (found === undefined) throw new InputError(`--input '${name}': environment variable ${variable} is not set`);
    return found;
  }
  if (value.startsWith('@file:')) {
    const path = value.slice('@file:'.length);
    if (!path) throw new InputError(`--input '${name}': @file: needs a path (@file:PATH)`);
    return readInputFile(name, path, options.cwd);
  }
  throw new InputError(
    `--input '${name}': a value starting with '@' must be @env:VAR or @file:PATH; write @@ for a literal '@'`,
  );
}

async function readInputFile(name: string, path: string, cwd: string): Promise<string> {
  const fail = (why: string) => new InputError(`--input '${name}': cannot read file ${path} (${why})`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(resolve(cwd, path), 'r');
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const { readBoundedText } = await import('@credflow/credentials-core/internal');
    const text = await readBoundedText(handle, MAX_INPUT_FILE_BYTES);
    if (text === undefined) throw fail('larger than 1 MiB');
    return text;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fail((err as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    await handle.close();
  }
}
