import { matcherFor, matches, RegexError } from '../regex/linear-regex.js';
import {
  bindArguments,
  type Callee,
  checkLength,
  isPlainObject,
  MAX_TEXT_LENGTH,
  optionalInteger,
  stdlibError,
  textOf,
  unwrapSafe,
} from './arguments.js';
import { setOwnProperty } from './own-property.js';
import { compileSafeRegex, MAX_REGEX_INPUT } from './safe-regex.js';

/**
 * `abbreviate(length)`: cuts text to `length` characters, the last three
 * being `...` (Pebble's rules: text shorter than `length`, or of 3
 * characters or fewer, is kept; `length` of 3 or less cuts without
 * ellipsis).
 * @see https://kestra.io/docs/expressions/filters/strings (`abbreviate`)
 */
export function abbreviateFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'abbreviate' };
  const args = bindArguments(callee, ['length'], raw);
  if (input === null || input === undefined) return null;
  const value = textOf(callee, input);
  const max = optionalInteger(callee, args, 'length');
  if (max === undefined) throw stdlibError(callee, "argument 'length' is required");
  if (max < 0) throw stdlibError(callee, "argument 'length' must be zero or more");
  if (value.length < max || value.length <= 3) return value;
  if (max <= 3) return value.slice(0, max);
  return `${value.slice(0, max - 3)}...`;
}

const MAX_REPLACE_PAIRS = 1000;

function replaceText(callee: Callee, text: string, pairs: [string, string][], regexp: boolean): string {
  let data = text;
  for (const [from, to] of pairs) {
    if (regexp) {
      if (data.length > MAX_REGEX_INPUT)
        throw stdlibError(callee, `regexp=true works on text up to ${MAX_REGEX_INPUT} characters`);
      const re = compileSafeRegex(callee, from);
      let out = '';
      let last = 0;
      let count = 0;
      for (const [start, end, groups] of namedMatches(callee, re, data)) {
        count++;
        if (count > MAX_REGEX_INPUT) throw stdlibError(callee, 'too many matches');
        // Java's replaceAll: $n inserts group n, \$ a dollar sign.
        out += data.slice(last, start);
        out += to.replace(/\\(.)|\$(\d)/g, (_m, escaped: string | undefined, n: string | undefined) => {
          if (escaped !== undefined) return escaped;
          if (Number(n) >= groups.length)
            throw stdlibError(callee, 'the replacement refers to a group the expression does not have');
          return groups[Number(n)] ?? '';
        });
        checkLength(callee, out.length);
        last = end;
      }
      data = count === 0 ? data : out + data.slice(last);
    } else if (from !== '') {
      const parts = data.split(from);
      checkLength(callee, data.length + (parts.length - 1) * (to.length - from.length));
      data = parts.join(to);
    } else {
      // Java's String.replace("", x) inserts x around every character.
      checkLength(callee, data.length + (data.length + 1) * to.length);
      data = to + [...data].join(to) + (data.length ? to : '');
    }
    checkLength(callee, data.length);
  }
  return data;
}

function replaceDeep(
  callee: Callee,
  value: unknown,
  pairs: [string, string][],
  regexp: boolean,
  depth: number,
): unknown {
  if (depth > 100) throw stdlibError(callee, 'the value is nested too deeply');
  const v = unwrapSafe(value);
  if (Array.isArray(v)) return v.map((item) => replaceDeep(callee, item, pairs, regexp, depth + 1));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      setOwnProperty(out, k, replaceDeep(callee, item, pairs, regexp, depth + 1));
    }
    return out;
  }
  if (v === null || v === undefined) return 'null';
  return replaceText(callee, textOf(callee, v), pairs, regexp);
}

/**
 * `replace({'old': 'new', ...}, regexp=false)`: Kestra's map form: each key
 * of the map is replaced by its value, in order, everywhere in the text (in
 * every string of a list or map, too); with `regexp=true` the keys are
 * regular expressions (`$1` in values inserts a group). nunjucks'
 * `replace(old, new, count)` keeps working. Results are capped at
 * 10,000,000 characters; regular expressions that can backtrack
 * catastrophically are refused.
 * @see https://kestra.io/docs/expressions/filters/strings (`replace`)
 */
