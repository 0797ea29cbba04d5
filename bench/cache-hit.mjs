// Cache hit, side by side in one process: CredentialStore.getToken on a warm
// cache against the physical floor (a Map.get and an expiry check behind an
// async function, since getToken returns a promise) and against the cached
// paths of its peers: google-auth-library's OAuth2Client.getAccessToken(),
// @azure/msal-node's acquireTokenByClientCredential() (against a loopback
// token endpoint, see shared/NOTES.md) and @octokit/auth-app's auth().
// Then a refresh-boundary run: getToken latency while tokens roll over every
// few seconds against a slow token endpoint.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { readBody, sendJson, startGitHubApiServer, startLoopbackServer } from '@credflow/testkit';
import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { OAuth2Client } from 'google-auth-library';
import { Bench } from 'tinybench';

const TENANT = '00000000-0000-4000-8000-000000000001';
const MS_HOST = 'login.microsoftonline.com';

/** MSAL configured for a loopback token endpoint, no network (shared/NOTES.md, "Peers on loopback"). */
async function msalOnLoopback() {
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `msal-${requests}-abcdef`,
    });
  });
  const authority = `https://${MS_HOST}/${TENANT}`;
  const forward = async (_url, options = {}) => {
    const r = await fetch(`${server.url}/token`, { method: 'POST', headers: options.headers, body: options.body });
    return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.json() };
  };
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: 'bench-client',
      clientSecret: 'bench-secret-value',
      authority,
      knownAuthorities: [MS_HOST],
      authorityMetadata: JSON.stringify({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        issuer: `${authority}/v2.0`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: MS_HOST, preferred_cache: MS_HOST, aliases: [MS_HOST] }],
      }),
    },
    system: { networkClient: { sendGetRequestAsync: forward, sendPostRequestAsync: forward } },
  });
  const params = { scopes: ['api://bench/.default'] };
  return {
    acquire: () => app.acquireTokenByClientCredential(params),
    get requests() {
      return requests;
    },
    close: () => server.close(),
  };
}

