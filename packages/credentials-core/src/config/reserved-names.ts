/**
 * Names every JavaScript object already answers to. As a key of a plain
 * object `__proto__` sets the prototype instead of a property, so a value
 * under it would be silently lost; none of them may name a tenant, a
 * namespace or a credential.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/** Why a reserved name is refused (names the rule, the name itself is shown by the caller). */
export const RESERVED_NAME_MESSAGE = '__proto__, constructor and prototype are reserved names';
