import { CredflowError } from '@credflow/credentials-core';

/** Where a command writes, and what it reads from its surroundings (injectable for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Colours on (stderr is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** stderr is a terminal: progress is a line redrawn in place (a spinner), not plain lines. */
  tty?: boolean;
  /** Raw byte writers (`exec` passes a command's output through unchanged); text writers are used without them. */
  bytes?: { stdout: (data: Uint8Array) => void; stderr: (data: Uint8Array) => void };
}

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
  tty: Boolean(process.stderr.isTTY),
  bytes: { stdout: (d) => process.stdout.write(d), stderr: (d) => process.stderr.write(d) },
});

/** Exit codes: 0 success, 1 failed (flow or token), 2 usage, config or flow errors. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** A usage error: printed with the command's help hint, exit 2. */
export class UsageError extends CredflowError {
  readonly code = 'ERR_USAGE';
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(io: CliIo, color: Color, text: string): string {
  return io.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
