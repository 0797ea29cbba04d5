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

/** `--config F`, taken by every command that reads credflow.yaml. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;

/** `--tenant`, `--namespace` and `--json` of the credentials commands. */
export const SCOPE_OPTIONS = {
  ...CONFIG_OPTION,
  tenant: { type: 'string' },
  namespace: { type: 'string' },
  json: { type: 'boolean' },
} as const;
