export { type ApiOptions, createApi } from './api.js';
export { ConfigFile, DefinitionError, type FieldIssue } from './config-file.js';
export { type CredentialLocation, yamlPath } from './credential-location.js';
export { guard, KEY_HEADER, newSessionKey } from './session.js';
export { startUi, type UiOptions, type UiServer } from './start-ui.js';
export { UiError, type UiErrorCode } from './ui-errors.js';
