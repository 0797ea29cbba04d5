// Minting: signing private_key_jwt and jwt_bearer assertions with the key
// imported once (credflow's AssertionSigner) against a naive signer that
// imports the PEM for every token.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
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
