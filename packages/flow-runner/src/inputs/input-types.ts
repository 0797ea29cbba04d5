import { parseDuration } from '@credflow/credentials-core/internal';

/** Kestra input types the runner supports. */
export const INPUT_TYPES = ['STRING', 'INT', 'FLOAT', 'BOOLEAN', 'JSON', 'URI', 'SECRET', 'DURATION'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** Said in every input error: the reason no part of the value is quoted. */
const NOT_SHOWN = '(the value is not shown)';

/**
 * Converts an input value (from `--input k=v`, always text, or a YAML
 * default, any type) to its declared type. Throws a message saying what the
 * type expects and never any part of the value, whatever the type: a value
 * read with `@file:` or `@env:` may be a secret even when the input is not
 * declared SECRET, and a cut quote of a long value would leave an
 * unmaskable prefix. The caller names the input and its type.
 */
export function coerceInput(type: InputType, value: unknown): unknown {
  const text = typeof value === 'string' ? value : undefined;
  const refuse = (expected: string) => new Error(`${expected} ${NOT_SHOWN}`);
  switch (type) {
    case 'STRING':
    case 'SECRET':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw refuse(`expected text, got ${kind(value)}`);
    case 'INT': {
      const n =
        typeof value === 'number'
          ? value
          : text !== undefined && /^\s*-?\d+\s*$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isSafeInteger(n))
        throw refuse(
          `expected an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, such as 42`,
        );
      return n;
    }
    case 'FLOAT': {
      const n =
        typeof value === 'number' ? value : text !== undefined && text.trim() !== '' ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) throw refuse('expected a finite number, such as 2.5');
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (text === 'true' || text === 'false') return text === 'true';
      throw refuse('expected true or false');
    case 'JSON':
      if (text === undefined) return value;
      try {
        return JSON.parse(text);
      } catch {
        // JSON.parse's own message quotes the text around the error: never shown.
        throw refuse('expected valid JSON, such as {"a": 1} or [1, 2]');
      }
    case 'DURATION':
      // Kestra's Duration: ISO-8601 (PT1M, P1D); kept as written, as templates print it.
      if (text === undefined || parseDuration(text) === undefined) {
        throw refuse('expected an ISO-8601 duration, such as PT30S or P1D');
      }
      return text.trim();
    case 'URI': {
      if (text === undefined) throw refuse(`expected an absolute URI, got ${kind(value)}`);
      // URL's own error quotes the input: never shown.
      if (!URL.canParse(text)) throw refuse('expected an absolute URI, such as https://example.com/path');
      return text;
    }
  }
}

/** What kind of value was given, for messages: a type name, never the value. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
