import type { KeyObject } from 'node:crypto';

/** JWS algorithms credflow signs assertions with (RFC 7518 section 3.1, RFC 8037). */
export const SIGNING_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Describes a key without any of its material, e.g. `an EC P-384 key`. */
export function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'rsa' || type === 'rsa-pss')
    return `an RSA key of ${key.asymmetricKeyDetails?.modulusLength ?? '?'} bits`;
  if (type === 'ec') {
    const c = key.asymmetricKeyDetails?.namedCurve ?? '?';
    return `an EC ${CURVE_NAMES[c] ?? c} key`;
  }
  return `an ${type === 'ed25519' || type === 'ed448' ? type.replace('ed', 'Ed') : type} key`;
}

/** Why `key` cannot sign with `alg`, or `undefined` when it can. */
export function keyMismatch(key: KeyObject, alg: SigningAlgorithm): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa' && !(type === 'rsa-pss' && alg.startsWith('PS'))) return `${alg} needs an RSA key`;
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return `${alg} needs an RSA key of at least 2048 bits`;
    return undefined;
  }
  if (alg === 'EdDSA')
    return type === 'ed25519' || type === 'ed448' ? undefined : 'EdDSA needs an Ed25519 or Ed448 key';
  const curve = CURVES[alg];
  if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve) {
    return `${alg} needs an EC ${CURVE_NAMES[curve ?? ''] ?? ''} key`;
  }
  return undefined;
}
