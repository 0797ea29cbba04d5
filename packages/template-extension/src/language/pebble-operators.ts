import type { NjNode, NjNodeClass } from '../nunjucks-internals.js';

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

/** The AST nodes of Pebble's operators, made once per nunjucks copy (nunjucks' own `nodes` module is left as it is). */
export interface PebbleOperatorNodes {
  Coalesce: NjNodeClass;
  UndefinedCoalesce: NjNodeClass;
  Contains: NjNodeClass;
  Equals: NjNodeClass;
}

/** Node classes for {@link addPebbleOperators}, extending the copy's `BinOp`. */
export function pebbleOperatorNodes(nodes: Record<string, NjNodeClass>): PebbleOperatorNodes {
  const BinOp = nodes.BinOp as NjNodeClass & { extend(name: string): NjNodeClass };
  return {
    Coalesce: BinOp.extend('Coalesce'),
    UndefinedCoalesce: BinOp.extend('UndefinedCoalesce'),
    Contains: BinOp.extend('Contains'),
    Equals: BinOp.extend('Equals'),
  };
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
 * colon. Also `{% filter a | b %}`: a chain of filters over a filter block.
 *
 * The methods go on `proto`, the prototype of credflow's own subclass of
 * nunjucks' `Parser` (see `language/pebble-mode.ts`): only templates of
 * environments that carry the credflow extension are parsed with it, so
 * `{{ a ?? b }}` stays a syntax error in a host's other environments.
 */
export function addPebbleOperators(
  proto: object,
  nodes: Record<string, NjNodeClass>,
  { Coalesce, UndefinedCoalesce, Contains, Equals }: PebbleOperatorNodes,
): void {
  const InlineIf = nodes.InlineIf as NjNodeClass;
  const target = proto as {
    parseExpression: () => NjNode;
    parseIn: () => NjNode;
    parseFilterStatement: () => NjNode;
  };
  target.parseExpression = function parseExpression(this: ExpressionParser): NjNode {
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
  const parseIn = (Object.getPrototypeOf(proto) as typeof target).parseIn;
  target.parseIn = function parseInOrContains(this: ExpressionParser): NjNode {
    let node = parseIn.call(this);
    for (;;) {
      if (this.skipSymbol('contains')) node = new Contains(node.lineno, node.colno, node, parseIn.call(this));
      else if (this.skipSymbol('equals')) node = new Equals(node.lineno, node.colno, node, parseIn.call(this));
      else return node;
    }
  };
  // `{% filter upper | title %}…{% endfilter %}`: Pebble applies a chain of filters to the block.
  const { Filter, NodeList, Capture, Output } = nodes as Record<string, NjNodeClass>;
  target.parseFilterStatement = function parseFilterStatement(this: ExpressionParser): NjNode {
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
}
