/**
 * credflow's error classes. Each carries a stable `code`; token endpoint
 * errors also carry the RFC 6749 section 5.2 fields. No message ever holds a
 * secret or a token: values are named, never quoted.
 */

/** Stable error codes, safe to match on. */
export type CredflowErrorCode =
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_FLOW_INVALID'
  | 'ERR_SECRET_NOT_FOUND'
  | 'ERR_SECRET_INVALID'
  | 'ERR_SECRET_ACCESS_DENIED'
  | 'ERR_SECRET_THROTTLED'
  | 'ERR_SECRET_PROVIDER_UNAVAILABLE'
  | 'ERR_CREDENTIAL_NOT_FOUND'
  | 'ERR_KEY_INVALID'
  | 'ERR_OAUTH_ERROR_RESPONSE'
  | 'ERR_TOKEN_HTTP_STATUS'
  | 'ERR_TOKEN_RESPONSE_INVALID'
  | 'ERR_TOKEN_NETWORK'
  | 'ERR_TOKEN_TIMEOUT'
  | 'ERR_TOKEN_LIFETIME_TOO_SHORT'
  | 'ERR_MIN_VALIDITY_INVALID'
  | 'ERR_SHARED_CACHE_KEY_INVALID'
  | 'ERR_SHARED_CACHE_KEY_MISMATCH'
  | 'ERR_SHARED_CACHE_ENTRY_INVALID'
  | 'ERR_SHARED_CACHE_UNAVAILABLE'
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_SUBJECT_TOKEN_INVALID'
  | 'ERR_SIGNER_FAILED';

/** Base class of every error credflow throws on purpose. */
export class CredflowError extends Error {
  readonly code: CredflowErrorCode;

  constructor(code: CredflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem found in a config file, located by YAML path and line. */
export interface ConfigIssue {
  /** Dotted YAML path, e.g. `credentials.my_oauth.clientSecret`. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/** A config file that is missing, unreadable or invalid. */
export class ConfigError extends CredflowError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[], code: CredflowErrorCode = 'ERR_CONFIG_INVALID') {
    super(code, formatConfigIssues(file, issues));
    this.file = file;
    this.issues = issues;
  }
}

function formatConfigIssues(file: string, issues: readonly ConfigIssue[]): string {
  if (issues.length === 1 && issues[0] && !issues[0].path && issues[0].line === undefined) {
    return `${file}: ${issues[0].message}`;
  }
  const lines = issues.map((i) => {
    const where = `${file}${i.line !== undefined ? `:${i.line}` : ''}`;
    return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
  });
  return issues.length === 1
    ? (lines[0] ?? '')
    : `invalid config (${issues.length} problems):\n  ${lines.join('\n  ')}`;
}

/** A secret that cannot be found or read. Never carries the value. */
export class SecretError extends CredflowError {
  readonly secret: string;

  constructor(code: 'ERR_SECRET_NOT_FOUND' | 'ERR_SECRET_INVALID', secret: string, message: string) {
    super(code, message);
    this.secret = secret;
  }
}

/** A credential key that is not visible from the requested scope. */
export class CredentialNotFoundError extends CredflowError {
  readonly key: string;
  readonly tenantId: string;
  readonly namespace: string | undefined;

  constructor(key: string, tenantId: string, namespace: string | undefined) {
    super(
      'ERR_CREDENTIAL_NOT_FOUND',
      `Cannot find credential '${key}' for tenant '${tenantId}'${namespace ? ` and namespace '${namespace}'` : ''} (looked in: ${namespace ? `namespace '${namespace}', ` : ''}tenant '${tenantId}').`,
    );
    this.key = key;
    this.tenantId = tenantId;
    this.namespace = namespace;
  }
}

/** Details of a failed token request. */
export interface TokenErrorDetails {
  /** The credential key the token was for. */
  credential: string;
  /** The token endpoint URL (never with credentials in it). */
  endpoint: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** RFC 6749 section 5.2 `error`. */
  error?: string;
  /** RFC 6749 section 5.2 `error_description`. */
  error_description?: string;
  /** RFC 6749 section 5.2 `error_uri`. */
  error_uri?: string;
  cause?: unknown;
}

/**
 * A token request that failed: an RFC 6749 section 5.2 error response, an
 * unexpected HTTP status, a malformed body, a network failure or a timeout.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class TokenEndpointError extends CredflowError {
  readonly credential: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly error_description: string | undefined;
  readonly error_uri: string | undefined;

  constructor(code: CredflowErrorCode, message: string, details: TokenErrorDetails) {
    super(code, `credential '${details.credential}': ${message} (endpoint ${details.endpoint})`, {
      cause: details.cause,
    });
    this.credential = details.credential;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.error = details.error;
    this.error_description = details.error_description;
    this.error_uri = details.error_uri;
  }
}

/** Key material that cannot be imported or does not fit the algorithm. */
export class KeyError extends CredflowError {
  readonly credential: string;

  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super('ERR_KEY_INVALID', `credential '${credential}': ${message}`, options);
    this.credential = credential;
  }
}

/**
 * Authorization server metadata that cannot be fetched or is unusable: no
 * document at either well-known URL, an `issuer` that differs from the
 * configured one, a token endpoint that is not https.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export class DiscoveryError extends CredflowError {
  readonly credential: string;
  readonly issuer: string;

  constructor(credential: string, issuer: string, message: string, options?: { cause?: unknown }) {
    super('ERR_DISCOVERY_FAILED', `credential '${credential}': ${message} (issuer ${issuer})`, options);
    this.credential = credential;
    this.issuer = issuer;
  }
}

/**
 * A token exchange subject token that cannot be used: a missing or
 * unreadable file, an empty value, a JWT that has expired.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export class SubjectTokenError extends CredflowError {
  readonly credential: string;

  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super('ERR_SUBJECT_TOKEN_INVALID', `credential '${credential}': ${message}`, options);
    this.credential = credential;
  }
}

/** A host-provided signer (KMS, HSM) that is missing, failed, or returned no usable signature. */
export class SignerError extends CredflowError {
  readonly credential: string;
  readonly signer: string;

  constructor(credential: string, signer: string, message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNER_FAILED', `credential '${credential}': signer '${signer}' ${message}`, options);
    this.credential = credential;
    this.signer = signer;
  }
}
