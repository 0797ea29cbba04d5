import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { defaultReadRetry, type ReadRetryPolicy } from '../http/retry-policy.js';
import { isPackageMissing, loadSdk } from '../load-sdk.js';
import { type ReadOutcome, retryRead } from './retry-read.js';
import { SecretAccessDeniedError } from './secret-errors.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

export type GcpSecretManagerConfig = Extract<SecretProviderConfig, { type: 'gcp-secret-manager' }>;
type Sdk = typeof import('@google-cloud/secret-manager');

/** gRPC status codes (google.rpc.Code) the REST transport reports. */
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const UNAUTHENTICATED = 16;
const TRANSIENT = new Set([4 /* DEADLINE_EXCEEDED */, 13 /* INTERNAL */, 14 /* UNAVAILABLE */]);

/**
 * What a status means: the gRPC code (google.rpc.Code) or, from the REST
 * transport, the HTTP status it carries.
 */
function statusKind(code: number | string | undefined): 'not-found' | 'denied' | 'throttled' | 'unavailable' | 'other' {
  if (code === NOT_FOUND || code === 404) return 'not-found';
  if (code === PERMISSION_DENIED || code === UNAUTHENTICATED || code === 401 || code === 403) return 'denied';
  if (code === RESOURCE_EXHAUSTED || code === 429) return 'throttled';
  if (typeof code === 'number' && (TRANSIENT.has(code) || code >= 500)) return 'unavailable';
  return 'other';
}

/**
 * Reads secret `NAME` from Google Cloud Secret Manager as
 * `projects/<project>/secrets/<prefix + NAME>/versions/latest`
 * (`AccessSecretVersion`), with Application Default Credentials. The client
 * uses its REST transport (`fallback: true`), which needs no gRPC stack; it
 * is loaded on first use and its own retries are off.
 * @see https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access
 */
export class GcpSecretManagerProvider implements SecretProvider {
  readonly description: string;
  readonly #c: GcpSecretManagerConfig;
  readonly #retry: ReadRetryPolicy;
  #client: Promise<SecretManagerServiceClient> | undefined;

  constructor(config: GcpSecretManagerConfig, options: { retry?: ReadRetryPolicy } = {}) {
    this.#c = config;
    this.#retry = options.retry ?? defaultReadRetry;
    this.description = `gcp-secret-manager ${config.project}${config.prefix ? ` ${config.prefix}*` : ''}`;
  }

  get(name: string, options: SecretReadOptions = {}): Promise<string | undefined> {
    const where = { provider: this.description, secret: name, scope: options.scope ?? 'no scope given' };
    const classify = (err: unknown): ReadOutcome => {
      if (isPackageMissing(err)) return { kind: 'final', error: err }; // not installed: the install command, no retries
      const e = err as { code?: number | string; name?: string };
      const kind = statusKind(e.code);
      if (kind === 'denied') {
        const detail = e.code === PERMISSION_DENIED || e.code === 403 ? 'PERMISSION_DENIED' : 'UNAUTHENTICATED';
        return { kind: 'final', error: new SecretAccessDeniedError({ ...where, detail }) };
      }
      if (kind === 'throttled') return { kind: 'throttled', detail: 'RESOURCE_EXHAUSTED' };
      if (kind === 'unavailable') return { kind: 'unavailable', detail: `status ${e.code}` };
      // Network failures come as a fetch error with a system code (ECONNREFUSED, ...), or a timeout.
      if (typeof e.code === 'string') return { kind: 'unavailable', detail: e.code };
      if (e.code === undefined && /Fetch|Abort|Timeout/.test(e.name ?? '')) {
        return { kind: 'unavailable', detail: e.name ?? '' };
      }
      return { kind: 'final', error: new Error(`status ${e.code ?? 'unknown'}`) };
    };
    return retryRead(() => this.#read(name), classify, where, this.#retry);
  }

  async #read(name: string): Promise<string | undefined> {
    const client = await this.#sdk();
    try {
      const [version] = await client.accessSecretVersion(
        { name: `projects/${this.#c.project}/secrets/${this.#c.prefix}${name}/versions/latest` },
        { timeout: this.#c.timeout, maxRetries: 0 },
      );
      const data = version.payload?.data;
      if (data === null || data === undefined) return undefined;
      return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    } catch (err) {
      if (statusKind((err as { code?: number | string }).code) === 'not-found') return undefined;
      throw err;
    }
  }

  #sdk(): Promise<SecretManagerServiceClient> {
    this.#client ??= (async () => {
      const sdk = await loadSdk<Sdk>('@google-cloud/secret-manager');
      const endpoint = this.#c.endpoint ? new URL(this.#c.endpoint) : undefined;
      return new sdk.SecretManagerServiceClient({
        fallback: true,
        // Known from the config: ADC need not look it up (a network call) before the first read.
        projectId: this.#c.project,
        ...(endpoint
          ? {
              apiEndpoint: endpoint.hostname,
              port: Number(endpoint.port) || (endpoint.protocol === 'http:' ? 80 : 443),
              protocol: endpoint.protocol.slice(0, -1),
            }
          : {}),
      });
    })();
    return this.#client;
  }
}
