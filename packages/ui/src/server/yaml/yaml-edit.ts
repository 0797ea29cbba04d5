import { isCollection, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import {
  column,
  findPair,
  indentStep,
  isBlank,
  lineEndAfter,
  lineFrom,
  lineStart,
  locate,
  pairExtent,
  parseForEdit,
  previousLine,
  type YamlPath,
} from './yaml-locate.js';
import { renderInline, renderPair } from './yaml-render.js';
import { formatScalar, type ScalarValue } from './yaml-scalar.js';

// Text edits of a YAML file located through the yaml Document API (node
// ranges): each changes only the bytes of what it edits, so everything else
// (comments, blank lines, flow/block style, quoting, alignment) stays as written.

const splice = (text: string, start: number, end: number, insert: string) =>
  text.slice(0, start) + insert + text.slice(end);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The end of a pair's content (value, or key when it has none), without trailing comments. */
const pairContentEnd = (p: Pair<Node, Node | null>) => p.value?.range?.[1] ?? p.key.range?.[1] ?? 0;

/** The index just after the `:` that follows a key. */
function afterColon(text: string, keyEnd: number): number {
  const i = text.indexOf(':', keyEnd);
  return i === -1 ? keyEnd : i + 1;
}

function mapAt(text: string, path: YamlPath): { map: YAMLMap<Node, Node | null> | undefined; exists: boolean } {
  const doc = parseForEdit(text);
  if (path.length === 0) {
    const root = doc.contents;
    return { map: isMap(root) ? (root as YAMLMap<Node, Node | null>) : undefined, exists: root !== null };
  }
  const loc = locate(doc, path);
  return { map: loc && isMap(loc.node) ? (loc.node as YAMLMap<Node, Node | null>) : undefined, exists: Boolean(loc) };
}

/** Sets the scalar at `path`, keeping its quoting style where the new value allows. */
export function setScalar(text: string, path: YamlPath, value: ScalarValue): string {
  const loc = locate(parseForEdit(text), path);
  if (!loc || !isScalar(loc.node) || !loc.node.range) throw new Error(`no scalar at ${path.join('.')}`);
  const [start, end] = loc.node.range;
  return splice(text, start, end, formatScalar(value, { style: loc.node.type, inFlow: loc.inFlow }));
}

/** Replaces the value at `path` whole: a block sequence as a block sequence, anything else on the key's line. */
export function replaceValue(text: string, path: YamlPath, value: unknown): string {
  const loc = locate(parseForEdit(text), path);
  if (!loc) throw new Error(`nothing at ${path.join('.')}`);
  const { node, pair } = loc;
  const inline =
    value === null || typeof value !== 'object'
      ? formatScalar(value as ScalarValue, { inFlow: loc.inFlow })
      : renderInline(value);
  if (node?.range && isCollection(node) && !node.flow && pair) {
    const [start, end] = node.range;
    const keepNewline = text[end - 1] === '\n' ? '\n' : '';
    if (isSeq(node) && Array.isArray(value) && value.length > 0) {
      const pad = ' '.repeat(column(text, start));
      const lines = value.map((v) => `${pad}- ${renderInline(v)}`).join('\n');
      return splice(text, lineStart(text, start), end, lines + keepNewline);
    }
    return splice(text, afterColon(text, pair.key.range?.[1] ?? 0), end, ` ${inline}${keepNewline}`);
  }
  if (node?.range) return splice(text, node.range[0], node.range[1], inline);
  if (pair) {
    const at = afterColon(text, pair.key.range?.[1] ?? 0);
    return splice(text, at, at, ` ${inline}`);
  }
  throw new Error(`cannot replace ${path.join('.')}`);
}

/** Removes `key` from the mapping at `mapPath` with the lines it owns (its comments above included). */
export function deleteKey(text: string, mapPath: YamlPath, key: string): string {
  const { map } = mapAt(text, mapPath);
  const pair = map && findPair(map, key);
  if (!map || !pair) return text;
  const items = map.items;
  const i = items.indexOf(pair);
  if (map.flow) {
    const range = map.range ?? [0, 0];
    if (items.length === 1) return splice(text, range[0], range[1], '{}');
    const next = items[i + 1];
    if (next) return splice(text, pair.key.range?.[0] ?? 0, next.key.range?.[0] ?? 0, '');
    const prev = items[i - 1] as Pair<Node, Node | null>;
    return splice(text, pairContentEnd(prev), pairContentEnd(pair), '');
  }
  if (items.length === 1 && mapPath.length > 0) return replaceValue(text, mapPath, {});
  const { start, end } = pairExtent(text, pair);
  let out = splice(text, start, end, '');
  // Blank lines that separated the removed pair from its neighbours: keep one separator, not two.
  const before = previousLine(out, start);
  const after = lineFrom(out, start);
  if (after !== undefined && isBlank(after) && (i === 0 || before === undefined || isBlank(before)))
    out = splice(out, start, lineEndAfter(out, start), '');
  else if (after === undefined && before !== undefined && isBlank(before))
    out = splice(out, lineStart(out, start - 1), start, '');
  return out;
}

/**
 * Adds `key: value` at the end of the mapping at `mapPath`, creating the
 * missing parent mappings. `blockLevels` says how many mapping levels of
 * `value` are written as blocks (a new credential: 1); deeper values are
 * written in flow style.
 */
export function insertKey(text: string, mapPath: YamlPath, key: string, value: unknown, blockLevels: number): string {
  const doc = parseForEdit(text);
  const step = indentStep(doc, text);
  if (mapPath.length > 0 && !locate(doc, mapPath)) {
    const parentPath = mapPath.slice(0, -1);
    const last = String(mapPath[mapPath.length - 1]);
    return insertKey(text, parentPath, last, { [key]: value }, blockLevels + 1);
  }
  const { map, exists } = mapAt(text, mapPath);
  if (!map) {
    if (mapPath.length === 0 && !exists) {
      const sep = text === '' || text.endsWith('\n') ? '' : '\n';
      return text + sep + renderPair(key, value, 0, step, blockLevels);
    }
    // `key:` with no mapping under it (e.g. an empty `namespaces:`): write the mapping there.
    return replaceWithMapping(text, mapPath, { [key]: value }, step, blockLevels);
  }
  const items = map.items;
  if (map.flow) {
    const item = `${formatScalar(key, { inFlow: true, isKey: true })}: ${renderInline(value)}`;
    const range = map.range ?? [0, 0];
    const last = items[items.length - 1];
    if (!last) return splice(text, range[0], range[1], `{ ${item} }`);
    const at = pairContentEnd(last);
    return splice(text, at, at, `, ${item}`);
  }
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return text;
  const col = column(text, first.key.range?.[0] ?? 0);
  const lastExtent = pairExtent(text, last);
  const penultimate = items[items.length - 2];
  const separated = penultimate !== undefined && isBlank(previousLine(text, lastExtent.start) ?? 'x') ? '\n' : '';
  const at = lastExtent.end;
  const nl = at === text.length && !text.endsWith('\n') && text !== '' ? '\n' : '';
  return splice(text, at, at, nl + separated + renderPair(key, value, col, step, blockLevels));
}

function replaceWithMapping(
  text: string,
  path: YamlPath,
  value: Record<string, unknown>,
  step: number,
  blockLevels: number,
): string {
  const loc = locate(parseForEdit(text), path);
  const pair = loc?.pair;
  if (!pair || loc.inFlow) return replaceValue(text, path, value);
  const col = column(text, pair.key.range?.[0] ?? 0);
  const at = afterColon(text, pair.key.range?.[1] ?? 0);
  const end = lineEndAfter(text, at);
  const body = Object.entries(value)
    .map(([k, v]) => renderPair(k, v, col + step, step, blockLevels - 1))
    .join('');
  return splice(text, at, end, `\n${body}`);
}

/** Renames a key in place: its comments, position and value stay. */
export function renameKey(text: string, mapPath: YamlPath, from: string, to: string): string {
  const { map } = mapAt(text, mapPath);
  const pair = map && findPair(map, from);
  if (!map || !pair?.key.range) throw new Error(`no key ${from}`);
  const [start, end] = pair.key.range;
  const style = isScalar(pair.key) ? pair.key.type : undefined;
  return splice(text, start, end, formatScalar(to, { style, inFlow: Boolean(map.flow), isKey: true }));
}

function reindent(block: string, delta: number): string {
  if (delta === 0) return block;
  return block
    .split('\n')
    .map((line) =>
      line.trim() === ''
        ? line
        : delta > 0
          ? ' '.repeat(delta) + line
          : line.slice(Math.min(-delta, line.length - line.trimStart().length)),
    )
    .join('\n');
}

/**
 * Moves `from.key` to `to.key` (another mapping, maybe one that does not
 * exist yet), carrying the lines the pair owns (comments above, inline and
 * trailing comments, blank lines inside) to the new place.
 */
export function moveKey(
  text: string,
  from: { mapPath: YamlPath; key: string },
  to: { mapPath: YamlPath; key: string },
): string {
  if (JSON.stringify(from.mapPath) === JSON.stringify(to.mapPath))
    return from.key === to.key ? text : renameKey(text, from.mapPath, from.key, to.key);
  const { map } = mapAt(text, from.mapPath);
  const pair = map && findPair(map, from.key);
  if (!map || !pair) throw new Error(`no key ${from.key}`);
  const value: unknown = pair.value?.toJSON() ?? null;
  let moved: { block: string; column: number } | undefined;
  if (!map.flow) {
    const ext = pairExtent(text, pair);
    const renamed = renameKey(text, from.mapPath, from.key, to.key);
    // The key's text changed length by `shift`; the owned lines end that much later.
    const shift = renamed.length - text.length;
    moved = { block: renamed.slice(ext.start, ext.end + shift), column: ext.column };
  }
  let out = deleteKey(text, from.mapPath, from.key);
  out = insertKey(out, to.mapPath, to.key, value, 1);
  if (!moved) return out;
  const { map: target } = mapAt(out, to.mapPath);
  const placed = target && !target.flow ? findPair(target, to.key) : undefined;
  if (!placed) return out;
  const ext = pairExtent(out, placed);
  let block = reindent(moved.block, ext.column - moved.column);
  if (!block.endsWith('\n')) block += '\n';
  return splice(out, ext.start, ext.end, block);
}

export { isPlainObject };
