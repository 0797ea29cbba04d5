import { YamlFileError } from '@credflow/credentials-core';

/** A flow file that is invalid: YAML syntax, unknown task types or fields, template problems, located by path and line. */
export class FlowError extends YamlFileError {
  readonly code = 'ERR_FLOW_INVALID';
}

/** A flow file that does not exist or cannot be read. */
export class FlowNotFoundError extends YamlFileError {
  readonly code = 'ERR_FLOW_NOT_FOUND';
}
