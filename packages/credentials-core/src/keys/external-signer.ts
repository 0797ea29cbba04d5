import { SignerError } from '../errors.js';
import type { SigningAlgorithm } from './algorithms.js';

/**
 * A signer the host application provides, so that assertions
 * (`private_key_jwt`, `jwt_bearer`, the GitHub App JWT) are signed by a KMS
 * or HSM and no private key is ever in credflow: the counterpart of
 * octokit's `createJwt` and MSAL's `clientAssertion` callback, at the level
 * of the signature, so credflow still writes the claims (`iss`, `sub`,
 * `aud`, `iat`, `exp`, `jti`) and the cache still works.
 *
 * Registered with `new CredentialStore(config, { signers: { name: signer } })`
 * and named by a credential's `signer: name` (instead of `privateKey`).
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export interface ExternalSigner {
  /** JWS algorithm of the signatures (`alg` header), e.g. `RS256`, `PS256`, `ES256`. */
  readonly algorithm: SigningAlgorithm;
  /** `kid` header, when the server needs one (a credential's `keyId` takes precedence). */
  readonly keyId?: string;
  /**
   * Signs the JWS signing input (the ASCII bytes of
   * `BASE64URL(header).BASE64URL(payload)`) and returns the signature:
   * RSA signature bytes for `RS*`/`PS*`; for `ES*` either JOSE's `R || S`
   * or the DER `ECDSA-Sig-Value` a KMS returns (converted here); the raw
   * signature for `EdDSA`. The input holds no secret.
   */
  sign(signingInput: Uint8Array, context: { credential: string; algorithm: SigningAlgorithm }): Promise<Uint8Array>;
}

/** Signature lengths of ECDSA in JOSE form (RFC 7518 section 3.4). */
const ECDSA_SIZE: Partial<Record<SigningAlgorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 };

/** A DER `ECDSA-Sig-Value` (SEQUENCE of two INTEGERs) as JOSE's fixed-size `R || S`. */
export function derToJose(der: Uint8Array, size: number): Uint8Array | undefined {
  const b = Buffer.from(der);
  let i = 0;
  if (b[i++] !== 0x30) return undefined;
  let len = b[i++] ?? 0;
  if (len & 0x80) i += len & 0x7f;
  const out = Buffer.alloc(size);
  for (let part = 0; part < 2; part++) {
    if (b[i++] !== 0x02) return undefined;
    len = b[i++] ?? 0;
    let int = b.subarray(i, i + len);
    i += len;
    while (int.length > size / 2 && int[0] === 0) int = int.subarray(1);
    if (int.length > size / 2) return undefined;
    int.copy(out, (part + 1) * (size / 2) - int.length);
  }
  return out;
}

const b64url = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');

/**
 * Signs a compact JWS with an {@link ExternalSigner}. Whatever the signer
 * throws or returns that is not a signature becomes a {@link SignerError}
 * naming the credential and the signer, never quoting what it returned.
 */
export async function signWithExternal(
  signer: ExternalSigner,
  name: string,
  credential: string,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const alg = signer.algorithm;
  const input = `${b64url(JSON.stringify({ ...header, alg }))}.${b64url(JSON.stringify(payload))}`;
  let signature: Uint8Array;
  try {
    signature = await signer.sign(new TextEncoder().encode(input), { credential, algorithm: alg });
  } catch (err) {
    throw new SignerError(credential, name, `failed: ${(err as Error)?.name ?? 'error'}`, { cause: err });
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0) {
    throw new SignerError(credential, name, 'returned no signature (expected a Uint8Array)');
  }
  const size = ECDSA_SIZE[alg];
  if (size !== undefined && signature.length !== size) {
    const jose = derToJose(signature, size);
    if (!jose)
      throw new SignerError(credential, name, `returned a signature that is neither JOSE nor DER ECDSA for ${alg}`);
    signature = jose;
  }
  return `${input}.${b64url(signature)}`;
}
