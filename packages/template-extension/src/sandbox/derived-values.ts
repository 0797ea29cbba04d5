/**
 * Values a template derives from a secret or a token are sensitive too
 * (SPEC section 4): a field parsed out of a JSON secret, an upper-cased or
 * re-encoded token. Every filter and function a sandboxed template calls
 * goes through {@link guardCall}: when one of its arguments holds a
 * sensitive value, the string and number leaves of its result are reported
 * as sensitive before the template can print them.
 *
 * Lists and maps derived this way stay marked, so a secret split into
 * characters and joined again is still derived; arithmetic on a sensitive
 * number is derived too (the sandbox's operators check it).
 *
 * What stays outside: reading a sensitive string one character at a time
 * (`s[0]`, `for c in s`) and comparisons (`s == 'x'`, `s | length`) that
 * yield a boolean or a short number; leaves shorter than 4 characters are
 * not masked (they would hide ordinary words and protect nothing).
 */

/** The most nodes of an argument or result examined (deeper or larger data is treated as sensitive). */
export const MAX_WALK = 10_000;

/**
 * Lists and maps derived from a sensitive value, whatever their leaves: a
 * secret split into characters (`s | list`) has no leaf long enough to
 * mask, but what a template makes of the list again (`| join('.')`) is
 * derived from it.
 */
const TAINTED = new WeakSet<object>();

/** How many times a list or map was marked as derived: what a walk learnt before is stale once this moves. */
let taints = 0;

/** A count that moves whenever a list or map is marked as derived (see {@link ArgumentsWalk} memos). */
export const taintCount = (): number => taints;

/** Whether `value` is a list or map derived from a sensitive value. */
export const isTainted = (value: object): boolean => TAINTED.has(value);

/** Whether `value` holds one of `sensitive`, or a list or map derived from one (plain data: arrays, objects, SafeStrings). */
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
    } else if (v !== null && typeof v === 'object') {
      if (TAINTED.has(v)) return true;
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

/** A derived value too large to examine whole: refused rather than printed partly unmasked. */
export class DerivedValueTooLargeError extends Error {}

/**
 * The string and number leaves of a derived result (map keys excluded);
 * its lists and maps are marked as derived. Fails closed: a result with
 * more than {@link MAX_WALK} parts is an error, never partly registered.
 */
export function sensitiveLeaves(value: unknown, keys?: string[]): string[] {
  const out: string[] = [];
  let budget = MAX_WALK;
  const stack: unknown[] = [value];
  while (stack.length) {
    if (--budget < 0) {
      throw new DerivedValueTooLargeError(
        `a value derived from a secret or token has more than ${MAX_WALK} parts: too large to mask`,
      );
    }
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
    else if (v !== null && typeof v === 'object') {
      if (!TAINTED.has(v)) {
        TAINTED.add(v);
        taints++;
      }
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else
        for (const k of Object.keys(v)) {
          keys?.push(k);
          stack.push((v as Record<string, unknown>)[k]);
        }
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
