import { bindArguments, type Callee, isPlainObject, stdlibError, unwrapSafe } from './arguments.js';
import { setOwnProperty } from './own-property.js';

const STYLES = {
  single: ["'", "\\'"],
  double: ['"', '\\"'],
  shell: ["'", "'\\''"],
} as const;
type Style = keyof typeof STYLES;

/** Java's `toString` of a leaf: text as is, lists and maps as credflow prints them. */
function leafText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  return String(value);
}

function escapeAll(value: unknown, from: string, to: string): unknown {
  const v = unwrapSafe(value);
  if (Array.isArray(v)) return v.map((item) => escapeAll(item, from, to));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      setOwnProperty(out, k, escapeAll(v[k], from, to));
    }
    return out;
  }
  return leafText(v).replaceAll(from, to);
}

/**
 * `escapeChar(type)`: escapes quotes for embedding text in a quoted
 * string: `single` (`'` → `\'`), `double` (`"` → `\"`) or `shell`
 * (`'` → `'\''`, for a single-quoted shell argument); the type is not
 * case-sensitive. Lists and maps are escaped item by item, and their
 * numbers and booleans become text, as in Kestra. Null gives null (inside a
 * list or map it becomes `null` text, where Kestra fails).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/EscapeCharFilter.java
 */
export function escapeCharFilter(input: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'filter', name: 'escapeChar' };
  const args = bindArguments(callee, ['type'], raw);
  if (input === null || input === undefined) return null;
  if (!args.has('type')) throw stdlibError(callee, "expects an argument 'type'");
  const type = unwrapSafe(args.get('type'));
  const style = typeof type === 'string' ? type.toLowerCase() : undefined;
  if (style === undefined || !Object.hasOwn(STYLES, style)) {
    throw stdlibError(callee, "expects the value of 'type' to be either 'single', 'double', or 'shell'");
  }
  const [from, to] = STYLES[style as Style];
  return escapeAll(input, from, to);
}
