import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { isSecureOrLoopbackUrl } from '../config/loopback.js';
import { DiscoveryError } from '../errors.js';
import { lazily } from '../lazily.js';
import { boundedRequest, isRedirect, safeUrl } from './bounded-request.js';

/** A URL credflow may send credentials to: https, or http on loopback. */
const secureUrl = lazily(() =>
  z.string().refine((u) => URL.canParse(u) && isSecureOrLoopbackUrl(new URL(u)), 'must be an https:// URL'),
);

/**
 * The metadata fields credflow uses, checked at the edge; other fields are
 * kept out.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 */
const metadataSchema = lazily(() =>
  z.object({
    issuer: z.string(),
    token_endpoint: secureUrl(),
    token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()).optional(),
    grant_types_supported: z.array(z.string()).optional(),
    tls_client_certificate_bound_access_tokens: z.boolean().optional(),
    mtls_endpoint_aliases: z.object({ token_endpoint: secureUrl().optional() }).optional(),
  }),
);

/** Authorization server metadata, as far as credflow reads it. */
export interface ServerMetadata {
  issuer: string;
  tokenEndpoint: string;
  /** RFC 8705 section 5: where mTLS clients send token requests, when the server has a separate one. */
  mtlsTokenEndpoint?: string;
  /** RFC 8414 `token_endpoint_auth_methods_supported`; absent means `client_secret_basic` only. */
  authMethods?: string[];
  authSigningAlgs?: string[];
  grantTypes?: string[];
  /** RFC 8705 section 3.3: the server issues certificate-bound access tokens. */
  certificateBoundTokens: boolean;
  /** The URL the document came from. */
  source: string;
}

/** How long discovered metadata is kept in memory. */
export const METADATA_TTL_MS = 3_600_000;
const MAX_ENTRIES = 1000;
const cache = new Map<string, { at: number; metadata: Promise<ServerMetadata> }>();

/** Forgets every cached metadata document (tests; a host that knows the server changed). */
export function clearDiscoveryCache(): void {
  cache.clear();
}

/**
 * The two well-known URLs of an issuer, in the order asked: RFC 8414's
 * (`/.well-known/oauth-authorization-server` inserted before the issuer's
 * path), then OpenID Connect Discovery's (`/.well-known/openid-configuration`
 * appended to it).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export function metadataUrls(issuer: string): [string, string] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  return [
    `${u.origin}/.well-known/oauth-authorization-server${path}`,
    `${u.origin}${path}/.well-known/openid-configuration`,
  ];
}

export interface DiscoverOptions {
  credential: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** Monotonic now, for the cache's lifetime. */
  now: number;
}

/**
 * Discovers an authorization server's metadata from its issuer identifier
 * and keeps it in memory for {@link METADATA_TTL_MS} (concurrent callers
 * share one fetch; a failure is not kept). Each request is bounded as token
 * requests are: no redirect followed, the credential's timeout, 1 MiB cap.
 * The document's `issuer` must equal the configured one.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function discoverMetadata(issuer: string, options: DiscoverOptions): Promise<ServerMetadata> {
  const hit = cache.get(issuer);
  if (hit && options.now - hit.at < METADATA_TTL_MS) return hit.metadata;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const metadata = fetchMetadata(issuer, options);
  cache.set(issuer, { at: options.now, metadata });
  metadata.catch(() => {
    if (cache.get(issuer)?.metadata === metadata) cache.delete(issuer);
  });
  return metadata;
}

async function fetchMetadata(issuer: string, o: DiscoverOptions): Promise<ServerMetadata> {
  const tried: string[] = [];
  const fail = (message: string, cause?: unknown) =>
    new DiscoveryError(o.credential, issuer, message, cause === undefined ? undefined : { cause });
  for (const url of metadataUrls(issuer)) {
    let outcome: Awaited<ReturnType<typeof boundedRequest>>;
    try {
      outcome = await boundedRequest(url, {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'credflow' },
        timeoutMs: o.timeoutMs,
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? 'error';
      throw fail(`cannot fetch metadata from ${safeUrl(url)}: network error ${code}`, err);
    }
    if (outcome.kind === 'refused') throw fail(`refused to fetch metadata from ${safeUrl(url)}: ${outcome.reason}`);
    if (outcome.kind === 'timeout') throw fail(`metadata request to ${safeUrl(url)} timed out`);
    const where = `${safeUrl(url)}: HTTP ${outcome.status}`;
    if (isRedirect(outcome.status)) {
      tried.push(`${where} (a redirect, not followed)`);
      continue;
    }
    if (outcome.status < 200 || outcome.status >= 300 || outcome.tooLarge) {
      tried.push(outcome.tooLarge ? `${where}, body over 1 MiB` : where);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(outcome.body.toString('utf8'));
    } catch {
      tried.push(`${where}, not JSON (content-type ${outcome.contentType})`);
      continue;
    }
    const parsed = metadataSchema().safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail(
        `metadata at ${safeUrl(url)} is unusable: ${issue?.path.join('.') || 'document'} ${issue?.message ?? ''}`,
      );
    }
    const m = parsed.data;
    if (m.issuer !== issuer) {
      // RFC 8414 section 3.3: a document for another issuer must not be used.
      throw fail(
        `metadata at ${safeUrl(url)} names another issuer (RFC 8414 section 3.3): check the issuer URL exactly, trailing slash included`,
      );
    }
    return {
      issuer: m.issuer,
      tokenEndpoint: m.token_endpoint,
      ...(m.mtls_endpoint_aliases?.token_endpoint ? { mtlsTokenEndpoint: m.mtls_endpoint_aliases.token_endpoint } : {}),
      ...(m.token_endpoint_auth_methods_supported ? { authMethods: m.token_endpoint_auth_methods_supported } : {}),
      ...(m.token_endpoint_auth_signing_alg_values_supported
        ? { authSigningAlgs: m.token_endpoint_auth_signing_alg_values_supported }
        : {}),
      ...(m.grant_types_supported ? { grantTypes: m.grant_types_supported } : {}),
      certificateBoundTokens: m.tls_client_certificate_bound_access_tokens === true,
      source: safeUrl(url),
    };
  }
  throw fail(`no authorization server metadata found (${tried.join('; ')})`);
}
