import { bindArguments, type Callee, isPlainObject, stdlibError, textOf, unwrapSafe } from './arguments.js';
import { checkResultLength } from './budget.js';

/**
 * The line break of a text as Kestra's `AbstractIndent.getLineSeparator`
 * finds it: `\r\n`, else `\n\r`, else `\n`, else `\r`, else the system's
 * (`\n` on the Linux hosts Kestra runs on).
 */
function lineBreakOf(text: string): string {
  if (text.includes('\r\n')) return '\r\n';
  if (text.includes('\n\r')) return '\n\r';
  if (text.includes('\n')) return '\n';
  if (text.includes('\r')) return '\r';
  return '\n';
}

/** Java's `toString` of a filter input: text, numbers and booleans as such, lists and maps as credflow prints them (JSON). */
function inputText(callee: Callee, value: unknown): string {
  const v = unwrapSafe(value);
  if (Array.isArray(v) || isPlainObject(v)) return JSON.stringify(v);
  return textOf(callee, v);
}

function countOf(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length)) n++;
  return n;
}

function indentWith(kind: 'indent' | 'nindent') {
  const callee: Callee = { kind: 'filter', name: kind };
  return function (this: unknown, input: unknown, ...raw: unknown[]): string | null {
    const args = bindArguments(callee, ['amount', 'prefix'], raw);
    if (input === null || input === undefined) return null;
    const text = inputText(callee, input);
    if (text === '') return text;
    const amount = args.get('amount');
    if (amount === undefined) throw stdlibError(callee, "expects an integer as argument 'amount'");
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      throw stdlibError(callee, "argument 'amount' must be an integer");
    }
    if (amount < 0) throw stdlibError(callee, "expects a positive integer >=0 as argument 'amount'");
    const rawPrefix = unwrapSafe(args.get('prefix'));
    if (rawPrefix !== undefined && typeof rawPrefix !== 'string') {
      throw stdlibError(
        callee,
        "argument 'prefix' must be text (Kestra's indent(amount, prefix); nunjucks' indent(width, first) is not available)",
      );
    }
    const prefix = rawPrefix ?? ' ';
    const source = kind === 'nindent' ? lineBreakOf(text) + text : text;
    const br = lineBreakOf(text);
    // Kestra builds prefix.repeat(amount) whatever the text: bound it, and the result.
    const pad = prefix.length * amount;
    checkResultLength(this, callee, pad);
    checkResultLength(this, callee, source.length + countOf(source, br) * pad);
    return source.replaceAll(br, br + prefix.repeat(amount));
  };
}

/**
 * `indent(amount, prefix=' ')`: adds `amount` times `prefix` after each line
 * break, so every line but the first is indented (the first is assumed to
 * sit in place). The line break is the text's own (`\r\n`, `\n\r`, `\n` or
 * `\r`); null stays null, empty text stays empty. nunjucks' `indent(width,
 * first)` is replaced: its second argument was a boolean.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/IndentFilter.java (and AbstractIndent.java)
 */
export const indentFilter = indentWith('indent');

/**
 * `nindent(amount, prefix=' ')`: a line break, then the text with every line
 * indented by `amount` times `prefix` (for YAML blocks:
 * `{{ value | nindent(2) }}`).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/NindentFilter.java (and AbstractIndent.java)
 */
export const nindentFilter = indentWith('nindent');
