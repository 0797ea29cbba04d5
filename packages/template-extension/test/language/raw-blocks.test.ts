import { createRequire } from 'node:module';
import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, render, TemplateError } from '../../src/index.js';
import { addRawBlocks } from '../../src/language/raw-blocks.js';
import type { NjNodeClass } from '../../src/nunjucks-internals.js';

// Issue 26, R8: an unclosed raw/verbatim block was lexed in quadratic time (nunjucks retries its
// unanchored expression from every character): 160 KB took 15 s, 200 KB blocked a host 25 s.
const require = createRequire(import.meta.url);
type Node = { typename: string; fields: string[]; lineno: number; colno: number } & Record<string, unknown>;
const nodes = require('nunjucks/src/nodes.js') as Record<string, NjNodeClass>;
const { Parser } = require('nunjucks/src/parser.js') as { Parser: new (tokens: object) => object };
const lexer = require('nunjucks/src/lexer.js') as { lex(src: string, opts?: object): object };

const CREDFLOW = { blockStart: '<%', blockEnd: '%>', variableStart: '<<', variableEnd: '>>' };
const PEBBLE = { blockStart: '{%', blockEnd: '%}', variableStart: '{{', variableEnd: '}}' };
type Tags = typeof CREDFLOW;

/** The parseRaw credflow had before: nunjucks' own, with the template's delimiters (the oracle). */
interface OracleParser {
  tokens: {
    tags: { BLOCK_START: string; BLOCK_END: string };
    _extractRegex(re: RegExp): RegExpMatchArray | null;
    backN(n: number): void;
  };
  advanceAfterBlockEnd(): { lineno: number; colno: number };
  unclosed?: boolean;
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function oracleParseRaw(this: OracleParser, tag?: string): unknown {
  const tagName = tag || 'raw';
  const endTagName = `end${tagName}`;
  const start = escapeRegExp(this.tokens.tags.BLOCK_START);
  const end = escapeRegExp(this.tokens.tags.BLOCK_END);
  const rawBlock = new RegExp(`([\\s\\S]*?)${start}-?\\s*(${tagName}|${endTagName})\\s*-?(?=${end})${end}`);
  let level = 1;
  let str = '';
  let m: RegExpMatchArray | null;
  const begun = this.advanceAfterBlockEnd();
  // biome-ignore lint/suspicious/noAssignInExpressions: nunjucks' own loop
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
  if (level > 0) this.unclosed = true;
  const { Output, TemplateData } = nodes as Record<'Output' | 'TemplateData', NjNodeClass>;
  return new Output(begun.lineno, begun.colno, [new TemplateData(begun.lineno, begun.colno, str)]);
}

const OracleParserClass = class extends Parser {};
(OracleParserClass.prototype as { parseRaw: unknown }).parseRaw = oracleParseRaw;
const RawParserClass = class extends Parser {};
addRawBlocks(RawParserClass.prototype, nodes);

type Root = { parseAsRoot(): Node; unclosed?: boolean };
const lexOpts = (tags: Tags, trim: boolean) => ({ tags, trimBlocks: trim, lstripBlocks: trim });
const parseNew = (src: string, tags: Tags, trim = false) =>
  (new RawParserClass(lexer.lex(src, lexOpts(tags, trim))) as Root).parseAsRoot();

/** The AST as data: node type, position and fields, all the way down. */
function dump(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dump);
  if (v !== null && typeof v === 'object' && 'typename' in v) {
    const n = v as Node;
    return [n.typename, n.lineno, n.colno, ...n.fields.map((f) => dump(n[f]))];
  }
  return v;
}

