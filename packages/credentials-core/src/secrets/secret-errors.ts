import { CredflowError } from '../errors.js';

/** Where a failed secret read happened: never the value. */
export interface SecretFailure {
  /** The provider's description, e.g. `vault https://vault.example:8200 secret/credflow/main`. */
  provider: string;
  /** The secret's name as referenced (`{ secret: NAME }`). */
  secret: string;
  /** The scope that asked, e.g. `tenant 'acme', namespace 'a.b'`. */
  scope: string;
  /** What went wrong, in words (an HTTP status, an error code of the service); never a value. */
  detail: string;
  cause?: unknown;
}

/**
 * A secret manager that refused or failed a read. Each subclass has one
 * stable `code`; the message names provider, secret and scope.
 */
export abstract class SecretProviderError extends CredflowError {
  abstract override readonly code:
    | 'ERR_SECRET_ACCESS_DENIED'
    | 'ERR_SECRET_THROTTLED'
    | 'ERR_SECRET_PROVIDER_UNAVAILABLE';
  readonly provider: string;
  readonly secret: string;
  readonly scope: string;
  readonly detail: string;

  protected constructor(what: string, f: SecretFailure) {
    super(`secret '${f.secret}' (${f.scope}): ${what} by ${f.provider}: ${f.detail}`, { cause: f.cause });
    this.provider = f.provider;
    this.secret = f.secret;
    this.scope = f.scope;
    this.detail = f.detail;
  }

  /**
   * The same failure told to another caller that waited on it (a shared
   * login): named with that caller's secret and scope, never another's.
   */
  for(caller: { secret: string; scope: string }): SecretProviderError {
    const Same = this.constructor as new (f: SecretFailure) => SecretProviderError;
    return new Same({ provider: this.provider, detail: this.detail, cause: this.cause, ...caller });
  }
}

/** The secret manager said no: HTTP 401/403, `AccessDeniedException`, `PERMISSION_DENIED`, a refused login. */
export class SecretAccessDeniedError extends SecretProviderError {
  readonly code = 'ERR_SECRET_ACCESS_DENIED';
  constructor(f: SecretFailure) {
    super('access denied', f);
  }
}

/** The secret manager kept answering "slow down" (HTTP 429, `ThrottlingException`) after retries. */
export class SecretThrottledError extends SecretProviderError {
  readonly code = 'ERR_SECRET_THROTTLED';
  constructor(f: SecretFailure) {
    super('throttled', f);
  }
}

/** The secret manager could not be reached or kept failing (network error, timeout, HTTP 5xx) after retries. */
export class SecretProviderUnavailableError extends SecretProviderError {
  readonly code = 'ERR_SECRET_PROVIDER_UNAVAILABLE';
  constructor(f: SecretFailure) {
    super('unreachable', f);
  }
}
