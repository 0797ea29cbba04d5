// Minting: signing private_key_jwt and jwt_bearer assertions with the key
// imported once (credflow's AssertionSigner) against a naive signer that
// imports the PEM for every token.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { EnvSecretProvider } from '@credflow/credentials-core';
import { AssertionSigner, SecretResolver, systemClock } from '@credflow/credentials-core/internal';
import { importPKCS8, SignJWT } from 'jose';
import { Bench } from 'tinybench';

export async function mintingBench() {
  const keys = {
    RS256: String(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ),
    ES256: String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ),
  };
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  const pairs = [];
  for (const [alg, pem] of Object.entries(keys)) {
    const secrets = new SecretResolver([
      new EnvSecretProvider({ env: { SECRET_K: Buffer.from(pem).toString('base64') } }),
    ]);
    const signer = new AssertionSigner({
      credential: 'b',
      algorithm: alg,
      privateKey: { secret: 'K' },
      lifetimeMs: 300_000,
      secrets,
      clock: systemClock,
    });
    const aud = 'https://login.example.com/tenant/oauth2/v2.0/token';
    const naive = async (claims) => {
      const key = await importPKCS8(pem, alg);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims, jti: randomUUID() })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key);
    };
    const first = bench.tasks.length;
    bench
      .add(`private_key_jwt ${alg}: credflow (key imported once)`, () =>
        signer.sign({ iss: 'client', sub: 'client', aud }),
      )
      .add(`private_key_jwt ${alg}: naive (PEM imported per token)`, () => naive({ iss: 'client', sub: 'client', aud }))
      .add(`jwt_bearer ${alg}: credflow (key imported once)`, () =>
        signer.sign({
          iss: 'robot@p.iam.gserviceaccount.com',
          sub: 'robot@p.iam.gserviceaccount.com',
          aud,
          scope: 'https://www.googleapis.com/auth/cloud-platform',
        }),
      )
      .add(`jwt_bearer ${alg}: naive (PEM imported per token)`, () =>
        naive({
          iss: 'robot@p.iam.gserviceaccount.com',
          sub: 'robot@p.iam.gserviceaccount.com',
          aud,
          scope: 'https://www.googleapis.com/auth/cloud-platform',
        }),
      );
    pairs.push([`private_key_jwt ${alg}`, first, first + 1], [`jwt_bearer ${alg}`, first + 2, first + 3]);
    await signer.sign({ iss: 'x', sub: 'x', aud });
  }
  await bench.run();
  return { bench, pairs };
}

/**
 * Cold mint (issue 30): `store.getToken` with the cache off (every call is a
 * token request) against a loopback token endpoint, side by side with the
 * floor: an undici `request` POST of the same form and the same
 * `client_secret_basic` header to the same endpoint, its JSON body parsed.
 * Medians of interleaved rounds (alternating order), as the template bench.
 */
export async function coldMintBench({ rounds = 7, calls = 400 } = {}) {
  const { CredentialStore } = await import('@credflow/credentials-core');
  const { readBody, sendJson, startLoopbackServer } = await import('@credflow/testkit');
  // The undici core itself uses (a dependency of core, not of the repository root).
  const coreRequire = createRequire(new URL('../packages/credentials-core/package.json', import.meta.url));
  const { request } = await import(pathToFileURL(coreRequire.resolve('undici')).href);
  let requests = 0;
  const server = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    requests++;
    sendJson(res, 200, { access_token: `cold-${requests}-abcdef`, token_type: 'Bearer', expires_in: 3600 });
  });
  // As an IdP does: connections kept alive (the testkit's 1 s hint is under undici's 2 s threshold, so every request would connect anew).
  server.server.keepAliveTimeout = 30_000;
  const secret = 'bench-secret-value';
  const endpoint = `${server.url}/token`;
  try {
    const store = CredentialStore.fromYaml(
      `credentials:\n  api: { type: client_credentials, tokenEndpoint: "${endpoint}", clientId: c, clientSecret: { secret: S }, scopes: [read], cache: { enabled: false } }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from(secret).toString('base64') } })] },
    );
    const scope = { tenantId: 'main', namespace: 'company.team' };
    const basic = `Basic ${Buffer.from(`c:${secret}`).toString('base64')}`;
    const floor = async () => {
      const res = await request(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: basic,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }).toString(),
      });
      return (await res.body.json()).access_token;
    };
    const ours = () => store.getToken('api', scope);
    const time = async (fn) => {
      const samples = [];
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      return samples[samples.length >> 1];
    };
    for (let i = 0; i < 200; i++) {
      await floor();
      await ours();
    }
    const before = requests;
    const results = [];
    for (let r = 0; r < rounds; r++) {
      const f = r % 2 === 0 ? await time(floor) : undefined;
      const o = await time(ours);
      const f2 = f ?? (await time(floor));
      results.push({ floor: f2, ours: o, ratio: o / f2 });
    }
    if (requests - before !== rounds * calls * 2) throw new Error('a cold-mint call did not reach the token endpoint');
    const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return {
      floorMs: mid(results.map((x) => x.floor)),
      oursMs: mid(results.map((x) => x.ours)),
      ratio: mid(results.map((x) => x.ratio)),
      ratios: results.map((x) => x.ratio),
      rounds,
      calls,
    };
  } finally {
    await server.close();
  }
}
