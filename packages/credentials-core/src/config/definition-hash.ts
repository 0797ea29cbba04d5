import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal definitions hash equally. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A short hash of a validated definition. It is part of the cache identity,
 * so an edited definition never gets a token minted for the old one. The
 * definition holds secret references, not secret values.
 */
export function definitionHash(definition: unknown): string {
  return createHash('sha256').update(stable(definition)).digest('base64url').slice(0, 22);
}
