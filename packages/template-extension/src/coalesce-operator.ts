import type { NjNode, NjNodeClass, NunjucksInternals } from './nunjucks-internals.js';

const PATCHED = Symbol.for('credflow.coalesce-patched');

interface ExpressionParser {
  skipSymbol(value: string): boolean;
  parseInlineIf(): NjNode;
}

/**
 * Pebble's null-coalescing operator `a ?? b` (Kestra: "returns the right
 * operand when the left one is null or undefined"). nunjucks lexes `??`
 * (between spaces) as a symbol; the parser learns it at the lowest
 * precedence, as a `Coalesce` node that the sandbox rewrite turns into
 * `(a if a is present else b)`. Parsed in every environment of this nunjucks
 * installation, compiled only where the credflow extension rewrites it (it
 * was a syntax error before, and stays an error elsewhere).
 */
export function patchCoalesce(nj: NunjucksInternals): void {
  const nodes = nj.nodes as Record<string, NjNodeClass & { extend?: (name: string) => NjNodeClass }>;
  if (!nodes.Coalesce) nodes.Coalesce = nodes.BinOp?.extend?.('Coalesce') as NjNodeClass;
  const Coalesce = nodes.Coalesce as NjNodeClass;
  const proto = nj.parserClass.prototype as { parseExpression: () => NjNode; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  // Right-associative, as everywhere: `a ?? b ?? c` is `a ?? (b ?? c)`.
  proto.parseExpression = function parseExpression(this: ExpressionParser & { parseExpression(): NjNode }): NjNode {
    const node = this.parseInlineIf();
    if (!this.skipSymbol('??')) return node;
    return new Coalesce(node.lineno, node.colno, node, this.parseExpression());
  };
  proto[PATCHED] = true;
}
