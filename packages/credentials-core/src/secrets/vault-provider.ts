import { type Clock, systemClock } from '../clock.js';
import type { SecretProviderConfig } from '../config/secret-provider-schema.js';
import { SecretProviderBootstrapError } from '../errors.js';
import { protocolRefusal } from '../http/check-protocol.js';
import { defaultReadRetry, type ReadRetryPolicy } from '../http/retry-policy.js';
import { readBootstrap } from './bootstrap-value.js';
import { classifyHttpFailure, readJson, TransientStatus } from './http-read.js';
import { retryRead } from './retry-read.js';
import { SecretAccessDeniedError, SecretProviderError } from './secret-errors.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

export type VaultProviderConfig = Extract<SecretProviderConfig, { type: 'vault' }>;

interface VaultToken {
  value: string;
  /** Monotonic ms the lease ends at; `undefined` for a token given as is (method `token`). */
  expires: number | undefined;
  leaseMs: number;
  renewable: boolean;
}

/** Vault's login answer: `auth` of any auth method. */
interface VaultAuth {
  client_token?: unknown;
  lease_duration?: unknown;
  renewable?: unknown;
}

/**
 * Reads secret `NAME` from HashiCorp Vault or OpenBao, KV version 2, at
 * `<mount>/data/<path>/<NAME>` (read-only: GET only). Auth methods `token`,
 * `approle` and `kubernetes`; a login's token is renewed (`renew-self`)
 * when two thirds of its lease have passed and logged in again when renewal
 * is refused or the lease has ended, or when Vault answers 403 to a token it
 * gave (revoked early). `X-Vault-Namespace` is sent for Vault Enterprise.
 * @see https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2#read-secret-version
 * @see https://developer.hashicorp.com/vault/api-docs/auth/approle#login-with-approle
 * @see https://developer.hashicorp.com/vault/api-docs/auth/token#renew-a-token-self
 */
export class VaultSecretProvider implements SecretProvider {
  readonly description: string;
  readonly #c: VaultProviderConfig;
  readonly #baseDir: string;
  readonly #clock: Clock;
  readonly #retry: ReadRetryPolicy;
  #token: VaultToken | undefined;
  #login: Promise<VaultToken> | undefined;
  /** Logins and renewals made (diagnostics and tests). */
  logins = 0;
  renewals = 0;

  constructor(config: VaultProviderConfig, options: { baseDir?: string; clock?: Clock; retry?: ReadRetryPolicy } = {}) {
    this.#c = config;
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#clock = options.clock ?? systemClock;
    this.#retry = options.retry ?? defaultReadRetry;
    this.description = `vault ${new URL(config.address).origin} ${config.mount}${config.path ? `/${config.path}` : ''}`;
  }

