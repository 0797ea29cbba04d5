import { FlowError } from './flow-errors.js';

/** credflow's `<< >>`/`<% %>` or Pebble's `{{ }}`/`{% %}` (as in Kestra). */
export type TemplateSyntax = 'credflow' | 'pebble';

/** `{{`, `{%`: Pebble's delimiters. */
const PEBBLE = /\{\{|\{%/;
/** `<<`, `<%`: credflow's delimiters (not YAML's merge key `<<:`). */
const CREDFLOW = /<<(?!\s*:)|<%/;

/** The first line (1-based) of `text` that matches `re` outside a YAML comment line. */
function firstLine(lines: readonly string[], re: RegExp): number | undefined {
  for (const [i, line] of lines.entries()) {
    if (/^\s*#/.test(line)) continue;
    if (re.test(line)) return i + 1;
  }
  return undefined;
}

/**
 * The template syntax a flow file is written in (SPEC section 4: "the
 * syntax is decided per flow file"): Pebble when its text holds `{{` or
 * `{%`, credflow's when it holds `<<` or `<%`, `undefined` when it holds
 * neither. A file that holds both is an error naming a line of each, so one
 * repository can hold flows of both kinds and move one flow at a time.
 */
export function detectFlowSyntax(text: string, file: string): TemplateSyntax | undefined {
  const lines = text.split(/\r?\n/);
  const pebble = firstLine(lines, PEBBLE);
  const credflow = firstLine(lines, CREDFLOW);
  if (pebble !== undefined && credflow !== undefined) {
    throw new FlowError(file, [
      {
        path: '',
        line: Math.min(pebble, credflow),
        message: `this flow mixes both template syntaxes: Pebble's {{ }} (line ${pebble}) and credflow's << >> (line ${credflow}); write one of them throughout the file`,
      },
    ]);
  }
  return pebble !== undefined ? 'pebble' : credflow !== undefined ? 'credflow' : undefined;
}
