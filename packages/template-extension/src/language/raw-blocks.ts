import type { NjNode, NjNodeClass } from '../nunjucks-internals.js';

interface RawParser {
  tokens: {
    tags: { BLOCK_START: string; BLOCK_END: string };
    _extractRegex(re: RegExp): RegExpMatchArray | null;
    backN(n: number): void;
  };
  advanceAfterBlockEnd(): { lineno: number; colno: number };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * nunjucks 3.2.4 finds the end of `raw`/`verbatim` blocks with a regular
 * expression written for `{% %}`, so with other delimiters (credflow's
 * `<% %>`) `<% raw %>` never ends. This is the same parser method with the
 * delimiters the template is lexed with; with the default ones it matches
 * exactly what nunjucks' own does. It goes on `proto`, the prototype of
 * credflow's own subclass of nunjucks' `Parser`.
 */
export function addRawBlocks(proto: object, nodes: Record<string, NjNodeClass>): void {
  const { Output, TemplateData } = nodes as Record<'Output' | 'TemplateData', NjNodeClass>;
  (proto as { parseRaw: (tag?: string) => NjNode }).parseRaw = function parseRaw(
    this: RawParser,
    tag?: string,
  ): NjNode {
    const tagName = tag || 'raw';
    const endTagName = `end${tagName}`;
    const start = escapeRegExp(this.tokens.tags.BLOCK_START);
    const end = escapeRegExp(this.tokens.tags.BLOCK_END);
    const rawBlock = new RegExp(`([\\s\\S]*?)${start}-?\\s*(${tagName}|${endTagName})\\s*-?(?=${end})${end}`);
    let level = 1;
    let str = '';
    let m: RegExpMatchArray | null;
    const begun = this.advanceAfterBlockEnd();
    // biome-ignore lint/suspicious/noAssignInExpressions: the loop mirrors nunjucks' own parseRaw
    while ((m = this.tokens._extractRegex(rawBlock)) && level > 0) {
      const all = m[0];
      const pre = m[1] ?? '';
      if (m[2] === tagName) level += 1;
      else if (m[2] === endTagName) level -= 1;
      if (level === 0) {
        str += pre;
        this.tokens.backN(all.length - pre.length);
      } else str += all;
    }
    return new Output(begun.lineno, begun.colno, [new TemplateData(begun.lineno, begun.colno, str)]);
  };
}
