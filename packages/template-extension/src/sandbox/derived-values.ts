/**
 * Values a template derives from a secret or a token are sensitive too
 * (SPEC section 4): a field parsed out of a JSON secret, an upper-cased or
 * re-encoded token. Every filter and function a sandboxed template calls
 * goes through {@link guardCall}: when one of its arguments holds a
 * sensitive value, the string and number leaves of its result are reported
 * as sensitive before the template can print them.
 *
 * What stays outside: reading a sensitive string one character at a time
 * (`s[0]`, `for c in s`) and comparisons (`s == 'x'`, `s | length`) that
 * yield a boolean or a short number; leaves shorter than 4 characters are
 * not masked (they would hide ordinary words and protect nothing).
 */

/** The most nodes of an argument or result examined (deeper or larger data is treated as sensitive). */
const MAX_WALK = 10_000;

/** Whether any string inside `value` holds one of `sensitive` (plain data only: arrays, plain objects, SafeStrings). */
export function holdsSensitive(value: unknown, sensitive: ReadonlySet<string>): boolean {
  if (sensitive.size === 0) return false;
  let budget = MAX_WALK;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (--budget < 0) return true;
    if (typeof v === 'string') {
      if (v.length < 4) continue;
      for (const s of sensitive) if (v.includes(s)) return true;
    } else if (typeof v === 'number') {
      if (sensitive.has(String(v))) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

/** The string and number leaves of a result (map keys excluded), at most {@link MAX_WALK}. */
export function sensitiveLeaves(value: unknown): string[] {
  const out: string[] = [];
  let budget = MAX_WALK;
  const stack: unknown[] = [value];
  while (stack.length && --budget >= 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return out;
}

/**
 * Filters whose result says something about the shape of a value but not
 * its content: `keys` of a JSON secret are field names (`private_key`),
 * masking them would hide words everywhere and protect nothing.
 */
export const STRUCTURAL = new Set(['keys', 'length', 'count', 'className', 'wordcount']);
