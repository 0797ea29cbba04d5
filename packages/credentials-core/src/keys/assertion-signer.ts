import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';
import type { SigningAlgorithm } from './algorithms.js';
import { certificateThumbprints, type Thumbprints } from './certificate.js';
import { importPrivateKey } from './private-key.js';

export interface SignerOptions {
  credential: string;
  algorithm: SigningAlgorithm;
  privateKey: SecretRef;
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
}
