import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type LoopbackServer, sendJson, startLoopbackServer } from './loopback-server.js';
import { createTestCa } from './test-ca.js';

export interface AzureKeyVaultServerOptions {
  /** The Entra tenant named in the bearer challenge. */
  tenantId: string;
  /** The managed identity's `X-IDENTITY-HEADER` secret (App Service). */
  identityHeader: string;
  /** Secret names tokens may read (Key Vault names, `-` not `_`); others get 403. */
  allow: string[];
}

export interface AzureKeyVaultServer {
  /** `https://127.0.0.1:PORT`: the vault URL. */
  vaultUrl: string;
  /** PEM of the CA that issued the vault's certificate: what `NODE_EXTRA_CA_CERTS` should name. */
  caCert: string;
  /** The managed identity endpoint (`IDENTITY_ENDPOINT`), plain http on loopback as App Service's is. */
  identityEndpoint: string;
  /** Adds a version of a secret. */
  put(name: string, value: string): void;
  /** Answers the next `count` authorized reads of secret `name` with `status` (429 throttled, 503). */
  failNext(name: string, count: number, status: 429 | 503): void;
  readonly counts: { challenges: number; tokens: number; reads: number };
  close(): Promise<void>;
}

const RESOURCE = 'https://vault.azure.net';

/**
 * A loopback Azure Key Vault (secrets REST API 7.x) over HTTPS with a
 * certificate from an in-memory test CA, and an App Service managed identity
 * endpoint. Checked as Azure checks them: a request without a token gets 401
 * with the `WWW-Authenticate: Bearer authorization=..., resource=...`
 * challenge the SDK must follow; a read needs a bearer token the identity
 * endpoint issued for resource `https://vault.azure.net` (which needs the
 * right `X-IDENTITY-HEADER`), unexpired; errors are Key Vault's
 * `{ error: { code, message } }` (`SecretNotFound`, `Forbidden`, `Throttled`).
 * @see https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret
 * @see https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference
 */
export async function startAzureKeyVaultServer(options: AzureKeyVaultServerOptions): Promise<AzureKeyVaultServer> {
  const ca = createTestCa('credflow test Key Vault CA');
  const leaf = ca.issue({ commonName: '127.0.0.1', usage: 'server', hosts: ['127.0.0.1', 'localhost'] });
  const secrets = new Map<string, string[]>();
  const tokens = new Map<string, number>();
  const faults = new Map<string, number[]>();
  const counts = { challenges: 0, tokens: 0, reads: 0 };

  const identity: LoopbackServer = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers['x-identity-header'] !== options.identityHeader) {
      return sendJson(res, 401, { statusCode: 401, message: 'X-IDENTITY-HEADER is missing or wrong' });
    }
    const resource = url.searchParams.get('resource') ?? '';
    if (url.searchParams.get('api-version') !== '2019-08-01' || resource.replace(/\/$/, '') !== RESOURCE) {
      return sendJson(res, 400, { statusCode: 400, message: 'unexpected api-version or resource' });
    }
    counts.tokens++;
    const token = `eyJ.${randomBytes(24).toString('base64url')}`;
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    tokens.set(token, expiresOn * 1000);
    sendJson(res, 200, { access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer' });
  });

  const vault: Server = createHttpsServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const m = /^\/secrets\/([0-9A-Za-z-]{1,127})\/?([0-9a-f]*)$/.exec(url.pathname);
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { error: { code, message } }, headers);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expires = bearer === undefined ? undefined : tokens.get(bearer);
    if (expires === undefined || expires < Date.now()) {
      counts.challenges++;
      return error(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', {
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${options.tenantId}", resource="${RESOURCE}"`,
      });
    }
    if (req.method !== 'GET' || !m || !url.searchParams.get('api-version')) {
      return error(400, 'BadParameter', 'unsupported request');
    }
    counts.reads++;
    const name = m[1] ?? '';
    const fault = faults.get(name)?.shift();
    if (fault === 429)
      return error(429, 'Throttled', 'Request was not processed because too many requests were received.');
    if (fault !== undefined) return error(fault, 'ServiceUnavailable', 'The service is unavailable.');
    if (!options.allow.includes(name)) {
      return error(403, 'Forbidden', `The user, group or application does not have secrets get permission.`);
    }
    const list = secrets.get(name);
    if (!list?.length)
      return error(404, 'SecretNotFound', `A secret with (name/id) ${name} was not found in this key vault.`);
    const version = String(list.length).padStart(32, '0');
    sendJson(res, 200, {
      value: list.at(-1),
      id: `https://${req.headers.host}/secrets/${name}/${version}`,
      attributes: {
        enabled: true,
        created: 1_700_000_000,
        updated: 1_700_000_000,
        recoveryLevel: 'Recoverable+Purgeable',
      },
      tags: {},
    });
  });
  vault.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => vault.listen(0, '127.0.0.1', resolve));
  const { port } = vault.address() as AddressInfo;

  return {
    vaultUrl: `https://127.0.0.1:${port}`,
    caCert: ca.cert,
    identityEndpoint: `${identity.url}/msi/token`,
    put(name, value) {
      secrets.set(name, [...(secrets.get(name) ?? []), value]);
    },
    failNext(name, count, status) {
      faults.set(name, [...(faults.get(name) ?? []), ...Array.from({ length: count }, () => status)]);
    },
    counts,
    async close() {
      vault.closeAllConnections();
      await new Promise<void>((resolve) => vault.close(() => resolve()));
      await identity.close();
    },
  };
}
