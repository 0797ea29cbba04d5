import type { CliIo } from '../src/io.js';

/** A CliIo that collects what a command writes, for in-process CLI tests. */
export function captureIo(env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    env,
    color: false,
  };
  return { io, out };
}
