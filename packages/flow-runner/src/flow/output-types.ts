import { parseDuration } from '@credflow/credentials-core/internal';

/** Kestra's flow output types that credflow converts to (Kestra: `outputs[].type`). */
export const OUTPUT_TYPES = [
  'STRING',
  'INT',
  'FLOAT',
  'BOOLEAN',
  'JSON',
  'URI',
  'DATETIME',
  'DATE',
  'DURATION',
] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Converts a rendered flow output to its declared type, as Kestra does.
 * Rendered values are text; JSON text becomes the value it holds. Errors
 * say what the value is not, never the value (it may hold a secret).
 */
export function coerceOutput(type: OutputType, value: unknown): unknown {
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'INT': {
      const n =
        typeof value === 'number' ? value : text !== undefined && /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n)) throw new Error('the value is not an integer');
      return n;
    }
    case 'FLOAT': {
      const n = typeof value === 'number' ? value : text ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) throw new Error('the value is not a number');
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (text === 'true' || text === 'false') return text === 'true';
      throw new Error('the value is not true or false');
    case 'JSON':
      if (text === undefined) return value;
      try {
        return JSON.parse(text);
      } catch {
        throw new Error('the value is not valid JSON');
      }
    case 'URI':
      if (text === undefined || !URL.canParse(text)) throw new Error('the value is not an absolute URI');
      return text;
    case 'DATETIME': {
      if (text === undefined || !DATETIME.test(text) || Number.isNaN(Date.parse(text))) {
        throw new Error('the value is not an ISO-8601 date-time with an offset (e.g. 2026-11-27T10:00:00Z)');
      }
      return new Date(text).toISOString();
    }
    case 'DATE':
      if (text === undefined || !DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
        throw new Error('the value is not an ISO-8601 date (e.g. 2026-11-27)');
      }
      return text;
    case 'DURATION':
      if (text === undefined || parseDuration(text) === undefined) {
        throw new Error('the value is not an ISO-8601 duration (e.g. PT1H30M)');
      }
      return text;
  }
}
