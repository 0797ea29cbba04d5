import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import {
  Composer,
  type CST,
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  type YAMLError,
  YAMLParseError,
} from 'yaml';
import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { ConfigError, type ConfigIssue, type YamlFileErrorClass } from '../errors.js';
import { schemaKeys } from './schema-keys.js';
import { findTooDeepIn, MAX_YAML_DEPTH } from './yaml-depth.js';
import { findIndentationFault } from './yaml-indentation.js';

/** A parsed YAML file with what is needed to point at its lines. */
export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The plain JavaScript value of the document (`{}` for an empty file). */
  data: unknown;
}

/**
 * Reads a YAML file's text; a missing or unreadable file is thrown as
 * `notFound` (e.g. {@link ConfigNotFoundError}) naming it.
 */
export async function readYamlFile(
  file: string,
  what: 'config' | 'flow',
  notFound: YamlFileErrorClass,
  /** The error to throw instead of reading a file of this many bytes, if any (checked on the open file). */
  tooLarge?: (bytes: number) => Error | undefined,
): Promise<string> {
  let handle: FileHandle | undefined;
  let refused: Error | undefined;
  try {
    // Not blocking, and regular files only: a FIFO or device in a file's place is refused, not waited for
    // (a flows-directory file swapped for a FIFO during a run hung it for ever: review round 6, G4).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile()) {
      refused = new notFound(file, [{ path: '', message: `cannot read ${what} file (not a regular file)` }]);
    } else refused = tooLarge?.(stats.size);
    if (refused === undefined) return await handle.readFile('utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code;
    throw new notFound(file, [
      {
        path: '',
        message: reason === 'ENOENT' ? `${what} file not found` : `cannot read ${what} file (${reason ?? 'error'})`,
      },
    ]);
  } finally {
    await handle?.close().catch(() => {});
  }
  throw refused;
}

/**
 * Parses YAML keeping source positions; syntax errors (and duplicate keys)
 * become a {@link ConfigError} with lines.
 */
