export {
  analyzeTemplate,
  type TemplateAnalysis,
  type TemplateCall,
  type TemplateReference,
  type TemplateUse,
} from './analyze-template.js';
export { kestraUnsupported } from './language/kestra-names.js';
export {
  CREDFLOW_DELIMITERS,
  type Delimiters,
  type RegisterOptions,
  registerCredentials,
} from './register-credentials.js';
export type { UsedCredential } from './render-state.js';
export {
  createRenderSession,
  type RenderOptions,
  type RenderResult,
  type RenderSession,
  render,
  renderString,
  renderTemplate,
} from './render-string.js';
export { TemplateForbiddenError } from './sandbox/template-forbidden-error.js';
export { registerStandardLibrary } from './stdlib/register-standard-library.js';
export { TemplateError, TemplateRenderError, TemplateSandboxError } from './template-error.js';
export { type ScopeResolver, scopeFromFlow } from './template-functions.js';
