import { createHash } from 'node:crypto';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with object keys sorted: the same definition gives the same text whatever its key order or layout. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * The version of one credential's definition as written in the file: a hash
 * of its content (comments, layout and key order do not count, since a save
 * keeps them anyway). The page sends it back with a save or delete, as an
 * HTTP `If-Match` would, so a change made to the file meanwhile is never overwritten.
 */
export function definitionVersion(definition: unknown): string {
  return createHash('sha256').update(canonical(definition)).digest('base64url').slice(0, 22);
}

/** What changed between two versions of a definition: the paths of the fields (`clientId`, `cache.enabled`), never values. */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedFields(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonical(before) === canonical(after) ? [] : [prefix];
}

/**
 * `If-Match` as the page or an API client sends it: `"v"`, `W/"v"` or a bare
 * `v`; `*` (any version) and absent mean no check.
 */
export function versionFromIfMatch(header: string | undefined): string | undefined {
  const h = header?.trim();
  if (!h || h === '*') return undefined;
  return h.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
