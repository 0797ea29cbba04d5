import { isA, type Rule } from './context.js';
import { checkName } from './names.js';

/**
 * The targets of `set`, `import ... as`, `from ... import` and the names of
 * blocks are names: checked where they are written; their values and
 * bodies are rewritten.
 */
export const rewriteStatement: Rule = (r, node) => {
  if (isA(r, node, 'Set')) {
    checkName(r, node.targets);
    node.value = r.visit(node.value, false);
    if (node.body) node.body = r.visit(node.body, false);
    return node;
  }
  if (isA(r, node, 'Import')) {
    checkName(r, node.target);
    node.template = r.visit(node.template, false);
    return node;
  }
  if (isA(r, node, 'FromImport')) {
    checkName(r, node.names);
    node.template = r.visit(node.template, false);
    return node;
  }
  if (isA(r, node, 'Block')) {
    checkName(r, node.name);
    node.body = r.visit(node.body, false);
    return node;
  }
  return undefined;
};
