import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDuration } from '@credflow/credentials-core/internal';
import type { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';

/** Kestra input types the runner supports (`BOOL` is Kestra's older name of `BOOLEAN`). */
export const INPUT_TYPES = [
  'STRING',
  'INT',
  'FLOAT',
  'BOOLEAN',
  'BOOL',
  'JSON',
  'YAML',
  'URI',
  'SECRET',
  'DURATION',
  'DATETIME',
  'DATE',
  'TIME',
  'EMAIL',
  'SELECT',
  'ENUM',
  'MULTISELECT',
  'ARRAY',
  'FILE',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** Types an `ARRAY` input's `itemType` may be (Kestra: not ARRAY; nor MULTISELECT, SELECT, FILE here). */
export const ITEM_TYPES = INPUT_TYPES.filter(
  (t) => t !== 'ARRAY' && t !== 'MULTISELECT' && t !== 'SELECT' && t !== 'ENUM' && t !== 'FILE',
) as readonly InputType[];

/**
 * The type-specific properties of a Kestra input (`io.kestra.core.models.flows.input.*`).
 * Which property goes with which type is checked by the flow schema.
 */
export interface InputProperties {
  /** SELECT, ENUM (Kestra's older SELECT), MULTISELECT: the allowed values. */
  values?: readonly string[];
  /** MULTISELECT: Kestra's deprecated name of `values`. */
  options?: readonly string[];
  /** SELECT, MULTISELECT: any value is accepted, `values` are suggestions. */
  allowCustomValue?: boolean;
  /** INT, FLOAT: inclusive numeric bounds; DURATION: inclusive ISO-8601 duration bounds (PT10S). */
  min?: number | string;
  max?: number | string;
  /** DATETIME, DATE, TIME: inclusive bounds, of the input's own type. */
  after?: string;
  before?: string;
  /** STRING: a regular expression the whole value must match (run on RE2: linear time). */
  validator?: string;
  /** ARRAY (required), MULTISELECT (STRING only): the type of each item. */
  itemType?: InputType;
}

/** Said in every input error: the reason no part of the value is quoted. */
const NOT_SHOWN = '(the value is not shown)';

const refuse = (expected: string) => new Error(`${expected} ${NOT_SHOWN}`);

/**
 * Converts an input value (from `--input k=v`, always text, or a YAML
 * default, any type) to its declared type and checks the input's
 * constraints (`values`, `min`/`max`, `after`/`before`). Throws a message
 * saying what the type expects and never any part of the value, whatever the
 * type: a value read with `@file:` or `@env:` may be a secret even when the
 * input is not declared SECRET, and a cut quote of a long value would leave
 * an unmaskable prefix. The caller names the input and its type.
 */
export function coerceInput(type: InputType, value: unknown, props: InputProperties = {}): unknown {
  const text = typeof value === 'string' ? value : undefined;
  switch (type) {
    case 'STRING':
    case 'SECRET': {
      const s =
        typeof value === 'string'
          ? value
          : typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : undefined;
      if (s === undefined) throw refuse(`expected text, got ${kind(value)}`);
      if (props.validator !== undefined && !matchesWhole(props.validator, s))
        throw refuse(`expected text matching the validator ${props.validator}`);
      return s;
    }
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
      return checkBounds(n, props);
    }
    case 'FLOAT': {
      const n =
        typeof value === 'number' ? value : text !== undefined && text.trim() !== '' ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) throw refuse('expected a finite number, such as 2.5');
      return checkBounds(n, props);
    }
    case 'BOOLEAN':
    case 'BOOL':
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
    case 'YAML':
      if (text === undefined) return value;
      try {
        // The yaml package's own message quotes the text around the error: never shown.
        return parseYaml(text);
      } catch {
        throw refuse('expected valid YAML, such as "a: 1" or "[1, 2]"');
      }
    case 'DURATION':
      // Kestra's Duration: ISO-8601 (PT1M, P1D); kept as written, as templates print it.
      if (text === undefined || parseDuration(text) === undefined) {
        throw refuse('expected an ISO-8601 duration, such as PT30S or P1D');
      }
      return checkDurationBounds(text.trim(), parseDuration(text) as number, props);
    case 'URI': {
      if (text === undefined) throw refuse(`expected an absolute URI, got ${kind(value)}`);
      // URL's own error quotes the input: never shown.
      if (!URL.canParse(text)) throw refuse('expected an absolute URI, such as https://example.com/path');
      return text;
    }
    case 'EMAIL':
      if (text === undefined || !EMAIL.test(text)) throw refuse('expected an email address, such as name@example.com');
      return text;
    case 'DATETIME': {
      const instant = value instanceof Date ? value.toISOString() : text === undefined ? undefined : parseInstant(text);
      if (instant === undefined)
        throw refuse('expected an ISO-8601 date and time with a time zone, such as 2024-01-31T10:15:00Z');
      return checkTimeBounds(instant, Date.parse(instant), props, parseInstant, 'date and time');
    }
    case 'DATE': {
      // YAML may read an unquoted 2024-01-31 as a Date: it is that day.
      const day =
        value instanceof Date ? value.toISOString().slice(0, 10) : text === undefined ? undefined : parseDate(text);
      if (day === undefined) throw refuse('expected an ISO-8601 date, such as 2024-01-31');
      return checkTimeBounds(day, Date.parse(day), props, parseDate, 'date');
    }
    case 'TIME': {
      const time = text === undefined ? undefined : parseTime(text);
      if (time === undefined) throw refuse('expected an ISO-8601 local time, such as 10:15 or 10:15:30');
      return checkTimeBounds(time, timeSeconds(time), props, parseTime, 'time');
    }
    case 'SELECT':
    case 'ENUM': {
      const choice = typeof value === 'number' || typeof value === 'boolean' ? String(value) : text;
      if (choice === undefined) throw refuse(`expected one of the input's values, got ${kind(value)}`);
      checkChoice(choice, props);
      return choice;
    }
    case 'MULTISELECT': {
      const items = asList(value).map((item) => {
        const choice = typeof item === 'number' || typeof item === 'boolean' ? String(item) : item;
        if (typeof choice !== 'string') throw refuse(`expected a list of text items, got ${kind(item)} in the list`);
        checkChoice(choice, props);
        return choice;
      });
      return items;
    }
    case 'ARRAY': {
      const itemType = props.itemType ?? 'STRING';
      return asList(value).map((item, i) => {
        try {
          return coerceInput(itemType, item);
        } catch (err) {
          throw new Error(`item ${i + 1} (${itemType}): ${(err as Error).message}`);
        }
      });
    }
    case 'FILE':
      return localFileUri(value);
  }
}

