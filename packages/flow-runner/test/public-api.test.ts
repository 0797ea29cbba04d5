/**
 * The names this package exports to host apps. Widening the public API is a
 * decision: change this list on purpose, in the same commit, and say why.
 */
import { expect, it } from 'vitest';
import * as api from '../src/index.js';

it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'builtinTasks',
      'FlowError',
      'FlowNotFoundError',
      // Where Subflow tasks find flows (SPEC section 5: --flows DIR, flows.dir in credflow.yaml).
      'FlowDirectory',
      'createTemplateEnvironment',
      // The environment of each flow, in its file's syntax (SPEC section 4), and how that is decided.
      'templateEnvironments',
      'detectFlowSyntax',
      'flowTemplateChecker',
      'InputError',
      'loadFlow',
      'parseFlow',
      'runFlow',
      'TaskError',
    ].sort(),
  );
});
