import { randomBytes } from 'node:crypto';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';

export interface GcpSecretManagerServerOptions {
  /** The external subject token the STS endpoint accepts (what the ADC file's `credential_source` yields). */
  subjectToken: string;
  /** The workload identity audience the exchange must name. */
  audience: string;
  /** Secret resource prefixes tokens may read, e.g. `projects/p1/secrets/credflow-main-`. */
  allow: string[];
  /** Access token lifetime in seconds (default 3600). */
  expiresIn?: number;
}

export interface GcpSecretManagerServer extends LoopbackServer {
  /** `${url}/v1/token`: the `token_url` of an `external_account` ADC file. */
  tokenUrl: string;
  /** Adds a version of `projects/<project>/secrets/<id>`; `latest` is the newest. */
  put(project: string, secretId: string, value: string): void;
  /** Answers the next `count` access calls with HTTP `status` (429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE). */
  failNext(count: number, status: 429 | 503): void;
  /** Counts: token exchanges, access calls carrying a valid bearer token, calls refused for their token. */
  readonly counts: { exchanges: number; accesses: number; unauthenticated: number };
}

const STATUS: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

/**
 * A loopback Google Cloud Secret Manager (REST, v1) with its own Security
 * Token Service, checked as Google checks them: the STS endpoint is an RFC
 * 8693 token exchange that needs the expected subject token and audience,
 * and `GET /v1/projects/{p}/secrets/{s}/versions/{v}:access` needs an
 * `Authorization: Bearer` token that exchange issued and is unexpired (401
 * UNAUTHENTICATED otherwise) and a secret the caller may read (403
 * PERMISSION_DENIED). Errors are Google's JSON error envelope; payloads are
 * base64 with `dataCrc32c`, so the official client decodes them.
 * @see https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access
 * @see https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token
 */
export async function startGcpSecretManagerServer(
  options: GcpSecretManagerServerOptions,
): Promise<GcpSecretManagerServer> {
  const versions = new Map<string, string[]>();
  const tokens = new Map<string, number>();
  const faults: number[] = [];
  const counts = { exchanges: 0, accesses: 0, unauthenticated: 0 };
  const fail = (res: Parameters<typeof sendJson>[0], code: number, message: string) =>
    sendJson(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN' } });

  const server = await startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/token') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
      }
      if (form.get('subject_token') !== options.subjectToken || form.get('audience') !== options.audience) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'subject token or audience refused' });
      }
      counts.exchanges++;
      const token = `ya29.${randomBytes(24).toString('base64url')}`;
      const expiresIn = options.expiresIn ?? 3600;
      tokens.set(token, Date.now() + expiresIn * 1000);
      return sendJson(res, 200, {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: expiresIn,
      });
    }
    const m = /^\/v1\/(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/:]+):access$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      const expires = tokens.get(bearer);
      if (expires === undefined || expires < Date.now()) {
        counts.unauthenticated++;
        return fail(res, 401, 'Request had invalid authentication credentials.');
      }
      counts.accesses++;
      const secret = m[1] ?? '';
      const fault = faults.shift();
      if (fault !== undefined)
        return fail(res, fault, fault === 429 ? 'Quota exceeded.' : 'The service is unavailable.');
      if (!options.allow.some((p) => secret.startsWith(p))) {
        return fail(res, 403, `Permission 'secretmanager.versions.access' denied for resource '${secret}'.`);
      }
      const list = versions.get(secret);
      const n = m[2] === 'latest' ? (list?.length ?? 0) : Number(m[2]);
      const value = list?.[n - 1];
      if (value === undefined) return fail(res, 404, `Secret [${secret}] not found or has no versions.`);
      const data = Buffer.from(value, 'utf8');
      return sendJson(res, 200, {
        name: `${secret}/versions/${n}`,
        payload: { data: data.toString('base64'), dataCrc32c: String(crc32c(data)) },
      });
    }
    fail(res, 404, 'not found');
  });

  return {
    ...server,
    tokenUrl: `${server.url}/v1/token`,
    put(project, secretId, value) {
      const key = `projects/${project}/secrets/${secretId}`;
      versions.set(key, [...(versions.get(key) ?? []), value]);
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) faults.push(status);
    },
    counts,
  };
}

/** CRC32C (Castagnoli), as Secret Manager reports payload checksums. */
function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
