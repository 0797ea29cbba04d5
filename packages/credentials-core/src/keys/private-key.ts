import { createPrivateKey, type KeyObject } from 'node:crypto';
import { KeyError } from '../errors.js';
import { describeKey, keyMismatch, type SigningAlgorithm } from './algorithms.js';

/**
 * Imports a private key from PEM (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE
 * KEY`, SEC1 `EC PRIVATE KEY`) or JWK JSON, and checks that it fits `alg`.
 * Errors describe the problem, never the key.
 */
export function importPrivateKey(
  material: string,
  alg: SigningAlgorithm,
  credential: string,
  field = 'privateKey',
): KeyObject {
  const text = material.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    if (text.startsWith('{')) {
      let jwk: Record<string, unknown>;
      try {
        jwk = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new KeyError(credential, `${field} looks like JSON but is not valid JSON`);
      }
      if (typeof jwk.d !== 'string') {
        throw new KeyError(credential, `${field} is a JWK without a private part ("d"): a public key cannot sign`);
      }
      key = createPrivateKey({ key: jwk as never, format: 'jwk' });
    } else if (/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
      if (text.includes('BEGIN ENCRYPTED PRIVATE KEY')) {
        throw new KeyError(credential, `${field} is an encrypted PEM key: store it unencrypted in the secret store`);
      }
      key = createPrivateKey({ key: text, format: 'pem' });
    } else if (text.includes('-----BEGIN')) {
      const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? 'unknown';
      throw new KeyError(credential, `${field} is a PEM '${label}', not a private key`);
    } else {
      throw new KeyError(credential, `${field} is neither a PEM private key nor a JWK (JSON)`);
    }
  } catch (err) {
    if (err instanceof KeyError) throw err;
    // Node's messages name formats and reasons, never key bytes.
    throw new KeyError(credential, `${field} cannot be imported (${(err as Error).message})`);
  }
  const mismatch = keyMismatch(key, alg);
  if (mismatch) {
    throw new KeyError(credential, `${field} does not fit algorithm ${alg}: ${mismatch}, got ${describeKey(key)}`);
  }
  return key;
}
