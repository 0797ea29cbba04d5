import type { NjNode, NjNodeClass } from '../nunjucks-internals.js';

interface RawParser {
  tokens: {
    tags: { BLOCK_START: string; BLOCK_END: string };
    /** The whole template text. */
    str: string;
    /** Where the tokenizer is in {@link str}. */
    index: number;
    /** Moves the tokenizer `n` characters on, counting lines and columns. */
    forwardN(n: number): void;
  };
  advanceAfterBlockEnd(): { lineno: number; colno: number };
  fail(message: string, lineno?: number, colno?: number): never;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where the block ends: the text before its closing tag, and the index just past that tag. */
interface RawEnd {
  text: string;
  after: number;
}

/**
 * Finds the end of a raw block whose content starts at `from` in `src`: the
 * tag `<start>-? (raw|endraw) -?<end>` that brings the nesting level to 0
 * (`undefined` when the text ends first). Each candidate tag is found with
 * `indexOf` and checked with a sticky expression anchored where it starts;
 * that expression only reads the whitespace and the name after the
 * delimiter, so the whole scan is linear in the text.
 */
function findRawEnd(
  src: string,
  from: number,
  tagName: string,
  blockStart: string,
  blockEnd: string,
): RawEnd | undefined {
  const endTagName = `end${tagName}`;
  const tag = new RegExp(
    `${escapeRegExp(blockStart)}-?\\s*(${tagName}|${endTagName})\\s*-?${escapeRegExp(blockEnd)}`,
    'y',
  );
  let level = 1;
  let pos = from;
  for (;;) {
    const at = src.indexOf(blockStart, pos);
    if (at === -1) return undefined;
    tag.lastIndex = at;
    const m = tag.exec(src);
    if (m === null) {
      pos = at + 1;
      continue;
    }
    level += m[1] === tagName ? 1 : -1;
    if (level === 0) return { text: src.slice(from, at), after: at + m[0].length };
    pos = at + m[0].length;
  }
}

/**
 * nunjucks 3.2.4 finds the end of `raw`/`verbatim` blocks with a regular
 * expression written for `{% %}`, so with other delimiters (credflow's
 * `<% %>`) `<% raw %>` never ends. This parser method finds it with the
 * delimiters the template is lexed with, and the same result for a closed
 * block: the text up to the `endraw` that closes it (nested `raw` tags
 * counted), whitespace control `-` allowed in both tags. nunjucks' own
 * expression is unanchored and, when no end follows, is retried from every
 * character (quadratic: 200 KB blocked the process for half a minute); this
 * scan is linear, and a block that is not closed is a template error at the
 * tag that opens it. It goes on `proto`, the prototype of credflow's own
 * subclass of nunjucks' `Parser`.
 */
export function addRawBlocks(proto: object, nodes: Record<string, NjNodeClass>): void {
  const { Output, TemplateData } = nodes as Record<'Output' | 'TemplateData', NjNodeClass>;
  (proto as { parseRaw: (tag?: string) => NjNode }).parseRaw = function parseRaw(
    this: RawParser,
    tag?: string,
  ): NjNode {
    const tagName = tag || 'raw';
    const { BLOCK_START, BLOCK_END } = this.tokens.tags;
    const begun = this.advanceAfterBlockEnd();
    const from = this.tokens.index;
    const end = findRawEnd(this.tokens.str, from, tagName, BLOCK_START, BLOCK_END);
    if (end === undefined)
      this.fail(
        `unclosed ${tagName} block: expected ${BLOCK_START} end${tagName} ${BLOCK_END}, got end of file`,
        begun.lineno,
        begun.colno,
      );
    this.tokens.forwardN(end.after - from);
    return new Output(begun.lineno, begun.colno, [new TemplateData(begun.lineno, begun.colno, end.text)]);
  };
}
