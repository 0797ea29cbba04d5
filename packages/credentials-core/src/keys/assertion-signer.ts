import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { SecretRef } from '../config/secret-ref.js';
import { SignerError } from '../errors.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';
import type { SigningAlgorithm } from './algorithms.js';
import { certificateThumbprints, type Thumbprints } from './certificate.js';
import { type ExternalSigner, signWithExternal } from './external-signer.js';
import { importPrivateKey } from './private-key.js';

export interface SignerOptions {
  credential: string;
  algorithm: SigningAlgorithm;
  /** The key, from the secret store; or, instead, {@link signer}. */
  privateKey?: SecretRef;
  /** Name of a host-provided signer (KMS, HSM): no key in credflow. */
  signer?: string;
  /** Finds a signer by name (the store's `signers` option). */
  signers?: (name: string) => ExternalSigner | undefined;
  certificate?: SecretRef;
  keyId?: string | SecretRef;
  /** Assertion lifetime in ms. */
  lifetimeMs: number;
  secrets: SecretResolver;
  clock: Clock;
  /** Hears each assertion as it is signed (for masking). */
  sensitive?: (value: string) => void;
}

/** Claims of one assertion besides `iat`, `exp` and `jti`, which the signer sets. */
export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  [claim: string]: unknown;
}

/** jose loads on first signing (start-up of commands that sign nothing stays small). */
let jose: Promise<typeof import('jose')> | undefined;
function loadJose(): Promise<typeof import('jose')> {
  jose ??= import('jose');
  return jose;
}

interface Loaded {
  material: string;
  certificate: string | undefined;
  key: KeyObject;
  thumbprints: Thumbprints | undefined;
}

/**
 * Signs JWT assertions (RFC 7523 section 3) with a key from the secret store.
 * The secrets are read at each signing, so a rotated key is picked up, but a
 * key is imported (and its certificate parsed) only when its text changes,
 * not once per token.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export class AssertionSigner {
  readonly #o: SignerOptions;
  #loaded: Loaded | undefined;
  #imports = 0;

  constructor(options: SignerOptions) {
    this.#o = options;
  }

  /** How many times a key was imported (diagnostics: once per key text, not per token). */
  get imports(): number {
    return this.#imports;
  }

  /** Reads a string field that may be given inline or as a secret reference. */
  async value(v: string | SecretRef): Promise<string> {
    return typeof v === 'string' ? v : this.#o.secrets.resolve(v, { sensitive: false });
  }

  async sign(claims: AssertionClaims): Promise<string> {
    const o = this.#o;
    if (o.privateKey === undefined) return this.#signExternally(claims);
    const material = await o.secrets.resolve(o.privateKey);
    const certificate = o.certificate ? await o.secrets.resolve(o.certificate) : undefined;
    let loaded = this.#loaded;
    if (!loaded || loaded.material !== material || loaded.certificate !== certificate) {
      const key = importPrivateKey(material, o.algorithm, o.credential);
      this.#imports++;
      loaded = {
        material,
        certificate,
        key,
        thumbprints: certificate ? certificateThumbprints(certificate, key, o.credential) : undefined,
      };
      this.#loaded = loaded;
    }
    const kid = o.keyId === undefined ? undefined : await this.value(o.keyId);
    const { SignJWT } = await loadJose();
    const now = Math.floor(o.clock.wallNow() / 1000);
    const { iss, sub, aud, ...rest } = claims;
    const assertion = await new SignJWT({ ...rest, jti: randomUUID() })
      .setProtectedHeader({ alg: o.algorithm, typ: 'JWT', ...(kid ? { kid } : {}), ...loaded.thumbprints })
      .setIssuer(iss)
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt(now)
      .setExpirationTime(now + Math.max(1, Math.round(o.lifetimeMs / 1000)))
      .sign(loaded.key);
    o.sensitive?.(assertion);
    return assertion;
  }

  /** Signs with the host's signer: same claims and headers, the signature comes from outside. */
  async #signExternally(claims: AssertionClaims): Promise<string> {
    const o = this.#o;
    const name = o.signer ?? '';
    const signer = o.signers?.(name);
    if (!signer) {
      throw new SignerError(o.credential, name, 'is not registered with the store (CredentialStore option `signers`)');
    }
    const certificate = o.certificate ? await o.secrets.resolve(o.certificate, { sensitive: false }) : undefined;
    const thumbprints = certificate ? certificateThumbprints(certificate, undefined, o.credential) : undefined;
    const kid = o.keyId === undefined ? signer.keyId : await this.value(o.keyId);
    const now = Math.floor(o.clock.wallNow() / 1000);
    const assertion = await signWithExternal(
      signer,
      name,
      o.credential,
      { typ: 'JWT', ...(kid ? { kid } : {}), ...thumbprints },
      {
        ...claims,
        jti: randomUUID(),
        iat: now,
        exp: now + Math.max(1, Math.round(o.lifetimeMs / 1000)),
      },
    );
    o.sensitive?.(assertion);
    return assertion;
  }
}
