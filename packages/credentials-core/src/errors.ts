import { shownEndpoint } from './shown-endpoint.js';
/**
 * credflow's error classes. Each carries a stable `code`; token endpoint
 * errors also carry the RFC 6749 section 5.2 fields. No message ever holds a
 * secret or a token: values are named, never quoted.
 */

/** The stable codes of credentials-core's errors: one per concrete error class (README, "Error codes"). */
export type CredflowErrorCode =
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CREDENTIAL_INVALID'
  | 'ERR_SECRET_NOT_FOUND'
  | 'ERR_SECRET_INVALID'
  | 'ERR_SECRET_ACCESS_DENIED'
  | 'ERR_SECRET_THROTTLED'
  | 'ERR_SECRET_PROVIDER_UNAVAILABLE'
  | 'ERR_SECRET_PROVIDER_BOOTSTRAP'
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

/**
 * Base class of every error credflow throws on purpose, in every package.
 * Each concrete subclass has one fixed `code` (as jose's errors do), so
 * `err.code` and `instanceof` always agree; abstract subclasses group
 * related errors (e.g. {@link TokenEndpointError}).
 */
export abstract class CredflowError extends Error {
  /** A stable code, safe to match on; fixed by the concrete class. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
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

/**
 * A YAML file (config or flow) that is missing, unreadable or invalid, with
 * its problems located by YAML path and line. Concrete classes fix the code.
 */
export abstract class YamlFileError extends CredflowError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super('');
    this.file = file;
    this.issues = issues;
    // Made when first read, once the concrete class has set its code: a flow file's
    // problems are headed "invalid flow", a config file's "invalid config".
    Object.defineProperty(this, 'message', {
      get: () => formatConfigIssues(file, issues, this.code.startsWith('ERR_FLOW') ? 'flow' : 'config'),
      set: (value: string) => {
        Object.defineProperty(this, 'message', { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false,
    });
  }
}

/** A YAML file's error class: what {@link YamlFileError}'s concrete subclasses look like to the YAML helpers. */
export type YamlFileErrorClass = new (file: string, issues: readonly ConfigIssue[]) => YamlFileError;

/** A config file that is invalid: YAML syntax, unknown or wrong fields, located by path and line. */
export class ConfigError extends YamlFileError {
  readonly code = 'ERR_CONFIG_INVALID';
}

/** A config file that does not exist or cannot be read. */
export class ConfigNotFoundError extends YamlFileError {
  readonly code = 'ERR_CONFIG_NOT_FOUND';
}

/**
 * A credential definition this store cannot use although the config
 * parsed: a type no registered grant handles, a `subjectCredential` cycle.
 */
export class CredentialDefinitionError extends CredflowError {
  readonly code = 'ERR_CREDENTIAL_INVALID';
  readonly credential: string;

  constructor(credential: string, message: string) {
    super(`credential '${credential}': ${message}`);
    this.credential = credential;
  }
}

/**
 * A secret provider's own bootstrap value (a Vault token, an AppRole
 * secret id) that is unset, empty or unreadable: `{ env: NAME }` names an
 * unset variable, `{ file: PATH }` an empty or unreadable file.
 */
export class SecretProviderBootstrapError extends CredflowError {
  readonly code = 'ERR_SECRET_PROVIDER_BOOTSTRAP';
}

function formatConfigIssues(file: string, issues: readonly ConfigIssue[], kind: 'flow' | 'config'): string {
  if (issues.length === 1 && issues[0] && !issues[0].path && issues[0].line === undefined) {
    return `${file}: ${issues[0].message}`;
  }
  const lines = issues.map((i) => {
    const where = `${file}${i.line !== undefined ? `:${i.line}` : ''}`;
    return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
  });
  return issues.length === 1
    ? (lines[0] ?? '')
    : `invalid ${kind} (${issues.length} problems):\n  ${lines.join('\n  ')}`;
}

/** A secret that cannot be found or used. Never carries the value. */
export abstract class SecretError extends CredflowError {
  readonly secret: string;

  constructor(secret: string, message: string) {
    super(message);
    this.secret = secret;
  }
}

/** No provider visible from the scope has the secret (or the JSON subkey asked for). */
export class SecretNotFoundError extends SecretError {
  readonly code = 'ERR_SECRET_NOT_FOUND';
}

/** A secret that exists but cannot be used: bad encoding, not JSON where a subkey is asked, empty. */
export class SecretInvalidError extends SecretError {
  readonly code = 'ERR_SECRET_INVALID';
}

/** A credential key that is not visible from the requested scope. */
export class CredentialNotFoundError extends CredflowError {
  readonly code = 'ERR_CREDENTIAL_NOT_FOUND';
  readonly key: string;
  readonly tenantId: string;
  readonly namespace: string | undefined;

  constructor(key: string, tenantId: string, namespace: string | undefined) {
    super(
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
 * A token request that failed. Abstract: the concrete classes below say how
 * (each with one code); all carry the credential, the endpoint and, when an
 * answer arrived, the HTTP status and the RFC 6749 section 5.2 fields.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export abstract class TokenEndpointError extends CredflowError {
  abstract override readonly code:
    | 'ERR_OAUTH_ERROR_RESPONSE'
    | 'ERR_TOKEN_HTTP_STATUS'
    | 'ERR_TOKEN_RESPONSE_INVALID'
    | 'ERR_TOKEN_NETWORK'
    | 'ERR_TOKEN_TIMEOUT';
  readonly credential: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly error_description: string | undefined;
  readonly error_uri: string | undefined;

  constructor(message: string, details: TokenErrorDetails) {
    // Without its query string: an operator may have put a client secret there (review of issue 26, N3).
    const endpoint = shownEndpoint(details.endpoint);
    super(`credential '${details.credential}': ${message} (endpoint ${endpoint})`, {
      cause: details.cause,
    });
    this.credential = details.credential;
    this.endpoint = endpoint;
    this.status = details.status;
    this.error = details.error;
    this.error_description = details.error_description;
    this.error_uri = details.error_uri;
  }
}

/**
 * The server answered with an RFC 6749 section 5.2 error response
 * (`invalid_client`, `invalid_grant`, `invalid_scope`, ...): `error` holds it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthResponseError extends TokenEndpointError {
  readonly code = 'ERR_OAUTH_ERROR_RESPONSE';
}

/** An HTTP status that is neither success nor an RFC 6749 error response (a 5xx, a 404, a redirect). */
export class TokenHttpStatusError extends TokenEndpointError {
  readonly code = 'ERR_TOKEN_HTTP_STATUS';
}

/**
 * A success status with a body credflow cannot use: not JSON, no
 * `access_token`, a non-Bearer `token_type`, over 1 MiB.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export class TokenResponseInvalidError extends TokenEndpointError {
  readonly code = 'ERR_TOKEN_RESPONSE_INVALID';
}

/** The endpoint could not be reached (DNS, refused, TLS, reset), after retries. */
export class TokenNetworkError extends TokenEndpointError {
  readonly code = 'ERR_TOKEN_NETWORK';
}

/** No complete answer within the credential's `timeout`, after retries. */
export class TokenTimeoutError extends TokenEndpointError {
  readonly code = 'ERR_TOKEN_TIMEOUT';
}

/** A minted token that lives less than the caller's `minValidity`. */
export class TokenLifetimeTooShortError extends CredflowError {
  readonly code = 'ERR_TOKEN_LIFETIME_TOO_SHORT';
}

/** A `minValidity` that is not a non-negative ISO-8601 duration. */
export class MinValidityError extends CredflowError {
  readonly code = 'ERR_MIN_VALIDITY_INVALID';
}

/** Key material that cannot be imported or does not fit the algorithm. */
export class KeyError extends CredflowError {
  readonly code = 'ERR_KEY_INVALID';
  readonly credential: string;

  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super(`credential '${credential}': ${message}`, options);
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
  readonly code = 'ERR_DISCOVERY_FAILED';
  readonly credential: string;
  readonly issuer: string;

  constructor(credential: string, issuer: string, message: string, options?: { cause?: unknown }) {
    super(`credential '${credential}': ${message} (issuer ${issuer})`, options);
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
  readonly code = 'ERR_SUBJECT_TOKEN_INVALID';
  readonly credential: string;

  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super(`credential '${credential}': ${message}`, options);
    this.credential = credential;
  }
}

/** A host-provided signer (KMS, HSM) that is missing, failed, or returned no usable signature. */
export class SignerError extends CredflowError {
  readonly code = 'ERR_SIGNER_FAILED';
  readonly credential: string;
  readonly signer: string;

  constructor(credential: string, signer: string, message: string, options?: { cause?: unknown }) {
    super(`credential '${credential}': signer '${signer}' ${message}`, options);
    this.credential = credential;
    this.signer = signer;
  }
}
