import type { FlowInput } from '@credflow/flow-runner';

/**
 * The `--input` argument that gives input `id` of `type`: `@file:` for a
 * FILE, `@env:` or `@file:` for a SECRET (kept out of argv, `ps` and shell
 * history), else `id=…`.
 */
export function inputFlag(id: string, type: string): string {
  if (type === 'FILE') return `--input ${id}=@file:PATH`;
  if (type === 'SECRET') return `--input ${id}=@env:VAR or --input ${id}=@file:PATH`;
  return `--input ${id}=…`;
}

/**
 * Says in `err`'s message (in place) how to give each required input that
 * is missing: `input 'customer' (STRING) is required: give it with
 * --input customer=…`. The runner's message names the input and its type;
 * the flag is the CLI's to say. Names only, never a value.
 */
export function addInputHints(
  err: Error,
  declared: readonly FlowInput[],
  given: Readonly<Record<string, unknown>>,
): void {
  for (const input of declared) {
    const missing =
      input.required !== false &&
      !Object.hasOwn(given, input.id) &&
      (input.defaults === undefined || input.defaults === null);
    if (!missing) continue;
    const hint = `give it with ${inputFlag(input.id, input.type)}`;
    const said = `input '${input.id}' (${input.type}) is required`;
    err.message = err.message.includes(said)
      ? err.message.replace(said, `${said}: ${hint}`)
      : `${err.message.replace(/\.$/, '')}; input '${input.id}' (${input.type}): ${hint}`;
  }
}