/** What a parse gave: the AST, or the error's message. */
function outcome(parse: () => Node): { ast: unknown } | { error: string } {
  try {
    return { ast: dump(parse()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A small deterministic generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fragments of templates around raw blocks, written with `<%`/`%>`/`<<`/`>>` (rewritten for Pebble). */
const FRAGMENTS = [
  '<% raw %>',
  '<% endraw %>',
  '<%- raw -%>',
  '<%-endraw%>',
  '<%raw\n%>',
  '<% endraw\t-%>',
  '<% verbatim %>',
  '<% endverbatim %>',
  '<%- endverbatim -%>',
  '<% raw',
  '<% endraw x %>',
  '<% rawx %>',
  '<%',
  '<<%',
  '%>',
  '-%>',
  '<% if x %>',
  '<% endif %>',
  '<< x >>',
  '<<- x ->>',
  '<# c #>',
  'raw',
  'endraw',
  'a',
  ' ',
  '  \n ',
  '\n',
  '\r\n',
];

describe('raw and verbatim blocks (the parse, against the expression credflow had)', () => {
  it.each([
    ['credflow', CREDFLOW],
    ['Pebble', PEBBLE],
  ])('parse every closed block as before and refuse unclosed ones (%s delimiters)', (_name, tags) => {
    const next = prng(26);
    const swap = (s: string) =>
      tags === CREDFLOW
        ? s
        : s.replaceAll('<%', '{%').replaceAll('%>', '%}').replaceAll('<<', '{{').replaceAll('>>', '}}');
    let closed = 0;
    let unclosed = 0;
    for (let i = 0; i < 3000; i++) {
      const parts: string[] = [];
      const n = 1 + Math.floor(next() * 12);
      for (let j = 0; j < n; j++) parts.push(FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string);
      // Most templates open a raw block somewhere.
      if (next() < 0.8)
        parts.splice(Math.floor(next() * parts.length), 0, next() < 0.5 ? '<% raw %>' : '<% verbatim %>');
      const src = swap(parts.join(''));
      const trim = next() < 0.3;
      const oracle = new OracleParserClass(lexer.lex(src, lexOpts(tags, trim))) as Root;
      const expected = outcome(() => oracle.parseAsRoot());
      const got = outcome(() => parseNew(src, tags, trim));
      if (oracle.unclosed) {
        unclosed++;
        expect(got, src).toMatchObject({ error: expect.stringMatching(/^unclosed (raw|verbatim) block: expected /) });
      } else {
        if ('ast' in expected) closed++;
        expect(got, src).toEqual(expected);
      }
    }
    // The generator reaches both kinds of templates.
    expect(closed).toBeGreaterThan(100);
    expect(unclosed).toBeGreaterThan(300);
  });

  it('names the block, the closing tag with the delimiters in use, and the line of the opening tag', () => {
    expect(() => parseNew('a\nb\n<% raw %>x << y >>\n', CREDFLOW)).toThrow(
      'unclosed raw block: expected <% endraw %>, got end of file',
    );
    try {
      parseNew('a\nb\n  {% verbatim %}x {{ y }}\n', PEBBLE);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        message: expect.stringMatching(/unclosed verbatim block: expected \{% endverbatim %\}, got end of file$/),
        lineno: 3,
        colno: 15,
      });
    }
    // Nested blocks count: one endraw for two raws leaves the outer one open.
    expect(() => parseNew('<% raw %><% raw %><% endraw %>', CREDFLOW)).toThrow(/^unclosed raw block/);
    // The other tag's end does not close it.
    expect(() => parseNew('<% raw %><% endverbatim %>', CREDFLOW)).toThrow(/^unclosed raw block/);
  });
});

describe('raw and verbatim blocks (rendering, both syntaxes)', () => {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const credflow = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  const pebble = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
    store,
    delimiters: false,
  });

  it.each([
    ['a<% raw %><< x >> <% if %><% endraw %>b<< x >>', 'a<< x >> <% if %>b1'],
    ['<% raw %>1<% raw %>2<% endraw %>3<% endraw %>4', '1<% raw %>2<% endraw %>34'],
    ['<% verbatim %><% raw %><< x >><% endverbatim %>', '<% raw %><< x >>'],
    ['<% raw %>  a  <%- endraw -%>  b', '  a    b'],
    ['x  <%- raw %> a <% endraw %> y', 'x a  y'],
    ['<% raw %><% endraw x %><%endraw%>', '<% endraw x %>'],
    ['<% raw %>\n<% endraw\n%>\n', '\n\n'],
    ['<% raw %><%<<%<% <% endraw %>', '<%<<%<% '],
  ])('credflow %j renders %j (and the same in Pebble syntax)', (src, out) => {
    expect(credflow.renderString(src, { x: 1 })).toBe(out);
    const toPebble = (s: string) =>
      s.replaceAll('<%', '{%').replaceAll('%>', '%}').replaceAll('<<', '{{').replaceAll('>>', '}}');
    expect(pebble.renderString(toPebble(src), { x: 1 })).toBe(toPebble(out));
  });

  it('refuses an unclosed block through render() with a template error at its line', async () => {
    const err = await render(credflow, 'one\ntwo <% raw %>three << x >>', { x: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toMatch(/unclosed raw block: expected <% endraw %>, got end of file/);
    expect((err as Error).message).toMatch(/line 2: /);
  });

  // Linear: ~1 MB takes well under a second; the quadratic scan took minutes. The parse is
  // synchronous (no timeout can stop it), so sizes grow tenfold and each has its own bound: a
  // quadratic scan fails at 100 KB within seconds instead of running for half an hour at 1 MB.
  it('ends an unclosed 1 MB block quickly, in both syntaxes and with lines and decoy tags', { timeout: 10_000 }, () => {
    for (const size of [10_000, 100_000, 1_000_000]) {
      const bodies = [
        'a'.repeat(size),
        'line\n'.repeat(size / 5),
        '<% endra %>'.repeat(size / 11),
        `<% raw${' '.repeat(size)}`,
        `<%-${' '.repeat(size / 2)}endraw${' '.repeat(size / 2)}x`,
      ];
      for (const body of bodies) {
        const started = Date.now();
        expect(() => parseNew(`<% raw %>${body}`, CREDFLOW)).toThrow(/^unclosed raw block/);
        expect(() => credflow.renderString(`<% verbatim %>${body}`, {})).toThrow(/unclosed verbatim block/);
        const pebbleBody = body.replaceAll('<%', '{%').replaceAll('%>', '%}');
        expect(() => pebble.renderString(`{% raw %}${pebbleBody}`, {})).toThrow(/unclosed raw block/);
        expect(Date.now() - started, `${size} characters`).toBeLessThan(size > 100_000 ? 5_000 : 1_000);
      }
    }
  });

  it('renders a closed 1 MB block of nested tags quickly', { timeout: 10_000 }, () => {
    for (const n of [500, 5_000, 50_000]) {
      const started = Date.now();
      const inner = '<% raw %>'.repeat(n) + 'x'.repeat(10 * n) + '<% endraw %>'.repeat(n);
      expect(credflow.renderString(`<% raw %>${inner}<% endraw %>!`, {})).toBe(`${inner}!`);
      expect(Date.now() - started, `${n} nested blocks`).toBeLessThan(n > 5_000 ? 5_000 : 1_000);
    }
  });
});