export function makeReplaceFilter(
  nunjucksReplace: (this: unknown, ...args: unknown[]) => unknown,
): (this: unknown, input: unknown, ...raw: unknown[]) => unknown {
  const callee: Callee = { kind: 'filter', name: 'replace' };
  return function replace(this: unknown, input: unknown, ...raw: unknown[]): unknown {
    const first = raw[0];
    if (!isPlainObject(first) || (first as { __keywords?: unknown }).__keywords === true) {
      if (typeof input === 'string' && typeof first === 'string' && typeof raw[1] === 'string') {
        const count = input.split(first).length - 1;
        checkLength(callee, input.length + count * (raw[1].length - first.length));
      }
      const result = nunjucksReplace.call(this, input, ...raw);
      if (typeof result === 'string') checkLength(callee, result.length);
      return result;
    }
    const args = bindArguments(callee, ['replace_pairs', 'regexp'], raw);
    if (input === null || input === undefined) return null;
    const map = args.get('replace_pairs') as Record<string, unknown>;
    const entries = Object.entries(map);
    if (entries.length > MAX_REPLACE_PAIRS) throw stdlibError(callee, `takes at most ${MAX_REPLACE_PAIRS} pairs`);
    const pairs = entries.map(([k, v]): [string, string] => {
      if (typeof v === 'function') throw stdlibError(callee, 'the replacement must be text, not a function');
      return [k, v === null || v === undefined ? 'null' : textOf(callee, v)];
    });
    const regexp = args.get('regexp');
    if (regexp !== undefined && typeof regexp !== 'boolean')
      throw stdlibError(callee, "argument 'regexp' must be true or false");
    return replaceDeep(callee, input, pairs, regexp === true, 0);
  };
}

const JAVA_WHITESPACE = /[ \t\n\v\f\r]/g;

/**
 * `slugify`: lowercase ASCII words joined by `-` (Kestra's `Slugify.of`:
 * whitespace becomes `-`, accents are dropped, anything but letters, digits,
 * `-` and `_` is removed, `_` becomes `-`, dashes collapse and are trimmed).
 * @see https://kestra.io/docs/expressions/filters/strings (`slugify`)
 */
export function slugifyFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'slugify' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  return textOf(callee, input)
    .replace(JAVA_WHITESPACE, '-')
    .normalize('NFD')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .replace(/_/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-/, '')
    .replace(/-$/, '')
    .toLowerCase();
}

type Substring = (text: string, separator: string) => string;

/** Apache Commons `StringUtils.substringBefore`/`After`/`BeforeLast`/`AfterLast`. */
const SUBSTRINGS: Record<string, Substring> = {
  substringBefore: (text, sep) => {
    if (text === '') return text;
    if (sep === '') return '';
    const pos = text.indexOf(sep);
    return pos < 0 ? text : text.slice(0, pos);
  },
  substringAfter: (text, sep) => {
    if (text === '') return text;
    const pos = text.indexOf(sep);
    return pos < 0 ? '' : text.slice(pos + sep.length);
  },
  substringBeforeLast: (text, sep) => {
    if (text === '' || sep === '') return text;
    const pos = text.lastIndexOf(sep);
    return pos < 0 ? text : text.slice(0, pos);
  },
  substringAfterLast: (text, sep) => {
    if (text === '' || sep === '') return '';
    const pos = text.lastIndexOf(sep);
    return pos < 0 || pos === text.length - sep.length ? '' : text.slice(pos + sep.length);
  },
};

function substringFilter(name: keyof typeof SUBSTRINGS) {
  const callee: Callee = { kind: 'filter', name };
  const cut = SUBSTRINGS[name]!;
  return (input: unknown, ...raw: unknown[]): string | null => {
    const args = bindArguments(callee, ['separator'], raw);
    if (input === null || input === undefined) return null;
    if (!args.has('separator')) throw stdlibError(callee, "expects an argument 'separator'");
    return cut(textOf(callee, input), textOf(callee, args.get('separator')));
  };
}

/**
 * `substringBefore(separator)`, `substringAfter(separator)`,
 * `substringBeforeLast(separator)`, `substringAfterLast(separator)`: the
 * text before/after the first/last occurrence of `separator` (Apache
 * Commons semantics: not found gives the whole text for `Before`, empty
 * text for `After`).
 * @see https://kestra.io/docs/expressions/filters/strings (`substringBefore`…)
 */
export const substringFilters = {
  substringBefore: substringFilter('substringBefore'),
  substringAfter: substringFilter('substringAfter'),
  substringBeforeLast: substringFilter('substringBeforeLast'),
  substringAfterLast: substringFilter('substringAfterLast'),
};

/**
 * `trim`: removes leading and trailing whitespace and control characters
 * (Java's `String.trim`: every character up to U+0020).
 * @see https://kestra.io/docs/expressions/filters/strings (Case and whitespace)
 */
export function trimFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'trim' };
  bindArguments(callee, [], raw);
  if (input === null || input === undefined) return null;
  const text = textOf(callee, input);
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

