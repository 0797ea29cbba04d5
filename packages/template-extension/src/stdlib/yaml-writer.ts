import { isPlainObject, unwrapSafe } from './arguments.js';

/**
 * YAML text as Kestra's `yaml` filter writes it: Jackson's `YAMLGenerator`
 * (`MINIMIZE_QUOTES`, `INDENT_ARRAYS`, no `---`, no line splitting) on top
 * of SnakeYAML's emitter (indent 2, sequence indicator indented by 1). The
 * rules below are theirs, checked against Jackson 2.17.2 with SnakeYAML 2.2
 * (see test/stdlib/kestra-yaml.test.ts): which text is written plain,
 * 'single-quoted', "double-quoted" or as a `|` literal block, and where
 * nested lists and maps go.
 */

const BEST_INDENT = 2;
const INDICATOR_INDENT = 1;
const MAX_SIMPLE_KEY = 128;

/** YAML 1.1 booleans and nulls Jackson quotes (`StringQuotingChecker.RESERVED_KEYWORDS`). */
const RESERVED = new Set([
  'false',
  'False',
  'FALSE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'null',
  'Null',
  'NULL',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  'true',
  'True',
  'TRUE',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
]);

const isReserved = (s: string): boolean => s === '' || s.startsWith('~') || RESERVED.has(s);

/** Jackson's `valueHasQuotableChar` (2.17): brackets, braces, commas; `#` first or after a blank; `:` last or before a blank. */
function valueHasQuotableChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === ']' || c === '{' || c === '}' || c === ',') return true;
    if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) return true;
    if (c === ':' && (i === s.length - 1 || s[i + 1] === ' ' || s[i + 1] === '\t')) return true;
  }
  return false;
}

/** Jackson's `needToQuoteName`: reserved words, text that starts like a number, control characters. */
function nameNeedsQuotes(s: string): boolean {
  if (isReserved(s) || /^[0-9+\-.]/.test(s)) return true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

const LINEBR = '\n\u0085\u2028\u2029';
const isBreak = (c: string): boolean => LINEBR.includes(c);
const isBlank = (c: string | undefined): boolean => c === undefined || c === '\0' || c === ' ' || c === '\t';

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
  allowBlock: boolean;
}

/** SnakeYAML's `Emitter.analyzeScalar`, for a block (not flow) context. */
function analyze(s: string): Analysis {
  if (s === '')
    return { empty: true, multiline: false, allowBlockPlain: false, allowSingleQuoted: true, allowBlock: false };
  const chars = Array.from(s);
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace =
    chars.length === 1 || isBlank(chars[1]) || isBreak(chars[1] as string) || chars[1] === '\r';
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((c, index) => {
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      if ((c === '?' || c === ':') && followedByWhitespace) blockIndicators = true;
      if (c === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === ':' && followedByWhitespace) blockIndicators = true;
      if (c === '#' && precededByWhitespace) blockIndicators = true;
    }
    const lineBreak = isBreak(c);
    if (lineBreak) lineBreaks = true;
    const code = c.codePointAt(0) as number;
    if (!(c === '\n' || (code >= 0x20 && code <= 0x7e))) {
      const printable =
        (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code < 0x10ffff);
      // U+0085, U+2028, U+2029 are line breaks SnakeYAML writes raw: written double-quoted here.
      if (!printable || code === 0x2028 || code === 0x2029) special = true;
    }
    if (c === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (lineBreak) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || lineBreak;
    // SnakeYAML looks two characters ahead here, and counts a line break as whitespace after it.
    followedByWhitespace = index + 2 >= chars.length ? true : isBlank(chars[index + 2]) || lineBreak;
  });
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  let allowBlock = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (trailingSpace) allowBlock = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = allowBlock = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted, allowBlock };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\u0007': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\u000b': 'v',
  '\f': 'f',
  '\r': 'r',
  '\u001b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** SnakeYAML's double-quoted style (no line splitting). */
function doubleQuoted(s: string): string {
  let out = '"';
  for (const c of s) {
    const escaped = ESCAPES[c];
    const code = c.codePointAt(0) as number;
    if (escaped !== undefined) out += `\\${escaped}`;
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code !== 0xfeff && !(code >= 0xd800 && code <= 0xdfff)))
      out += c;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** SnakeYAML's `chooseScalarStyle` for the style Jackson asked for. */