export async function cacheHitBench() {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pem = String(key.export({ type: 'pkcs8', format: 'pem' }));
  const gh = await startGitHubApiServer({
    appId: 1,
    publicKey: String(createPublicKey(key).export({ type: 'spki', format: 'pem' })),
    installations: [
      { id: 7, account: { login: 'o', type: 'Organization' }, permissions: { contents: 'read' }, repositories: ['r'] },
    ],
  });
  const msal = await msalOnLoopback();
  try {
    const store = CredentialStore.fromYaml(
      `credentials:\n  gh: { type: github_app, baseUrl: "${gh.url}", appId: 1, privateKey: { secret: K }, installationId: 7 }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_K: Buffer.from(pem).toString('base64') } })] },
    );
    const scope = { tenantId: 'main', namespace: 'company.team' };
    await store.getToken('gh', scope);
    const octokit = createAppAuth({ appId: 1, privateKey: pem, request: request.defaults({ baseUrl: gh.url }) });
    await octokit({ type: 'installation', installationId: 7 });
    const google = new OAuth2Client();
    google.setCredentials({ access_token: 'ya29.bench-token', expiry_date: Date.now() + 3_600_000 });
    await google.getAccessToken();
    await msal.acquire();
    const msalFirst = (await msal.acquire()).accessToken;
    const map = new Map([
      ['main\u0000company.team\u0000gh', { token: 'ghs_x', expiresAt: performance.now() + 3_600_000 }],
    ]);
    const floorAsync = async (k) => {
      const e = map.get(k);
      return e !== undefined && performance.now() < e.expiresAt ? e.token : undefined;
    };
    const floorSync = (k) => {
      const e = map.get(k);
      return e !== undefined && performance.now() < e.expiresAt ? e.token : undefined;
    };
    const mintsBefore = gh.mints;
    const msalBefore = msal.requests;
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench
      .add('floor: async Map.get + expiry check', () => floorAsync('main\u0000company.team\u0000gh'))
      .add('credflow: store.getToken (warm cache)', () => store.getToken('gh', scope))
      .add('google-auth-library: OAuth2Client.getAccessToken() (cached)', () => google.getAccessToken())
      .add('@azure/msal-node: acquireTokenByClientCredential() (cached)', () => msal.acquire())
      .add("@octokit/auth-app: auth({ type: 'installation' }) (cached)", () =>
        octokit({ type: 'installation', installationId: 7 }),
      )
      .add('(info) sync Map.get + expiry check', () => floorSync('main\u0000company.team\u0000gh'));
    await bench.run();
    if (gh.mints !== mintsBefore) throw new Error('a cache-hit benchmark minted a GitHub token');
    if (msal.requests !== msalBefore || (await msal.acquire()).accessToken !== msalFirst) {
      throw new Error('MSAL did not serve from its cache: its figure would not be a cache hit');
    }
    return { bench };
  } finally {
    await msal.close();
    await gh.close();
  }
}

/**
 * getToken latency across refresh boundaries: tokens live 4 s with
 * refreshBeforeExpiry PT2S and the token endpoint takes 200 ms, so every
 * ~2 s a refresh runs while callers keep calling.
 */
export async function refreshBoundaryBench({ seconds = 10, lifetimeS = 4, endpointMs = 200 } = {}) {
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    await new Promise((r) => setTimeout(r, endpointMs));
    sendJson(res, 200, { access_token: `rolling-${requests}-abcdef`, token_type: 'Bearer', expires_in: lifetimeS });
  });
  try {
    const store = CredentialStore.fromYaml(
      `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: c, clientSecret: { secret: S }, cache: { refreshBeforeExpiry: PT2S } }\n`,
      {
        secretProviders: [
          new EnvSecretProvider({ env: { SECRET_S: Buffer.from('bench-secret-value').toString('base64') } }),
        ],
        logger: { warn: () => {} },
      },
    );
    await store.getToken('api');
    const latencies = [];
    const tokens = new Set();
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      tokens.add(await store.getToken('api'));
      latencies.push(performance.now() - t0);
      // ~1,000 calls a second, leaving the event loop free for the refresh's I/O.
      if (latencies.length % 20 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      calls: latencies.length,
      p50: at(0.5),
      p99: at(0.99),
      max: latencies.at(-1),
      waited: latencies.filter((ms) => ms >= endpointMs / 2).length,
      tokens: tokens.size,
      requests: requests - 1,
      seconds,
      lifetimeS,
      endpointMs,
    };
  } finally {
    await server.close();
  }
}

/**
 * Observability overhead on the cache-hit path (SPEC section 9, issue 21):
 * `store.getToken` on a warm cache with @opentelemetry/api and no SDK
 * registered (a no-op), and with an SDK registered (tracer and meter
 * providers, a context manager), each side by side with the same call on
 * the core of the commit before instrumentation (`baseline-core.mjs`).
 * A hit only increments a counter cell that an observable counter reads
 * at collection, so both should sit within noise of the baseline.
 */
export async function otelOverheadBench() {
  const { metrics, trace, context } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(
    '@opentelemetry/sdk-trace-base'
  );
  const { baselineCore } = await import('./baseline-core.mjs');
  const baseline = await baselineCore();
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    sendJson(res, 200, { access_token: `otel-bench-${requests}-abcdef`, token_type: 'Bearer', expires_in: 3600 });
  });
  const yaml = `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: c, clientSecret: { secret: S } }\n`;
  const env = { SECRET_S: Buffer.from('bench-secret-value').toString('base64') };
  const scope = { tenantId: 'main', namespace: 'company.team' };
  const make = (core) =>
    core.CredentialStore.fromYaml(yaml, { secretProviders: [new core.EnvSecretProvider({ env })] });
  try {
    const ours = make({ CredentialStore, EnvSecretProvider });
    const before = baseline ? make(baseline.module) : undefined;
    await ours.getToken('api', scope);
    await before?.getToken('api', scope);
    const pair = async (label) => {
      const bench = new Bench({ time: 1500, warmupTime: 300 });
      if (before)
        bench.add(`baseline: getToken before instrumentation (${baseline.rev})`, () => before.getToken('api', scope));
      bench.add(`credflow: getToken, ${label}`, () => ours.getToken('api', scope));
      await bench.run();
      return bench;
    };
    const noop = await pair('API, no SDK registered (no-op)');
    class Reader extends MetricReader {
      async onForceFlush() {}
      async onShutdown() {}
    }
    const reader = new Reader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    let sdk;
    let hitsCounted = 0;
    try {
      await ours.test('api'); // a mint: the instruments are made again for this SDK (the metrics API has no proxy)
      sdk = await pair('SDK registered (tracer, meter, context manager)');
      const { resourceMetrics } = await reader.collect();
      for (const m of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
        if (m.descriptor.name === 'credflow.token.cache_hits') for (const p of m.dataPoints) hitsCounted += p.value;
      }
    } finally {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    }
    if (requests !== (before ? 3 : 2))
      throw new Error(`the overhead bench minted ${requests} tokens: not a cache-hit figure`);
    if (hitsCounted === 0)
      throw new Error('the SDK saw no cache hits: the instrumented figure would not be instrumented');
    return { noop, sdk, baseline: before !== undefined, hitsCounted };
  } finally {
    await server.close();
  }
}
