import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { AssertionSigner } from '../../src/keys/assertion-signer.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { SecretResolver } from '../../src/secrets/secret-resolver.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/keys/${name}`, import.meta.url), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** `SHA256 Fingerprint=89:64:...` from openssl, as base64url: computed independently of credflow. */
function opensslThumbprint(file: string): string {
  const hex = fixture(file).split('=')[1]?.trim().replace(/:/g, '') ?? '';
  return Buffer.from(hex, 'hex').toString('base64url');
}

const clock: Clock = { now: () => 0, wallNow: () => 1_800_000_000_000 };

function signer(env: Record<string, string>, extra: Partial<ConstructorParameters<typeof AssertionSigner>[0]> = {}) {
  const secrets = new SecretResolver([new EnvSecretProvider({ env })]);
  return new AssertionSigner({
    credential: 'azure',
    algorithm: 'RS256',
    privateKey: { secret: 'KEY' },
    lifetimeMs: 300_000,
    secrets,
    clock,
    ...extra,
  });
}

describe('AssertionSigner', () => {
  it('sets every claim and header, with x5t#S256 and x5t matching openssl', async () => {
    const s = signer(
      { SECRET_KEY: b64(fixture('rsa-pkcs1.pem')), SECRET_CERT: b64(fixture('rsa-cert.pem')) },
      { certificate: { secret: 'CERT' }, keyId: 'key-1' },
    );
    const jwt = await s.sign({ iss: 'client-1', sub: 'client-1', aud: 'https://login.example/token', extra: 'x' });
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: 'key-1',
      'x5t#S256': opensslThumbprint('rsa-cert.sha256.txt'),
      x5t: opensslThumbprint('rsa-cert.sha1.txt'),
    });
    const claims = decodeJwt(jwt);
    expect(claims).toEqual({
      iss: 'client-1',
      sub: 'client-1',
      aud: 'https://login.example/token',
      iat: 1_800_000_000,
      exp: 1_800_000_300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      extra: 'x',
    });
    const key = createPublicKey(fixture('rsa-cert.pem'));
    await expect(jwtVerify(jwt, key, { currentDate: new Date(1_800_000_010_000) })).resolves.toBeTruthy();
  });

  it('gives each assertion a unique jti and imports the key once', async () => {
    const s = signer({ SECRET_KEY: b64(fixture('ec-p256-sec1.pem')) }, { algorithm: 'ES256' });
    const jtis = new Set<unknown>();
    for (let i = 0; i < 50; i++) jtis.add(decodeJwt(await s.sign({ iss: 'a', sub: 'a', aud: 'b' })).jti);
    expect(jtis.size).toBe(50);
    expect(s.imports).toBe(1);
  });

  it('re-imports when the secret changes (key rotation)', async () => {
    const env: Record<string, string> = { SECRET_KEY: b64(fixture('rsa-pkcs8.pem')) };
    const s = signer(env);
    await s.sign({ iss: 'a', sub: 'a', aud: 'b' });
    env.SECRET_KEY = b64(fixture('rsa-pkcs1.pem'));
    await s.sign({ iss: 'a', sub: 'a', aud: 'b' });
    await s.sign({ iss: 'a', sub: 'a', aud: 'b' });
    expect(s.imports).toBe(2);
  });

  it('reads keyId from a secret and refuses a certificate of another key', async () => {
    const s = signer(
      { SECRET_KEY: b64(fixture('rsa-pkcs8.pem')), SECRET_SA: b64(JSON.stringify({ private_key_id: 'abc123' })) },
      { keyId: { secret: 'SA', subkey: 'private_key_id' } },
    );
    expect(decodeProtectedHeader(await s.sign({ iss: 'a', sub: 'a', aud: 'b' })).kid).toBe('abc123');
    const other = signer(
      { SECRET_KEY: b64(fixture('ec-p256-sec1.pem')), SECRET_CERT: b64(fixture('rsa-cert.pem')) },
      { algorithm: 'ES256', certificate: { secret: 'CERT' } },
    );
    await expect(other.sign({ iss: 'a', sub: 'a', aud: 'b' })).rejects.toThrow(
      "credential 'azure': certificate does not belong to privateKey",
    );
  });
});
