import type { NjNode, NjNodeClass, NunjucksInternals } from './nunjucks-internals.js';

const PATCHED = Symbol.for('credflow.pebble-operators-patched');

interface ExpressionParser {
  skipSymbol(value: string): boolean;
  parseFilterName(): NjNode;
  parseFilterArgs(node: NjNode): NjNode[];
  advanceAfterBlockEnd(name?: unknown): void;
  parseUntilBlocks(...names: string[]): NjNode;
  skip(type: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  parseInlineIf(): NjNode;
  parseExpression(): NjNode;
  peekToken(): { lineno: number; colno: number } | null;
}

/**
 * Pebble's operators that nunjucks lacks, as Kestra's expressions use them:
 * - `a ?? b` (null-coalescing: `b` when `a` is undefined or null) and
 *   `a ??? b` (undefined-coalescing: `b` only when `a` is undefined), right
 *   associative, below every other operator;
 * - `c ? a : b`, the ternary (a nunjucks `InlineIf`);
 * - `a contains b` (a list holds an element, or every element of a list; a
 *   map has a key; a string holds a substring) and `a equals b` (`==`), at
 *   the precedence of `in`.
 * nunjucks lexes `??`, `???` and `?` between spaces as symbols and `:` as a
 * colon. The parser learns them in every environment of this nunjucks
 * installation; the nodes are compiled only where the credflow extension
 * rewrites them (they were syntax errors before, and stay errors elsewhere).
 * Also `{% filter a | b %}`: a chain of filters over a filter block.
 */
export function patchPebbleOperators(nj: NunjucksInternals): void {
  const nodes = nj.nodes as Record<string, NjNodeClass & { extend?: (name: string) => NjNodeClass }>;
  for (const name of ['Coalesce', 'UndefinedCoalesce', 'Contains', 'Equals']) {
    if (!nodes[name]) nodes[name] = nodes.BinOp?.extend?.(name) as NjNodeClass;
  }
  const Coalesce = nodes.Coalesce as NjNodeClass;
  const UndefinedCoalesce = nodes.UndefinedCoalesce as NjNodeClass;
  const Contains = nodes.Contains as NjNodeClass;
  const Equals = nodes.Equals as NjNodeClass;
  const InlineIf = nodes.InlineIf as NjNodeClass;
  const proto = nj.parserClass.prototype as {
    parseExpression: () => NjNode;
    parseIn: () => NjNode;
    parseFilterStatement: () => NjNode;
    [PATCHED]?: true;
  };
  if (proto[PATCHED]) return;
  proto.parseExpression = function parseExpression(this: ExpressionParser): NjNode {
    let node = this.parseInlineIf();
    if (this.skipSymbol('??')) node = new Coalesce(node.lineno, node.colno, node, this.parseExpression());
    else if (this.skipSymbol('???'))
      node = new UndefinedCoalesce(node.lineno, node.colno, node, this.parseExpression());
    if (this.skipSymbol('?')) {
      const then = this.parseExpression();
      if (!this.skip('colon')) {
        const at = this.peekToken();
        this.fail("expected ':' in the ternary 'condition ? value : other'", at?.lineno, at?.colno);
      }
      node = new InlineIf(node.lineno, node.colno, node, then, this.parseExpression());
    }
    return node;
  };
  const parseIn = proto.parseIn;
  proto.parseIn = function parseInOrContains(this: ExpressionParser): NjNode {
    let node = parseIn.call(this);
    for (;;) {
      if (this.skipSymbol('contains')) node = new Contains(node.lineno, node.colno, node, parseIn.call(this));
      else if (this.skipSymbol('equals')) node = new Equals(node.lineno, node.colno, node, parseIn.call(this));
      else return node;
    }
  };
  // `{% filter upper | title %}…{% endfilter %}`: Pebble applies a chain of filters to the block.
  const { Filter, NodeList, Capture, Output } = nodes as Record<string, NjNodeClass>;
  proto.parseFilterStatement = function parseFilterStatement(this: ExpressionParser): NjNode {
    const start = this.peekToken() as { lineno: number; colno: number; value?: unknown };
    if (!this.skipSymbol('filter')) this.fail('parseFilterStatement: expected filter');
    const chain: [NjNode, NjNode[]][] = [];
    do {
      const name = this.parseFilterName();
      chain.push([name, this.parseFilterArgs(name)]);
    } while (this.skip('pipe'));
    this.advanceAfterBlockEnd(start.value);
    const [first] = chain[0] as [NjNode, NjNode[]];
    let node: NjNode = new Capture!(first.lineno, first.colno, this.parseUntilBlocks('endfilter'));
    this.advanceAfterBlockEnd();
    for (const [name, args] of chain) {
      node = new Filter!(name.lineno, name.colno, name, new NodeList!(name.lineno, name.colno, [node, ...args]));
    }
    return new Output!(first.lineno, first.colno, [node]);
  };
  proto[PATCHED] = true;
}
