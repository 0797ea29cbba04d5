import type { NjNode, NjNodeClass } from '../nunjucks-internals.js';
import { addPebbleOperators, type PebbleOperatorNodes, pebbleOperatorNodes } from './pebble-operators.js';
import { addPebbleStrings } from './pebble-strings.js';
import { addRawBlocks } from './raw-blocks.js';

/**
 * The Pebble mode: what makes a credflow environment read and run templates
 * as Kestra's Pebble does. This file is the map; each part lives in the file
 * named after it.
 *
 * - **Syntax** ({@link PEBBLE_DELIMITERS}): `{{ }}`, `{% %}`, `{# #}`, the
 *   delimiters nunjucks has by default, chosen per flow file by the runner
 *   (`registerCredentials(env, { delimiters: false })` keeps them; credflow's
 *   own `<< >>` syntax is the default). Only the delimiters differ between the
 *   two syntaxes: everything below applies to both (SPEC section 4).
 * - **Parsing** ({@link pebbleParse}): Pebble's operators `??`, `???`,
 *   `c ? a : b`, `contains`, `equals` and filter chains over `{% filter %}`
 *   (`pebble-operators.ts`); Pebble's string literals and map literals
 *   closed right before the tag's end (`pebble-strings.ts`); raw blocks with
 *   any delimiters (`language/raw-blocks.ts`). These live on subclasses of
 *   nunjucks' `Parser` and tokenizer, used only for environments that carry
 *   the credflow extension.
 * - **Semantics**, compiled in by the sandbox rewrite
 *   (`sandbox/rewrite-sandbox.ts` and the files beside it): `??`/`???`
 *   evaluate their right side only when needed, printing a list or a map as
 *   JSON, `for entry in map` over entries, Pebble's `loop` variables (from
 *   0), `_context`, strict variables, macro parameters that default to
 *   `null` and macros callable above their definition.
 * - **Values at run time** (`language/pebble-values.ts`): printing,
 *   `contains`, map iteration and the loop variables, as the sandbox's
 *   internal filters call them (`sandbox/install-sandbox.ts`).
 * - **Names** (`language/kestra-names.ts`): a Kestra filter, function or
 *   test credflow lacks is named as such in the error.
 */

/** Pebble's delimiters (Kestra's), which are nunjucks' defaults. */
export const PEBBLE_DELIMITERS = {
  variableStart: '{{',
  variableEnd: '}}',
  blockStart: '{%',
  blockEnd: '%}',
  commentStart: '{#',
  commentEnd: '#}',
} as const;

/** Parses a template as written, in the Pebble dialect; `extensions` as nunjucks' `parser.parse` takes them. */
export type PebbleParse = (src: string, extensions: unknown[] | undefined, opts: unknown) => NjNode;

/** The parts of one nunjucks copy the Pebble parser is built from. */
export interface ParserModules {
  /** nunjucks' `Parser` class (`src/parser.js`). */
  Parser: new (
    tokens: object,
  ) => object;
  /** nunjucks' lexer module (`lex(src, opts)` makes a tokenizer). */
  lexer: { lex(src: string, opts?: unknown): object };
  nodes: Record<string, NjNodeClass>;
}

interface RootParser {
  extensions?: unknown[];
  parseAsRoot(): NjNode;
}

/**
 * Builds, for one nunjucks copy, the Pebble dialect's parse: nunjucks' own
 * `parser.parse` (a new parser over a new tokenizer, then `parseAsRoot`),
 * with credflow's subclasses of both. nunjucks' classes are not changed.
 */
export function pebbleParse(modules: ParserModules): { parse: PebbleParse; nodes: PebbleOperatorNodes } {
  const Tokenizer = modules.lexer.lex('', {}).constructor as new (src: string, opts: unknown) => object;
  const PebbleTokenizer = class PebbleTokenizer extends Tokenizer {};
  addPebbleStrings(PebbleTokenizer.prototype);
  const PebbleParser = class PebbleParser extends modules.Parser {};
  const operatorNodes = pebbleOperatorNodes(modules.nodes);
  addPebbleOperators(PebbleParser.prototype, modules.nodes, operatorNodes);
  addRawBlocks(PebbleParser.prototype, modules.nodes);
  const parse: PebbleParse = (src, extensions, opts) => {
    const parser = new PebbleParser(new PebbleTokenizer(src, opts)) as RootParser;
    if (extensions !== undefined) parser.extensions = extensions;
    return parser.parseAsRoot();
  };
  return { parse, nodes: operatorNodes };
}
