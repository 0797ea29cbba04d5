/** Kestra input types the runner supports. */
export const INPUT_TYPES = ['STRING', 'INT', 'FLOAT', 'BOOLEAN', 'JSON', 'URI', 'SECRET'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/**
 * Converts an input value (from `--input k=v`, always text, or a YAML
 * default, any type) to its declared type; throws a message naming the
 * problem, never the value of a SECRET input.
 */
export function coerceInput(type: InputType, value: unknown): unknown {
  const text = typeof value === 'string' ? value : undefined;
  const show = () => (type === 'SECRET' ? 'the given value' : `'${String(value).slice(0, 60)}'`);
  switch (type) {
    case 'STRING':
    case 'SECRET':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new Error(`expected text, got ${typeof value}`);
    case 'INT': {
      const n =
        typeof value === 'number'
          ? value
          : text !== undefined && /^\s*-?\d+\s*$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isSafeInteger(n)) throw new Error(`${show()} is not an integer`);
      return n;
    }
    case 'FLOAT': {
      const n =
        typeof value === 'number' ? value : text !== undefined && text.trim() !== '' ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) throw new Error(`${show()} is not a number`);
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (text === 'true' || text === 'false') return text === 'true';
      throw new Error(`${show()} is not true or false`);
    case 'JSON':
      if (text === undefined) return value;
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`${show()} is not valid JSON`);
      }
    case 'URI': {
      if (text === undefined) throw new Error(`expected a URI, got ${typeof value}`);
      try {
        return new URL(text).toString() === text ? text : text;
      } catch {
        throw new Error(`${show()} is not an absolute URI`);
      }
    }
  }
}
