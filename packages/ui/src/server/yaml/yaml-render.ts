import { formatScalar, type ScalarValue } from './yaml-scalar.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value in flow style on one line: `{ secret: X }`, `[a, b]`, a scalar. */
export function renderInline(value: unknown): string {
  if (Array.isArray(value)) return value.length ? `[${value.map(renderInline).join(', ')}]` : '[]';
  if (isObject(value)) {
    const items = Object.entries(value).map(
      ([k, v]) => `${formatScalar(k, { inFlow: true, isKey: true })}: ${renderInline(v)}`,
    );
    return items.length ? `{ ${items.join(', ')} }` : '{}';
  }
  return formatScalar(value as ScalarValue, { inFlow: true });
}

/**
 * The lines of `key: value` in block style at `indent`, each ending in a
 * newline. Mappings are written as blocks `blockLevels` deep (the path down
 * to a credential, and the credential itself); below that, values are
 * written in flow style, as credflow's README writes `clientSecret: { secret: X }`.
 */
export function renderPair(key: string, value: unknown, indent: number, step: number, blockLevels: number): string {
  const pad = ' '.repeat(indent);
  const k = formatScalar(key, { inFlow: false, isKey: true });
  if (blockLevels > 0 && isObject(value) && Object.keys(value).length > 0) {
    return `${pad}${k}:\n${Object.entries(value)
      .map(([ck, cv]) => renderPair(ck, cv, indent + step, step, blockLevels - 1))
      .join('')}`;
  }
  return `${pad}${k}: ${renderInline(value)}\n`;
}