/** The longest `validator` pattern, and the most work one check may take (as the template regexes). */
export const MAX_VALIDATOR_LENGTH = 500;
const MAX_VALIDATOR_WORK = 100_000_000;

let re2: typeof RE2JS | undefined;
const validators = new Map<string, RE2JS>();

/**
 * A compiled `validator`: the part of re2js's `RE2JS` pattern the runner
 * uses, declared here so the published types do not name re2js (the built
 * package loads the copy vendored in @credflow/template-extension).
 */
export interface CompiledValidator {
  /** Whether the whole of `text` matches. */
  matches(text: string): boolean;
  /** The size of the compiled RE2 program (the work per character). */
  programSize(): number;
}

/**
 * Compiles a flow's `validator` with RE2 (re2js: linear time, no
 * backtracking; loaded on the first flow that has a validator). A flow
 * author's pattern never runs on JavaScript's RegExp. Throws for a pattern RE2
 * cannot run (backreferences, lookaround) or that is not valid.
 */
export function compileValidator(pattern: string): CompiledValidator {
  let re = validators.get(pattern);
  if (re) return re;
  if (pattern.length > MAX_VALIDATOR_LENGTH)
    throw new Error(`the validator is longer than ${MAX_VALIDATOR_LENGTH} characters`);
  re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  try {
    re = re2.compile(pattern);
  } catch {
    throw new Error(
      'the validator is not a regular expression RE2 can run (backreferences and lookaround cannot run in linear time)',
    );
  }
  if (validators.size >= 200) validators.clear();
  validators.set(pattern, re);
  return re;
}

/** Whether the whole of `text` matches `pattern` (Kestra: `Pattern.matches`). */
function matchesWhole(pattern: string, text: string): boolean {
  const re = compileValidator(pattern);
  if (re.programSize() * Math.max(1, text.length) > MAX_VALIDATOR_WORK)
    throw refuse(`the value is too long for the validator (RE2 program of ${re.programSize()} instructions)`);
  return re.matches(text);
}

