import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';

export interface VaultServerOptions {
  /** Tokens accepted as given (auth method `token`), with the KV paths they may read (`secret/data/app/` prefixes). */
  tokens?: Record<string, { paths: string[] }>;
  /** AppRole roles: role id → secret id and what tokens of this role may read. */
  approles?: Record<string, { secretId: string; paths: string[] }>;
  /** Kubernetes auth roles: role → the service-account JWT it accepts and its paths. */
  kubernetes?: Record<string, { jwt: string; paths: string[] }>;
  /** Lease of login tokens in seconds (default 3600). */
  tokenTtl?: number;
  /** Whether login tokens can be renewed (default true). */
  renewable?: boolean;
  /** Vault Enterprise namespace every request must name in `X-Vault-Namespace`; none when unset. */
  namespace?: string;
}

interface IssuedToken {
  paths: string[];
  /** Epoch ms; Infinity for a static token. */
  expires: number;
  ttl: number;
  renewable: boolean;
}

export interface VaultServer extends LoopbackServer {
  /** Writes a KV v2 entry at `<mount>/<path>` (e.g. `secret/credflow/main/DB`), a new version each time. */
  put(path: string, data: Record<string, unknown>): void;
  /** Answers the next `count` KV reads with `status` (429 throttling, 503 sealed, ...). */
  failNext(count: number, status: number): void;
  /** Revokes every token issued by a login (as `vault token revoke` would). */
  revokeLogins(): void;
  /** Requests counted by kind. */
  readonly counts: { reads: number; logins: number; renewals: number };
  /** Every token a login handed out, in order (for leak scans). */
  readonly loginTokens: string[];
}

/**
 * A loopback server speaking the parts of Vault's HTTP API credflow uses,
 * checked as Vault checks them: KV version 2 reads
 * (`GET /v1/<mount>/data/<path>`, 404 for a missing entry) with an
 * `X-Vault-Token` that must be known, unexpired and allowed the path by its
 * policy (else 403 `permission denied`), AppRole and Kubernetes logins (400
 * for a wrong secret id or JWT), `renew-self`, and `X-Vault-Namespace` when
 * the server is a namespace. Answers have Vault's shape (`data.data`,
 * `data.metadata`, `auth.client_token`, `lease_duration`), so Vault's own
 * clients read them.
 * @see https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2
 * @see https://developer.hashicorp.com/vault/api-docs/auth/approle
 */
export async function startVaultServer(options: VaultServerOptions = {}): Promise<VaultServer> {
  const kv = new Map<string, { data: Record<string, unknown>; version: number; created: string }>();
  const issued = new Map<string, IssuedToken>();
  for (const [t, { paths }] of Object.entries(options.tokens ?? {})) {
    issued.set(t, { paths, expires: Number.POSITIVE_INFINITY, ttl: 0, renewable: false });
  }
  const counts = { reads: 0, logins: 0, renewals: 0 };
  const loginTokens: string[] = [];
  const faults: number[] = [];
  const ttl = options.tokenTtl ?? 3600;
  const renewable = options.renewable ?? true;
  const errors = (res: ServerResponse, status: number, ...messages: string[]) =>
    sendJson(res, status, { errors: messages });
  const envelope = (extra: Record<string, unknown>) => ({
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...extra,
  });
  const login = (res: ServerResponse, paths: string[], policies: string[]) => {
    counts.logins++;
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    loginTokens.push(token);
    issued.set(token, { paths, expires: Date.now() + ttl * 1000, ttl, renewable });
    sendJson(
      res,
      200,
      envelope({
        auth: {
          client_token: token,
          accessor: randomBytes(12).toString('base64url'),
          policies: ['default', ...policies],
          token_policies: ['default', ...policies],
          metadata: {},
          lease_duration: ttl,
          renewable,
          entity_id: randomUUID(),
          token_type: 'service',
          orphan: true,
        },
      }),
    );
  };
  const tokenOf = (req: IncomingMessage): IssuedToken | undefined => {
    const t = issued.get(String(req.headers['x-vault-token'] ?? ''));
    return t && t.expires > Date.now() ? t : undefined;
  };
  const json = async (req: IncomingMessage): Promise<Record<string, unknown> | undefined> => {
    try {
      const v = JSON.parse(await readBody(req)) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (options.namespace !== undefined && req.headers['x-vault-namespace'] !== options.namespace) {
      // Outside its namespace the mount and the role do not exist.
      return errors(res, url.pathname.includes('/login') ? 400 : 403, 'permission denied');
    }
    const p = url.pathname;
    if (req.method === 'POST' && p === '/v1/auth/approle/login') {
      const b = await json(req);
      const role = Object.entries(options.approles ?? {}).find(([id]) => id === b?.role_id)?.[1];
      if (!role || typeof b?.secret_id !== 'string' || b.secret_id !== role.secretId) {
        return errors(res, 400, 'invalid role or secret ID');
      }
      return login(res, role.paths, ['approle']);
    }
    if (req.method === 'POST' && p === '/v1/auth/kubernetes/login') {
      const b = await json(req);
      const role = Object.entries(options.kubernetes ?? {}).find(([r]) => r === b?.role)?.[1];
      if (!role || b?.jwt !== role.jwt) return errors(res, 403, 'permission denied');
      return login(res, role.paths, ['kubernetes']);
    }
    if (req.method === 'POST' && p === '/v1/auth/token/renew-self') {
      await readBody(req);
      const key = String(req.headers['x-vault-token'] ?? '');
      const t = tokenOf(req);
      if (!t) return errors(res, 403, 'permission denied');
      if (!t.renewable) return errors(res, 400, 'lease is not renewable');
      counts.renewals++;
      t.expires = Date.now() + t.ttl * 1000;
      return sendJson(
        res,
        200,
        envelope({ auth: { client_token: key, lease_duration: t.ttl, renewable: true, policies: ['default'] } }),
      );
    }
    const m = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(p);
    if (req.method === 'GET' && m) {
      counts.reads++;
      const t = tokenOf(req);
      const path = `${m[1]}/data/${decodeURIComponent(m[2] ?? '')}`;
      if (!t?.paths.some((allowed) => path.startsWith(allowed))) return errors(res, 403, 'permission denied');
      const fault = faults.shift();
      if (fault !== undefined)
        return errors(res, fault, fault === 429 ? 'rate limit quota exceeded' : 'Vault is sealed');
      const entry = kv.get(`${m[1]}/${decodeURIComponent(m[2] ?? '')}`);
      if (!entry) return errors(res, 404);
      return sendJson(
        res,
        200,
        envelope({
          data: {
            data: entry.data,
            metadata: {
              created_time: entry.created,
              custom_metadata: null,
              deletion_time: '',
              destroyed: false,
              version: entry.version,
            },
          },
        }),
      );
    }
    return errors(res, 404);
  });

  return {
    ...server,
    put(path, data) {
      const version = (kv.get(path)?.version ?? 0) + 1;
      kv.set(path, { data, version, created: new Date().toISOString() });
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) faults.push(status);
    },
    revokeLogins() {
      for (const [k, t] of issued) if (t.expires !== Number.POSITIVE_INFINITY) issued.delete(k);
    },
    counts,
    loginTokens,
  };
}