export function readYaml(text: string, file: string, invalid: YamlFileErrorClass = ConfigError): YamlSource {
  const lineCounter = new LineCounter();
  // The text is parsed once (yaml's parser builds its syntax tree without
  // recursion); the depth is checked on that tree before anything recursive
  // (composing the document included) sees it.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = findTooDeepIn(tokens);
  if (tooDeep !== undefined) {
    throw new invalid(file, [
      {
        path: '',
        line: lineOf(text, tooDeep),
        message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep (mappings and lists inside each other): credflow reads at most ${MAX_YAML_DEPTH}`,
      },
    ]);
  }
  // Duplicate keys are found here, with a set per mapping: yaml's own check
  // (`uniqueKeys`) compares each key with every earlier one, and a flow of
  // 60,000 variables took minutes to read.
  const doc = composeDocument(tokens, text.length, { lineCounter, uniqueKeys: false, prettyErrors: false });
  doc.errors.push(...duplicateKeyErrors(doc));
  if (doc.errors.length > 0) throw new invalid(file, syntaxIssues(text, doc.errors, lineCounter));
  const protoKeys = protoKeyIssues(doc, lineCounter);
  if (protoKeys.length > 0) throw new invalid(file, protoKeys);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new invalid(file, [{ path: '', message: `cannot read YAML: ${(err as Error).message}` }]);
  }
  return { file, doc, lineCounter, data };
}

/**
 * The problems of a file the YAML parser refused. One misplaced line makes
 * the parser report several errors around it, none at the line itself:
 * when the indentation check finds that line next to the first error, it is
 * the one problem reported. Otherwise each line's first error, once.
 */
function syntaxIssues(text: string, errors: readonly YAMLError[], lc: LineCounter): ConfigIssue[] {
  const located = errors.map((e) => ({ line: lc.linePos(e.pos[0]).line, error: e })).sort((a, b) => a.line - b.line);
  const first = located[0]?.line ?? 1;
  const fault = findIndentationFault(text);
  if (fault && Math.abs(fault.line - first) <= 2) {
    return [
      {
        path: '',
        line: fault.line,
        message: `YAML syntax error: wrong indentation: this line is indented ${fault.indent} space${fault.indent === 1 ? '' : 's'} where ${fault.expected} ${fault.expected === 1 ? 'is' : 'are'} expected (the keys of one mapping, and the items of one list, start at the same column)`,
      },
    ];
  }
  const seen = new Set<number>();
  return located
    .filter((l) => !seen.has(l.line) && seen.add(l.line))
    .map(({ line, error }) => ({
      path: '',
      line,
      message: `YAML syntax error: ${error.message.split('\n')[0]}${yamlHint(error.code)}`,
    }));
}

/**
 * yaml's `parseDocument` from tokens its `Parser` made: the first document,
 * with the same error when the text holds more than one.
 */
function composeDocument(
  tokens: readonly CST.Token[],
  length: number,
  options: ConstructorParameters<typeof Composer>[0],
): Document {
  let doc: Document | undefined;
  for (const next of new Composer(options).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(
        new YAMLParseError(
          next.range.slice(0, 2) as [number, number],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, true) always ends with a document, an empty one at least.
  return doc as Document;
}

/**
 * Every `__proto__` mapping key in a parsed YAML document, located. Such a
 * key is refused wherever it appears (config or flow), because converting
 * the document to objects would drop what it holds. Depth is already
 * bounded ({@link MAX_YAML_DEPTH}), so plain recursion is safe here.
 */
function protoKeyIssues(doc: Document, lc: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === '__proto__') {
          const start = (pair.key as Node).range?.[0];
          issues.push({
            path: formatPath([...path, key]),
            ...(start !== undefined ? { line: lc.linePos(start).line } : {}),
            message: "'__proto__' cannot be used as a key: its value would be silently lost (a reserved name)",
          });
          continue;
        }
        visit(pair.value, [...path, key ?? '?']);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        visit(item, [...path, i]);
      });
    }
  };
  visit(doc.contents, []);
  return issues;
}

/**
 * A YAML error for each mapping key equal to an earlier key of the same
 * mapping, as yaml's `uniqueKeys` reports it (scalar keys compared by value,
 * other keys by identity), in linear time. Depth is already bounded.
 */
function duplicateKeyErrors(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  const visit = (node: unknown) => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const start = (pair.key as Node | null)?.range?.[0] ?? 0;
          errors.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(key);
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return errors;
}

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Turns zod issues into {@link ConfigIssue}s located in the YAML source. */
export function issuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  doc: Document,
  lc: LineCounter,
  /** The schema that produced the issues: unknown fields get a "did you mean" from its field names. */
  schema?: z.ZodType,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  let vocabulary: Set<string> | undefined;
  const vocabularyOf = (s: z.ZodType): Set<string> => {
    vocabulary ??= schemaKeys(s);
    return vocabulary;
  };
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath([...path, key]),
          line: locate(doc, [...path, key], lc, true),
          message: `unknown field '${key}'${schema ? didYouMean(key, vocabularyOf(schema)) : ''}`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.input === undefined && !('discriminator' in issue)) {
      // A field of several possible shapes that is missing.
      out.push({ path: formatPath(path), line: locate(doc, path, lc), message: 'is required' });
      continue;
    }
    if (issue.code === 'invalid_union' && path.length > 0) {
      // An unknown discriminator: point at `type`.
      const typePath = path.at(-1) === 'type' ? path : [...path, 'type'];
      const input = issue.input;
      const given = input !== null && typeof input === 'object' ? (input as { type?: unknown }).type : input;
      const options = (issue as { options?: unknown }).options;
      out.push({
        path: formatPath(typePath),
        line: locate(doc, typePath, lc),
        message: withGivenType(
          issue.message,
          given ?? doc.getIn(typePath),
          Array.isArray(options) ? options.filter((o): o is string => typeof o === 'string') : undefined,
        ),
      });
      continue;
    }
    if (issue.code === 'invalid_key') {
      const nested = issue.issues[0]?.message ?? 'invalid name';
      out.push({
        path: formatPath(path),
        line: locate(doc, path, lc, true),
        message: `invalid name '${String(path.at(-1)).slice(0, 80)}': ${cleanMessage(nested)}`,
      });
      continue;
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    out.push({
      path: formatPath(path),
      line: locate(doc, path, lc),
      message: missing ? 'is required' : cleanMessage(issue.message),
    });
  }
  return out;
}

/**
 * `unknown task type 'io.kestra.plugin.core.log.Logg' (did you mean
 * 'io.kestra.plugin.core.log.Log'?): expected one of ...`: the type given,
 * and the closest of the types the message lists.
 */
function withGivenType(message: string, given: unknown, options: readonly string[] | undefined): string {
  const head = /^unknown [\w ]*?type\b/.exec(message);
  if (!head || typeof given !== 'string') return message;
  const known = options ?? /expected one of (.+)$/.exec(message)?.[1]?.split(/, | or /) ?? [];
  const shown = given.length > 80 ? `${given.slice(0, 80)}…` : given;
  return `${head[0]} '${shown}'${didYouMean(given, known)}${message.slice(head[0].length)}`;
}

function cleanMessage(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

/** `a.b[0].c` from a path. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)),
    '',
  );
}

/** 1-based line of the deepest node on `path` that exists (the key itself when `atKey`). */
export function locate(
  doc: Document,
  path: readonly (string | number)[],
  lc: LineCounter,
  atKey = false,
): number | undefined {
  let node: unknown = doc.contents;
  let line = pos(node as Node | null, lc);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && atKey) return pos(pair.key as Node, lc) ?? line;
      node = pair.value;
      line = pos(pair.value as Node | null, lc) ?? pos(pair.key as Node, lc) ?? line;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      line = pos(node as Node | null, lc) ?? line;
    } else break;
  }
  return line;
}

function pos(node: Node | null | undefined, lc: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

/**
 * The usual cause of some YAML errors in credflow files: an unquoted value
 * holding `: ` (`message: Bearer: << credential('k') >>`) or starting with a
 * character YAML reserves.
 */
function yamlHint(code: string): string {
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'NESTED_MAPPING' || code === 'MULTILINE_IMPLICIT_KEY') {
    return ' (a value that holds ": " must be quoted, e.g. message: "Bearer: << credential(\'k\') >>")';
  }
  if (code === 'BAD_INDENT' || code === 'UNEXPECTED_TOKEN') {
    return ' (check the indentation, and quote values that start with {, [, *, &, !, |, >, %, @ or `)';
  }
  return '';
}
