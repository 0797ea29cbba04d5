// The public API of @credflow/ui: start the local credentials UI from a host
// app (the `credflow ui` command uses the same), and the errors its API refuses with.
export { startUi, type UiOptions, type UiServer } from './start-ui.js';
export {
  DefinitionError,
  type FieldIssue,
  UiConflictError,
  UiError,
  type UiErrorCode,
  UiFileError,
  UiNotFoundError,
} from './ui-errors.js';
