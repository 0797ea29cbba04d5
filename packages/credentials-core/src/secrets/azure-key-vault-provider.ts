import type { SecretClient } from '@azure/keyvault-secrets';
import { isLoopbackHost } from '../config/loopback.js';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { defaultReadRetry, type ReadRetryPolicy } from '../http/retry-policy.js';
import { isPackageMissing, loadSdk } from '../load-sdk.js';
import { type ReadOutcome, retryRead } from './retry-read.js';
import { SecretAccessDeniedError } from './secret-errors.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

export type AzureKeyVaultConfig = Extract<SecretProviderConfig, { type: 'azure-key-vault' }>;
type SecretsSdk = typeof import('@azure/keyvault-secrets');
type IdentitySdk = typeof import('@azure/identity');

/**
 * Reads secret `NAME` from Azure Key Vault as `prefix + NAME` with `_`
 * written `-` (Key Vault names allow letters, digits and `-`), latest
 * version, authenticated by `DefaultAzureCredential` (environment, workload
 * identity, managed identity, Azure CLI, ...) through Key Vault's bearer
 * challenge. SDKs load on first use; the pipeline's own retries are off.
 * A loopback vault URL (a local test server) cannot be a subdomain of the
 * challenge's resource, so only there is that check skipped.
 * @see https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret
 * @see https://learn.microsoft.com/en-us/azure/key-vault/general/authentication-requests-and-responses
 */
export class AzureKeyVaultProvider implements SecretProvider {
  readonly description: string;
  readonly #c: AzureKeyVaultConfig;
  readonly #retry: ReadRetryPolicy;
  #client: Promise<SecretClient> | undefined;

  constructor(config: AzureKeyVaultConfig, options: { retry?: ReadRetryPolicy } = {}) {
    this.#c = config;
    this.#retry = options.retry ?? defaultReadRetry;
    this.description = `azure-key-vault ${new URL(config.vaultUrl).host}${config.prefix ? ` ${config.prefix}*` : ''}`;
  }

  /** The Key Vault name of secret `NAME`. */
  vaultName(name: string): string {
    return `${this.#c.prefix}${name}`.replace(/_/g, '-');
  }

  get(name: string, options: SecretReadOptions = {}): Promise<string | undefined> {
    const where = { provider: this.description, secret: name, scope: options.scope ?? 'no scope given' };
    const classify = (err: unknown): ReadOutcome => {
      if (isPackageMissing(err)) return { kind: 'final', error: err }; // not installed: the install command, no retries
      const e = err as { statusCode?: number; code?: string; name?: string };
      const status = e.statusCode;
      if (
        status === 401 ||
        status === 403 ||
        e.name === 'CredentialUnavailableError' ||
        e.name === 'AuthenticationError'
      ) {
        const detail = status
          ? `HTTP ${status}${e.code ? ` ${e.code}` : ''}`
          : `${e.name}: no Azure credential could get a token`;
        return { kind: 'final', error: new SecretAccessDeniedError({ ...where, detail }) };
      }
      if (status === 429) return { kind: 'throttled', detail: 'HTTP 429' };
      if (status === undefined || status >= 500) {
        return { kind: 'unavailable', detail: status ? `HTTP ${status}` : (e.code ?? e.name ?? 'network error') };
      }
      return { kind: 'final', error: new Error(`HTTP ${status}${e.code ? ` ${e.code}` : ''}`) };
    };
    return retryRead(() => this.#read(name), classify, where, this.#retry);
  }

  async #read(name: string): Promise<string | undefined> {
    const client = await this.#sdk();
    try {
      const secret = await client.getSecret(this.vaultName(name), {
        abortSignal: AbortSignal.timeout(this.#c.timeout),
      });
      return secret.value;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  #sdk(): Promise<SecretClient> {
    this.#client ??= (async () => {
      const [secrets, identity] = await Promise.all([
        loadSdk<SecretsSdk>('@azure/keyvault-secrets'),
        loadSdk<IdentitySdk>('@azure/identity'),
      ]);
      return new secrets.SecretClient(this.#c.vaultUrl, new identity.DefaultAzureCredential(), {
        retryOptions: { maxRetries: 0 },
        disableChallengeResourceVerification: isLoopbackHost(new URL(this.#c.vaultUrl).hostname),
      });
    })();
    return this.#client;
  }
}
