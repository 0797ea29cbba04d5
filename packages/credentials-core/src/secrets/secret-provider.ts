/**
 * A read-only source of secrets. credflow only ever reads: there is no
 * write method, and implementations must not log values. An external secret
 * manager (Vault, AWS Secrets Manager, ...) plugs in by implementing this.
 */
export interface SecretProvider {
  /** Short description for error messages, e.g. `env SECRET_<NAME>` or `file ./secrets`. */
  readonly description: string;
  /**
   * The secret's value, or `undefined` when this provider does not hold it.
   * A provider that cannot answer (denied, throttled, unreachable) throws a
   * `SecretProviderError` naming itself, the secret and `options.scope`.
   */
  get(name: string, options?: SecretReadOptions): Promise<string | undefined>;
  /** Names of the secrets this provider holds, where it can list them without reading values. */
  list?(): Promise<string[]>;
}

/** How a secret is read. */
export interface SecretReadOptions {
  /** Skip any cached value and read from the source (rotation, SPEC section 2). */
  fresh?: boolean;
  /** The scope that asks, for messages: `tenant 'acme', namespace 'a.b'`. */
  scope?: string;
}

// Config owns the reference's shape and the name rule (secrets read config,
// never the other way); kept here for the files that import it with the provider.
export type { SecretRef } from '../config/secret-ref.js';