  get(name: string, options: SecretReadOptions = {}): Promise<string | undefined> {
    const where = { provider: this.description, secret: name, scope: options.scope ?? 'no scope given' };
    return retryRead(() => this.#read(name, where), classifyHttpFailure, where, this.#retry);
  }

  async #read(name: string, where: { provider: string; secret: string; scope: string }): Promise<string | undefined> {
    const path = `${this.#c.mount}/data/${this.#c.path ? `${this.#c.path}/` : ''}${encodeURIComponent(name)}`;
    let token = await this.#currentToken(where);
    let res = await this.#call('GET', path, token.value);
    if (res.status === 403) {
      // A token revoked or expired before its lease said: log in (or re-read the token) once more.
      await res.body?.cancel();
      this.#forget(token);
      token = await this.#currentToken(where);
      res = await this.#call('GET', path, token.value);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new SecretAccessDeniedError({
        ...where,
        detail: `HTTP ${res.status} (the token's policies do not allow reading ${path})`,
      });
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      throw new TransientStatus(res.status);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`unexpected HTTP ${res.status}`);
    }
    const body = (await readJson(res, 'KV read')) as { data?: { data?: unknown } } | null;
    const data = body?.data?.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new Error('KV read: answer has no data.data object (is the mount KV version 2?)');
    }
    const fields = Object.entries(data as Record<string, unknown>);
    // One field: that field (SPEC section 2); several: the entry as JSON, for `subkey`.
    if (fields.length === 1) {
      const v = fields[0]?.[1];
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    return JSON.stringify(data);
  }

  #call(method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'x-vault-request': 'true' };
    if (token !== undefined) headers['x-vault-token'] = token;
    if (this.#c.vaultNamespace) headers['x-vault-namespace'] = this.#c.vaultNamespace;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.#c.address.replace(/\/+$/, '')}/v1/${path}`;
    // SPEC section 3, checked where each request is made (the config schema checks it too).
    const refused = protocolRefusal(url);
    if (refused !== undefined) return Promise.reject(new TypeError(`the Vault address is refused: ${refused}`));
    return fetch(url, {
      method,
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(this.#c.timeout),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  #forget(token: VaultToken): void {
    if (this.#token === token) this.#token = undefined;
  }

  /** A usable token: the current one, renewed or replaced as its lease requires; one login at a time. */
  async #currentToken(where: { provider: string; secret: string; scope: string }): Promise<VaultToken> {
    const t = this.#token;
    const now = this.#clock.now();
    if (t !== undefined && (t.expires === undefined || now < t.expires - t.leaseMs / 3)) return t;
    this.#login ??= (async () => {
      try {
        if (t?.expires !== undefined && t.renewable && now < t.expires) {
          const renewed = await this.#renew(t).catch(() => undefined);
          if (renewed) {
            this.#token = renewed;
            return renewed;
          }
        }
        const fresh = await this.#logIn(where);
        this.#token = fresh;
        return fresh;
      } finally {
        this.#login = undefined;
      }
    })();
    try {
      return await this.#login;
    } catch (err) {
      // Callers that waited on another's login hear of it under their own secret and scope.
      if (err instanceof SecretProviderError) throw err.for(where);
      if (err instanceof SecretProviderBootstrapError) {
        throw new SecretProviderBootstrapError(`secret '${where.secret}' (${where.scope}): ${err.message}`);
      }
      throw err;
    }
  }

  async #renew(t: VaultToken): Promise<VaultToken | undefined> {
    const res = await this.#call('POST', 'auth/token/renew-self', t.value, {});
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    this.renewals++;
    return this.#tokenFrom(((await readJson(res, 'token renewal')) as { auth?: VaultAuth } | null)?.auth, t.value);
  }

  async #logIn(where: { provider: string; secret: string; scope: string }): Promise<VaultToken> {
    // A bootstrap problem names the secret being read and the scope that asked, like every read
    // error: #currentToken adds them for each caller.
    const field = (name: string) => `${this.description}: auth.${name}`;
    const a = this.#c.auth;
    if (a.method === 'token') {
      const value = await readBootstrap(a.token, this.#baseDir, field('token'));
      return { value, expires: undefined, leaseMs: 0, renewable: false };
    }
    const body =
      a.method === 'approle'
        ? {
            role_id: await readBootstrap(a.roleId, this.#baseDir, field('roleId')),
            secret_id: await readBootstrap(a.secretId, this.#baseDir, field('secretId')),
          }
        : { role: a.role, jwt: await readBootstrap(a.jwt, this.#baseDir, field('jwt')) };
    const res = await this.#call('POST', `auth/${a.mount}/login`, undefined, body);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new SecretAccessDeniedError({ ...where, detail: `${a.method} login refused (HTTP ${res.status})` });
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      throw new TransientStatus(res.status);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`${a.method} login: unexpected HTTP ${res.status}`);
    }
    this.logins++;
    const auth = ((await readJson(res, `${a.method} login`)) as { auth?: VaultAuth } | null)?.auth;
    const token = this.#tokenFrom(auth);
    if (token === undefined) throw new Error(`${a.method} login: answer has no auth.client_token`);
    return token;
  }

  #tokenFrom(auth: VaultAuth | undefined, fallback?: string): VaultToken | undefined {
    const value = typeof auth?.client_token === 'string' && auth.client_token ? auth.client_token : fallback;
    if (value === undefined) return undefined;
    const lease = typeof auth?.lease_duration === 'number' && auth.lease_duration > 0 ? auth.lease_duration : 0;
    return {
      value,
      expires: lease > 0 ? this.#clock.now() + lease * 1000 : undefined,
      leaseMs: lease * 1000,
      renewable: auth?.renewable === true,
    };
  }
}
