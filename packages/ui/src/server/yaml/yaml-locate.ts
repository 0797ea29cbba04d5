import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/** A path into the document: mapping keys, sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** Where a node is: the node (null for `key:` with no value), the pair holding it, its parent, and whether it sits inside a flow collection. */
export interface Located {
  node: Node | null;
  pair?: Pair<Node, Node | null>;
  parent?: YAMLMap<Node, Node | null> | YAMLSeq<Node>;
  inFlow: boolean;
}

/** Parses text for editing; a document with syntax errors is never edited. */
export function parseForEdit(text: string): Document.Parsed {
  return parseDocument(text, { uniqueKeys: false });
}

export function keyOf(pair: Pair<unknown, unknown>): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

export function findPair(map: YAMLMap<Node, Node | null>, key: string): Pair<Node, Node | null> | undefined {
  return map.items.find((p) => String(keyOf(p)) === key);
}

/** The node at `path`, or undefined when some step is missing. */
export function locate(doc: Document.Parsed, path: YamlPath): Located | undefined {
  let node = doc.contents as Node | null;
  let inFlow = false;
  let pair: Pair<Node, Node | null> | undefined;
  let parent: Located['parent'];
  for (const step of path) {
    if (isMap(node)) {
      const map = node as YAMLMap<Node, Node | null>;
      const p = findPair(map, String(step));
      if (!p) return undefined;
      inFlow ||= Boolean(map.flow);
      pair = p;
      parent = map;
      node = p.value;
    } else if (isSeq(node) && typeof step === 'number') {
      const seq = node as YAMLSeq<Node>;
      const item = seq.items[step];
      if (item === undefined) return undefined;
      inFlow ||= Boolean(seq.flow);
      pair = undefined;
      parent = seq;
      node = item;
    } else return undefined;
  }
  return { node, inFlow, ...(pair ? { pair } : {}), ...(parent ? { parent } : {}) };
}

export const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;

/** The index just after the newline ending the line that holds `pos` (or the end of the text). */
export function lineEndAfter(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

export const column = (text: string, pos: number) => pos - lineStart(text, pos);

const lineAt = (text: string, start: number) => text.slice(start, lineEndAfter(text, start)).replace(/\r?\n$/, '');
const indentOf = (line: string) => line.length - line.trimStart().length;
const isComment = (line: string) => line.trimStart().startsWith('#');
export const isBlank = (line: string) => line.trim() === '';

/**
 * The lines a pair of a block mapping owns: the comment lines directly above
 * its key at its column (no blank line between), the key line, its value's
 * lines, and comment lines right after them that are indented deeper.
 */
export function pairExtent(
  text: string,
  pair: Pair<Node, Node | null>,
): { start: number; end: number; column: number } {
  const keyStart = pair.key.range?.[0] ?? 0;
  const col = column(text, keyStart);
  let start = lineStart(text, keyStart);
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    const line = lineAt(text, prev);
    if (!isComment(line) || indentOf(line) !== col) break;
    start = prev;
  }
  const contentEnd = pair.value?.range?.[2] ?? pair.key.range?.[1] ?? keyStart;
  let end = lineEndAfter(text, Math.max(contentEnd - 1, keyStart));
  while (end < text.length) {
    const line = lineAt(text, end);
    if (!isComment(line) || indentOf(line) <= col) break;
    end = lineEndAfter(text, end);
  }
  return { start, end, column: col };
}

/** The line before `pos`'s line, or undefined at the start. */
export function previousLine(text: string, pos: number): string | undefined {
  const start = lineStart(text, pos);
  return start === 0 ? undefined : lineAt(text, lineStart(text, start - 1));
}

export function lineFrom(text: string, pos: number): string | undefined {
  return pos >= text.length ? undefined : lineAt(text, pos);
}

/** The indentation step of the file's block mappings (2 unless the file says otherwise). */
export function indentStep(doc: Document.Parsed, text: string): number {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return 2;
  for (const p of (root as YAMLMap<Node, Node | null>).items) {
    const v = p.value;
    if (isMap(v) && !v.flow) {
      const first = (v as YAMLMap<Node, Node | null>).items[0];
      const keyPos = first?.key.range?.[0];
      const parentPos = p.key.range?.[0];
      if (keyPos !== undefined && parentPos !== undefined) {
        const step = column(text, keyPos) - column(text, parentPos);
        if (step > 0) return step;
      }
    }
  }
  return 2;
}