function chooseStyle(s: string, requested: Style, simpleKey: boolean): Style {
  if (requested === 'double') return 'double';
  const a = analyze(s);
  if (requested === 'plain' && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) return 'plain';
  if (requested === 'literal' && !simpleKey && a.allowBlock) return 'literal';
  if (requested === 'plain' && a.allowSingleQuoted && !(simpleKey && a.multiline)) return 'single';
  return 'double';
}

/** A literal block (`|`, `|-`, `|+`, with an indentation hint when the text starts with a blank or a break). */
function literal(s: string, indent: number): string {
  let hints = s[0] === ' ' || isBreak(s[0] as string) ? String(BEST_INDENT) : '';
  const last = s[s.length - 1] as string;
  if (!isBreak(last)) hints += '-';
  else if (s.length === 1 || isBreak(s[s.length - 2] as string)) hints += '+';
  const pad = ' '.repeat(indent);
  const lines = s.split('\n');
  if (isBreak(last)) lines.pop();
  const body = lines.map((line) => (line === '' ? '' : pad + line)).join('\n');
  return `|${hints}\n${body}\n`;
}

/** Java's `Double.toString` for a number that is not a safe integer; safe integers as integers (JSON's ints). */
export function javaNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(n);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A scalar's YAML text, `null` for null; the literal style gets the block's indent. */
function scalar(value: unknown, requested: Style | 'name', simpleKey: boolean, indent: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return javaNumber(value);
  if (typeof value === 'bigint') return value.toString();
  const s = String(value);
  let style: Style;
  if (requested === 'name') style = chooseStyle(s, nameNeedsQuotes(s) ? 'double' : 'plain', simpleKey);
  else if (s.includes('\n')) style = chooseStyle(s, 'literal', simpleKey);
  else style = chooseStyle(s, isReserved(s) || valueHasQuotableChar(s) ? 'double' : 'plain', simpleKey);
  if (style === 'plain') return s;
  if (style === 'single') return `'${s.replaceAll("'", "''")}'`;
  if (style === 'literal') return literal(s, indent);
  return doubleQuoted(s);
}

const isCollection = (v: unknown): v is unknown[] | Record<string, unknown> => Array.isArray(v) || isPlainObject(v);
const isEmptyCollection = (v: unknown[] | Record<string, unknown>): boolean =>
  Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;

/**
 * Writes `value` in block style. `column` is where the writer stands (after
 * `key:` or `- `), `indent` the node's indent; a value that cannot follow
 * on that line starts on the next. Every line ends with a line break.
 */
function node(value: unknown, indent: number, column: number, out: string[]): void {
  const v = unwrapSafe(value);
  if (!isCollection(v) || isEmptyCollection(v)) {
    const text = isCollection(v) ? (Array.isArray(v) ? '[]' : '{}') : scalar(v, 'plain', false, indent + BEST_INDENT);
    const sep = column === 0 ? '' : ' ';
    out.push(text.startsWith('|') ? `${sep}${text}` : `${sep}${text}\n`);
    return;
  }
  if (column > 0) out.push('\n');
  if (Array.isArray(v)) {
    for (const item of v) {
      out.push(`${' '.repeat(indent + INDICATOR_INDENT)}-`);
      const itemValue = unwrapSafe(item);
      if (isCollection(itemValue) && !isEmptyCollection(itemValue))
        node(itemValue, indent + BEST_INDENT, indent + 2, out);
      else node(itemValue, indent, indent + 2, out);
    }
    return;
  }
  for (const key of Object.keys(v)) {
    const child = unwrapSafe(v[key]);
    const a = analyze(key);
    const simple = key.length <= MAX_SIMPLE_KEY && !a.empty && !a.multiline;
    const pad = ' '.repeat(indent);
    if (simple) out.push(`${pad}${scalar(key, 'name', true, indent)}:`);
    else out.push(`${pad}? ${scalar(key, 'name', false, indent)}\n${pad}:`);
    // A list under a key is not indented further (SnakeYAML's indentless sequence): its `-` sits one column in.
    const childIndent = Array.isArray(child) ? indent : indent + BEST_INDENT;
    node(child, isCollection(child) && !isEmptyCollection(child) ? childIndent : indent, indent + 1, out);
  }
}

/**
 * YAML text for a value, as Kestra's `yaml` filter writes it (ending with a
 * line break); null gives `null`.
 */
export function toYaml(value: unknown): string {
  const v = unwrapSafe(value);
  if (v === null || v === undefined) return 'null';
  // An empty document would read as null: SnakeYAML starts it with `---`.
  if (v === '') return '--- ""\n';
  const out: string[] = [];
  node(v, 0, 0, out);
  return out.join('');
}
