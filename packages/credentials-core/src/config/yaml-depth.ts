import { type CST, Parser } from 'yaml';

/**
 * Deepest nesting of mappings and lists credflow reads. Real files stay
 * under 15; the limit keeps every recursive step after parsing (composing
 * the document, `toJS`, schema checks, template checks, rendering) far from
 * the stack limit, which a few hundred levels reach.
 */
export const MAX_YAML_DEPTH = 100;

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

/**
 * Offset of the first collection nested deeper than `max`, or `undefined`.
 * Works on yaml's concrete syntax tree, which its parser builds without
 * recursion, and walks it with an explicit stack: no input can exhaust the
 * call stack here.
 */
export function findTooDeep(text: string, max: number = MAX_YAML_DEPTH): number | undefined {
  return findTooDeepIn(new Parser().parse(text), max);
}

/**
 * {@link findTooDeep} on tokens already parsed (yaml's `Parser`), so a
 * caller can compose the document from the same tokens instead of parsing
 * the text twice.
 */
export function findTooDeepIn(tokens: Iterable<CST.Token>, max: number = MAX_YAML_DEPTH): number | undefined {
  const stack: { node: CST.Token; depth: number }[] = [];
  for (const token of tokens) {
    if (token.type === 'document' && token.value) stack.push({ node: token.value, depth: 0 });
  }
  let first: number | undefined;
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, depth } = next;
    if (!isCollection(node)) continue;
    if (depth + 1 > max) {
      if (first === undefined || node.offset < first) first = node.offset;
      continue; // not deeper: the walk costs at most the size of the tree up to the limit
    }
    for (const item of node.items) {
      if (item.key) stack.push({ node: item.key, depth: depth + 1 });
      if (item.value) stack.push({ node: item.value, depth: depth + 1 });
    }
  }
  return first;
}

function isCollection(token: CST.Token): token is Collection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}