/** Email: one '@', no spaces: a loose, linear check (Kestra's is a loose check too). */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** A list, or the text of a JSON array (Kestra: `JacksonMapper.toList`). */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (Array.isArray(parsed)) return parsed;
  }
  throw refuse('expected a list, or a JSON array such as ["a", "b"]');
}

function checkChoice(choice: string, props: InputProperties): void {
  const values = props.values ?? props.options ?? [];
  if (props.allowCustomValue === true || values.includes(choice)) return;
  throw refuse(`expected one of the input's values: ${values.join(', ')}`);
}

/** DURATION `min`/`max` (Kestra DurationInput: inclusive). The bounds are flow text and may be quoted. */
function checkDurationBounds(text: string, ms: number, props: InputProperties): string {
  const boundOf = (bound: number | string) => {
    const b = typeof bound === 'string' ? parseDuration(bound) : undefined;
    if (b === undefined) throw new Error(`bound ${bound} is not an ISO-8601 duration`);
    return b;
  };
  if (props.min !== undefined && ms < boundOf(props.min)) throw refuse(`expected a duration of at least ${props.min}`);
  if (props.max !== undefined && ms > boundOf(props.max)) throw refuse(`expected a duration of at most ${props.max}`);
  return text;
}

function checkBounds(n: number, props: InputProperties): number {
  if (typeof props.min === 'number' && n < props.min) throw refuse(`expected at least ${props.min}`);
  if (typeof props.max === 'number' && n > props.max) throw refuse(`expected at most ${props.max}`);
  return n;
}

/**
 * Checks `after`/`before` (inclusive, as Kestra's `isBefore`/`isAfter`) on a
 * value already converted to `key`, a number that orders values. The bounds
 * are trusted flow text and may be quoted.
 */
function checkTimeBounds(
  value: string,
  key: number,
  props: InputProperties,
  parse: (text: string) => string | undefined,
  what: string,
): string {
  const keyOf = (bound: string) => {
    const b = parse(bound);
    if (b === undefined) throw new Error(`bound ${bound} is not a valid ${what}`);
    return what === 'time' ? timeSeconds(b) : Date.parse(b);
  };
  if (props.after !== undefined && key < keyOf(props.after)) throw refuse(`expected a ${what} after ${props.after}`);
  if (props.before !== undefined && key > keyOf(props.before))
    throw refuse(`expected a ${what} before ${props.before}`);
  return value;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An ISO-8601 instant (Kestra: `Instant.parse`) in UTC, as Java prints it: `2024-01-31T10:15:00Z`. */
export function parseInstant(text: string): string | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m || parseDate(m[1] as string) === undefined || !validTime(m[2], m[3], m[4])) return undefined;
  const ms = Date.parse(text.trim());
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** An ISO-8601 local date (Kestra: `LocalDate.parse`), a real calendar day. */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) return undefined;
  const d = new Date(`${t}T00:00:00Z`);
  return Number.isFinite(d.getTime()) && d.toISOString().slice(0, 10) === t ? t : undefined;
}

/** An ISO-8601 local time (Kestra: `LocalTime.parse`): `HH:mm`, `HH:mm:ss` or `HH:mm:ss.fff`; kept as written. */
export function parseTime(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/.exec(t);
  return m && validTime(m[1], m[2], m[3]) ? t : undefined;
}

function validTime(h?: string, m?: string, s?: string): boolean {
  return Number(h) < 24 && Number(m) < 60 && (s === undefined || Number(s) < 60);
}

function timeSeconds(time: string): number {
  const [h, m, s] = time.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s ?? 0);
}

/**
 * FILE: a local path (from the command line, relative to the working
 * directory) that must name an existing, readable regular file. The value is
 * its absolute `file://` URI; tasks read the file from there (Kestra uploads
 * it to internal storage and gives a `kestra://` URI: there is no internal
 * storage here). A `file://` URI is accepted as given.
 */
function localFileUri(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw refuse('expected the path of a local file');
  let path: string;
  try {
    path = value.startsWith('file:') ? new URL(value).pathname : resolve(value);
    if (value.startsWith('file:')) path = decodeURIComponent(path);
  } catch {
    throw refuse('expected the path of a local file, or a file:// URI');
  }
  try {
    if (!statSync(path).isFile()) throw new Error();
    accessSync(path, constants.R_OK);
  } catch {
    throw refuse('expected the path of an existing, readable file');
  }
  return pathToFileURL(path).href;
}

/** What kind of value was given, for messages: a type name, never the value. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