function affixFilter(name: 'startsWith' | 'endsWith') {
  const callee: Callee = { kind: 'filter', name };
  return (input: unknown, ...raw: unknown[]): boolean => {
    const args = bindArguments(callee, ['value'], raw);
    if (!args.has('value')) throw stdlibError(callee, "expects an argument 'value'");
    const text = input === null || input === undefined ? 'null' : textOf(callee, input);
    const affix = textOf(callee, args.get('value'));
    return name === 'startsWith' ? text.startsWith(affix) : text.endsWith(affix);
  };
}

/**
 * `startsWith(value)` / `endsWith(value)`: whether the text begins/ends with `value`.
 * @see https://kestra.io/docs/expressions/filters/strings (`startsWith`, `endsWith`)
 */
export const affixFilters = { startsWith: affixFilter('startsWith'), endsWith: affixFilter('endsWith') };

const MAX_SPLIT_PARTS = 100_000;
const REGEX_META = '.$|()[{^?*+\\';

/** Java's `String.split` fast path: a one-character delimiter, or a backslash and a non-alphanumeric. */
function literalDelimiter(delimiter: string): string | undefined {
  if (delimiter.length === 1 && !REGEX_META.includes(delimiter)) return delimiter;
  if (delimiter.length === 2 && delimiter[0] === '\\' && !/[0-9A-Za-z]/.test(delimiter[1]!)) return delimiter[1];
  return undefined;
}

/**
 * `split(delimiter, limit)`: Java's `String.split`: the delimiter is a
 * regular expression (`split('\\.')` for a dot); `limit` > 0 gives at most
 * `limit` parts (the last holding the rest), 0 (default) drops trailing
 * empty parts, < 0 keeps them. At most 100,000 parts; regular expressions
 * that can backtrack catastrophically are refused.
 * @see https://kestra.io/docs/expressions/filters/collections (`split`)
 */
export function splitFilter(input: unknown, ...raw: unknown[]): string[] | null {
  const callee: Callee = { kind: 'filter', name: 'split' };
  const args = bindArguments(callee, ['delimiter', 'limit'], raw);
  if (input === null || input === undefined) return null;
  const text = textOf(callee, input);
  if (!args.has('delimiter') || args.get('delimiter') === null)
    throw stdlibError(callee, 'missing delimiter parameter');
  const delimiter = textOf(callee, args.get('delimiter'));
  const limit = optionalInteger(callee, args, 'limit') ?? 0;
  if (text.length > MAX_TEXT_LENGTH) throw stdlibError(callee, `the text is longer than ${MAX_TEXT_LENGTH} characters`);
  const literal = literalDelimiter(delimiter);
  if (literal === undefined && text.length > MAX_REGEX_INPUT) {
    throw stdlibError(callee, `a regular expression delimiter works on text up to ${MAX_REGEX_INPUT} characters`);
  }
  const re = literal === undefined ? compileSafeRegex(callee, delimiter) : undefined;
  const parts: string[] = [];
  let index = 0;
  const matcher = re ? linearMatcher(callee, re, text) : undefined;
  const next = (from: number): [number, number] | undefined => {
    if (matcher) {
      if (from > text.length || !matcher.find(from)) return undefined;
      return [matcher.start(), matcher.end()];
    }
    const at = text.indexOf(literal!, from);
    return at < 0 ? undefined : [at, at + literal!.length];
  };
  let from = 0;
  for (;;) {
    if (limit > 0 && parts.length >= limit - 1) break;
    const m = next(from);
    if (!m) break;
    const [start, end] = m;
    from = end === start ? end + 1 : end;
    if (start === 0 && end === 0) continue; // Java: no leading empty part for a zero-width match at 0
    if (start >= text.length && end === start) break;
    parts.push(text.slice(index, start));
    index = end;
    if (parts.length > MAX_SPLIT_PARTS)
      throw stdlibError(callee, `the result would have more than ${MAX_SPLIT_PARTS} parts`);
    if (from > text.length) break;
  }
  if (index === 0 && parts.length === 0) return [text];
  parts.push(text.slice(index));
  if (limit === 0) while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

/** A matcher of a template's regular expression over `text`, its errors named for the filter. */
function linearMatcher(callee: Callee, re: Parameters<typeof matcherFor>[0], text: string) {
  try {
    return matcherFor(re, text);
  } catch (err) {
    if (err instanceof RegexError) throw stdlibError(callee, err.message);
    throw err;
  }
}

/** {@link matches}, its errors named for the filter. */
function* namedMatches(callee: Callee, re: Parameters<typeof matcherFor>[0], text: string) {
  try {
    yield* matches(re, text);
  } catch (err) {
    if (err instanceof RegexError) throw stdlibError(callee, err.message);
    throw err;
  }
}
