import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { KeyError } from '../../src/errors.js';
import type { SigningAlgorithm } from '../../src/keys/algorithms.js';
import { importPrivateKey } from '../../src/keys/private-key.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/keys/${name}`, import.meta.url), 'utf8');

async function roundTrip(material: string, alg: SigningAlgorithm) {
  const key = importPrivateKey(material, alg, 'k');
  const jwt = await new SignJWT({ x: 1 }).setProtectedHeader({ alg }).sign(key);
  const { createPublicKey } = await import('node:crypto');
  return (await jwtVerify(jwt, createPublicKey(key))).payload.x;
}

describe('importPrivateKey', () => {
  it.each([
    ['rsa-pkcs8.pem', 'RS256'],
    ['rsa-pkcs8.pem', 'RS384'],
    ['rsa-pkcs8.pem', 'RS512'],
    ['rsa-pkcs1.pem', 'RS256'],
    ['rsa-pkcs1.pem', 'PS256'],
    ['rsa-pkcs1.pem', 'PS384'],
    ['rsa-pkcs8.pem', 'PS512'],
    ['ec-p256-sec1.pem', 'ES256'],
    ['ec-p256-pkcs8.pem', 'ES256'],
    ['ec-p384-sec1.pem', 'ES384'],
    ['ec-p521-sec1.pem', 'ES512'],
    ['ed25519-pkcs8.pem', 'EdDSA'],
  ] as const)('imports %s for %s', async (file, alg) => {
    expect(await roundTrip(fixture(file), alg)).toBe(1);
  });

  it('imports JWK JSON and PEM with escaped newlines (as in JSON-encoded env values)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    expect(await roundTrip(JSON.stringify(await exportJWK(privateKey)), 'ES256')).toBe(1);
    expect(await roundTrip(fixture('rsa-pkcs8.pem').replace(/\n/g, '\\n'), 'RS256')).toBe(1);
  });

  it.each([
    ['ec-p256-sec1.pem', 'RS256', 'does not fit algorithm RS256: RS256 needs an RSA key, got an EC P-256 key'],
    [
      'rsa-pkcs8.pem',
      'ES256',
      'does not fit algorithm ES256: ES256 needs an EC P-256 key, got an RSA key of 2048 bits',
    ],
    ['ec-p256-sec1.pem', 'ES384', 'ES384 needs an EC P-384 key, got an EC P-256 key'],
    ['rsa-pkcs1.pem', 'EdDSA', 'EdDSA needs an Ed25519 or Ed448 key'],
    ['ed25519-pkcs8.pem', 'ES512', 'ES512 needs an EC P-521 key, got an Ed25519 key'],
  ] as const)('refuses %s for %s, clearly', (file, alg, message) => {
    expect(() => importPrivateKey(fixture(file), alg, 'gcp')).toThrow(message);
  });

  it('refuses short RSA keys, public keys, certificates, encrypted keys and garbage, without quoting them', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const cases: [string, string][] = [
      [String(small), 'needs an RSA key of at least 2048 bits'],
      [fixture('rsa-cert.pem'), "is a PEM 'CERTIFICATE', not a private key"],
      ['-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----', 'is an encrypted PEM key'],
      ['not a key at all', 'is neither a PEM private key nor a JWK (JSON)'],
      ['{"kty":"EC","crv":"P-256","x":"AAAA","y":"BBBB"}', 'is a JWK without a private part ("d")'],
      ['{"kty":', 'looks like JSON but is not valid JSON'],
      ['-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----', 'cannot be imported'],
    ];
    for (const [material, message] of cases) {
      let err: unknown;
      try {
        importPrivateKey(material, 'RS256', 'gcp');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KeyError);
      const e = err as KeyError;
      expect(e.code).toBe('ERR_KEY_INVALID');
      expect(e.message).toContain("credential 'gcp': privateKey");
      expect(e.message).toContain(message);
      const body = material.split('\n')[1] ?? material;
      if (body.length > 8) expect(e.message).not.toContain(body);
    }
  });
});
