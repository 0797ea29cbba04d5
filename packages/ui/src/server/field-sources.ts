import { isCollection, isMap, type Node, type YAMLMap } from 'yaml';
import { column, keyOf, lineStart, locate, pairExtent, parseForEdit, type YamlPath } from './yaml/yaml-locate.js';

/** How one field of a definition is written in the file. */
export interface FieldSource {
  /** The value as written (a block collection dedented to column 0). */
  value: string;
  /** The whole `field: value` with its comments, dedented. */
  pair: string;
}

function dedent(text: string, by: number): string {
  return text
    .split('\n')
    .map((line) => line.slice(Math.min(by, line.length - line.trimStart().length)))
    .join('\n')
    .replace(/\n+$/, '');
}

/** The source text of each field of the definition at `path` ({} when it is not a block or flow mapping). */
export function fieldSources(text: string, path: YamlPath): Record<string, FieldSource> {
  const loc = locate(parseForEdit(text), path);
  if (!loc || !isMap(loc.node)) return {};
  const out: Record<string, FieldSource> = {};
  const map = loc.node as YAMLMap<Node, Node | null>;
  for (const pair of map.items) {
    const key = String(keyOf(pair));
    const v = pair.value;
    let value = '';
    if (v?.range) {
      const [start, end] = v.range;
      value =
        isCollection(v) && !v.flow
          ? dedent(text.slice(lineStart(text, start), end), column(text, start))
          : text.slice(start, end);
    }
    let pairText: string;
    if (map.flow || loc.inFlow) {
      pairText = `${key}: ${value}`;
    } else {
      const ext = pairExtent(text, pair);
      pairText = dedent(text.slice(ext.start, ext.end), ext.column);
    }
    out[key] = { value, pair: pairText };
  }
  return out;
}
