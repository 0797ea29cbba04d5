import { UsageError } from './io.js';

/** Runs `node:util` parseArgs, turning its errors into usage errors (exit 2). */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
