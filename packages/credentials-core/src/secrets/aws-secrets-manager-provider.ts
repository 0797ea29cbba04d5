import type { GetSecretValueCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { defaultReadRetry, type ReadRetryPolicy } from '../http/retry-policy.js';
import { isPackageMissing, loadSdk } from '../load-sdk.js';
import { type ReadOutcome, retryRead } from './retry-read.js';
import { SecretAccessDeniedError } from './secret-errors.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

export type AwsSecretsManagerConfig = Extract<SecretProviderConfig, { type: 'aws-secrets-manager' }>;
type Sdk = typeof import('@aws-sdk/client-secrets-manager');

/** Error names (AWS JSON 1.1 `__type`) that mean "not allowed". */
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'DecryptionFailure',
]);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/**
 * Reads secret `NAME` from AWS Secrets Manager as secret id `prefix + NAME`
 * (`GetSecretValue`, current version; `SecretString`, or `SecretBinary` as
 * UTF-8). Credentials come from the SDK's default chain (environment, shared
 * files, SSO, web identity, container and instance roles). The SDK is loaded
 * on first use; its own retries are off so throttling and outages are
 * retried and reported the same way for every provider.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export class AwsSecretsManagerProvider implements SecretProvider {
  readonly description: string;
  readonly #c: AwsSecretsManagerConfig;
  readonly #retry: ReadRetryPolicy;
  #client: Promise<{ sdk: Sdk; client: SecretsManagerClient }> | undefined;

  constructor(config: AwsSecretsManagerConfig, options: { retry?: ReadRetryPolicy } = {}) {
    this.#c = config;
    this.#retry = options.retry ?? defaultReadRetry;
    this.description = `aws-secrets-manager ${config.region}${config.prefix ? ` ${config.prefix}*` : ''}`;
  }

  get(name: string, options: SecretReadOptions = {}): Promise<string | undefined> {
    const where = { provider: this.description, secret: name, scope: options.scope ?? 'no scope given' };
    const classify = (err: unknown): ReadOutcome => {
      if (isPackageMissing(err)) return { kind: 'final', error: err }; // not installed: the install command, no retries
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
      const status = e.$metadata?.httpStatusCode;
      if (e.name && DENIED.has(e.name)) {
        return {
          kind: 'final',
          error: new SecretAccessDeniedError({ ...where, detail: `${e.name}${status ? ` (HTTP ${status})` : ''}` }),
        };
      }
      if ((e.name && THROTTLED.has(e.name)) || status === 429)
        return { kind: 'throttled', detail: e.name ?? 'HTTP 429' };
      if (status === undefined || status >= 500) {
        return {
          kind: 'unavailable',
          detail: status ? `${e.name ?? 'error'} (HTTP ${status})` : (e.code ?? e.name ?? 'network error'),
        };
      }
      return { kind: 'final', error: new Error(`${e.name ?? 'error'} (HTTP ${status})`) };
    };
    return retryRead(() => this.#read(name), classify, where, this.#retry);
  }

  async #read(name: string): Promise<string | undefined> {
    const { sdk, client } = await this.#sdk();
    let out: GetSecretValueCommandOutput;
    try {
      out = await client.send(new sdk.GetSecretValueCommand({ SecretId: this.#c.prefix + name }), {
        abortSignal: AbortSignal.timeout(this.#c.timeout),
      });
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    if (typeof out.SecretString === 'string') return out.SecretString;
    if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
    return undefined;
  }

  #sdk(): Promise<{ sdk: Sdk; client: SecretsManagerClient }> {
    this.#client ??= (async () => {
      // The SDK warns once per process that releases after early 2027 need Node 22: known, pinned, kept out of output.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const sdk = await loadSdk<Sdk>('@aws-sdk/client-secrets-manager');
      const client = new sdk.SecretsManagerClient({
        region: this.#c.region,
        maxAttempts: 1,
        ...(this.#c.endpoint ? { endpoint: this.#c.endpoint } : {}),
      });
      return { sdk, client };
    })();
    return this.#client;
  }
}
