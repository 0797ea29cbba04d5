import { CredflowError } from '@credflow/credentials-core';
import type { FlowInput } from '../flow/flow.js';
import { coerceInput, type InputProperties } from './input-types.js';

/** Bad `--input` values: a usage error, reported before any task runs. */
export class InputError extends CredflowError {
  readonly code = 'ERR_INPUT_INVALID';
}

/**
 * Typed input values from the given ones (text from `--input k=v`, or any
 * value from an API caller) and the flow's defaults. Unknown names, missing
 * required inputs and values that do not fit their type are errors. With no
 * value given, `defaults` is used, else `prefill` (Kestra's UI pre-fills the
 * form with it; a run without a form takes it as given).
 */
export function resolveInputs(
  declared: readonly (FlowInput & InputProperties & { prefill?: unknown })[],
  given: Record<string, unknown>,
): Record<string, unknown> {
  const known = new Map(declared.map((i) => [i.id, i]));
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!known.has(name))
      problems.push(`unknown input '${name}' (the flow declares: ${[...known.keys()].join(', ') || 'none'})`);
  }
  const out: Record<string, unknown> = {};
  for (const input of declared) {
    const raw = Object.hasOwn(given, input.id) ? given[input.id] : (input.defaults ?? input.prefill);
    if (raw === undefined || raw === null) {
      if (input.required !== false) problems.push(`input '${input.id}' (${input.type}) is required`);
      else out[input.id] = null;
      continue;
    }
    try {
      out[input.id] = coerceInput(input.type, raw, input);
    } catch (err) {
      problems.push(`input '${input.id}' (${input.type}): ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new InputError(problems.join('; '));
  return out;
}
