/**
 * The names this package exports to host apps. Widening the public API is a
 * decision: change this list on purpose, in the same commit, and say why.
 */
import { expect, it } from 'vitest';
import * as api from '../src/index.js';

it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'analyzeTemplate',
      'CREDFLOW_DELIMITERS',
      'createRenderSession',
      // For `credflow validate`: names a Kestra function, filter or test credflow lacks as such (SPEC section 4).
      'kestraUnsupported',
      'registerCredentials',
      'registerStandardLibrary',
      'render',
      'renderString',
      'renderTemplate',
      'scopeFromFlow',
      'TemplateForbiddenError',
      'TemplateError',
      'TemplateRenderError',
      'TemplateSandboxError',
    ].sort(),
  );
});
