import type { ConfigIssue } from '@credflow/credentials-core';
import { FlowError } from './flow-errors.js';

/** credflow's `<< >>`/`<% %>` or Pebble's `{{ }}`/`{% %}` (as in Kestra). */
export type TemplateSyntax = 'credflow' | 'pebble';

/**
 * Whether `s` holds `open` … `close` (the first `open`, with credflow's rule
 * that a space, or nunjucks' `-` then a space, follows it, and a `close`
 * after it). indexOf scans, linear in the text: the lazy regular expressions
 * this replaces were retried from every `open` (900 KB of `<< ` took a
 * minute; review of issue 26, N8).
 */
function holds(s: string, open: string, close: string, spaced: boolean): boolean {
  for (let i = s.indexOf(open); i !== -1; i = s.indexOf(open, i + 1)) {
    let at = i + open.length;
    if (spaced) {
      if (s[at] === '-') at++;
      if (s[at] === undefined || !/\s/.test(s[at] as string)) continue;
      at++;
    }
    return s.indexOf(close, at) !== -1;
  }
  return false;
}

/** An expression or tag in Pebble's delimiters: `{{ … }}`, `{% … %}`. */
const isPebble = (s: string): boolean => holds(s, '{{', '}}', false) || holds(s, '{%', '%}', false);
/**
 * An expression or tag in credflow's delimiters: `<< … >>`, `<% … %>`, with
 * a space (or nunjucks' `-`) after the opening, so a shell here-document
 * (`cat <<EOF >> out.txt`) or a shift (`1 << 4`) is not taken for one.
 */
const isCredflow = (s: string): boolean => holds(s, '<<', '>>', true) || holds(s, '<%', '%>', true);

/**
 * The template syntax a flow is written in (SPEC section 4: "the syntax is
 * decided per flow file"): Pebble when its strings hold `{{ … }}` or
 * `{% … %}`, credflow's when they hold `<< … >>` or `<% … %>`, `undefined`
 * when they hold neither. The strings are read as YAML parsed them (escapes
 * and line continuations resolved), not as the file spells them; comments
 * are not strings. A flow holding both is an error naming a line of each,
 * so one repository can hold flows of both kinds and move one flow at a time.
 */
export function detectFlowSyntax(
  data: unknown,
  lineOf: (path: (string | number)[]) => number | undefined,
  file: string,
): TemplateSyntax | undefined {
  let pebble: (string | number)[] | undefined;
  let credflow: (string | number)[] | undefined;
  const visit = (v: unknown, path: (string | number)[]): void => {
    if (pebble && credflow) return;
    if (typeof v === 'string') {
      if (!pebble && isPebble(v)) pebble = path;
      if (!credflow && isCredflow(v)) credflow = path;
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, [...path, i]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
    }
  };
  visit(data, []);
  if (pebble && credflow) {
    const p = lineOf(pebble);
    const c = lineOf(credflow);
    const issue: ConfigIssue = {
      path: '',
      line: Math.min(p ?? Number.MAX_SAFE_INTEGER, c ?? Number.MAX_SAFE_INTEGER),
      message: `this flow mixes both template syntaxes: Pebble's {{ }} (line ${p ?? '?'}) and credflow's << >> (line ${c ?? '?'}); write one of them throughout the file`,
    };
    throw new FlowError(file, [issue]);
  }
  return pebble ? 'pebble' : credflow ? 'credflow' : undefined;
}
