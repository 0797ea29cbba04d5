import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { SharedCacheKeyError } from './shared-cache-errors.js';

/** What a shared entry holds once opened: the token and what the cache needs to judge it. */
export interface SharedToken {
  readonly token: string;
  readonly tokenType: string;
  /** Lifetime at issue, in seconds. */
  readonly expiresIn: number;
  /** Expiry, epoch ms (wall clock: the only clock processes share). */
  readonly expiresAt: number;
  readonly scopes?: readonly string[];
}

/** Why an envelope could not be opened. */
export type OpenFailure = 'other-key' | 'invalid';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;

/**
 * Seals tokens for the shared cache (SPEC section 8): AES-256-GCM with a
 * fresh 96-bit IV per entry and the credential identity as associated data,
 * so an entry copied under another identity's key does not open. The
 * envelope is `v1.<key id>.<iv>.<ciphertext+tag>` (base64url); the key id is
 * derived from the key with HKDF, so entries sealed with another key are
 * recognised without trying them, and reveal nothing about the key.
 * Redis keys are SHA-256 hashes of the identity, never the identity.
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf
 */
export class TokenSealer {
  readonly #key: Buffer;
  readonly keyId: string;

  /** @param key 32 bytes: the `encryptionKey` secret, decoded. */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new SharedCacheKeyError(`the encryption key must be 32 bytes (got ${key.length})`);
    this.#key = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'credflow shared token cache v1 aes-256-gcm', 32));
    this.keyId = Buffer.from(
      hkdfSync('sha256', key, Buffer.alloc(0), 'credflow shared token cache v1 key id', KEY_ID_BYTES),
    ).toString('base64url');
  }

  /** Reads a key written as base64 (standard or url-safe) text; 32 bytes or {@link SharedCacheKeyError}. */
  static fromBase64(text: string): TokenSealer {
    const clean = text.trim();
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) {
      throw new SharedCacheKeyError(
        'the encryption key is not base64: expected 32 random bytes in base64 (openssl rand -base64 32)',
      );
    }
    const bytes = Buffer.from(clean.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length !== 32) {
      throw new SharedCacheKeyError(
        `the encryption key decodes to ${bytes.length} bytes: expected 32 random bytes in base64 (openssl rand -base64 32)`,
      );
    }
    return new TokenSealer(bytes);
  }

  /** Seals `token` for identity `id`. */
  seal(id: string, token: SharedToken): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(id));
    const body = {
      t: token.token,
      y: token.tokenType,
      i: token.expiresIn,
      e: token.expiresAt,
      ...(token.scopes ? { s: token.scopes } : {}),
    };
    const sealed = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.keyId}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** Opens an envelope of identity `id`: the token, or why not (never throws). */
  open(id: string, envelope: string): SharedToken | OpenFailure {
    const parts = envelope.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return 'invalid';
    const [, keyId = '', ivText = '', sealedText = ''] = parts;
    if (keyId !== this.keyId) return /^[A-Za-z0-9_-]{11}$/.test(keyId) ? 'other-key' : 'invalid';
    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length <= TAG_BYTES) return 'invalid';
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAAD(aad(id));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
      return parseBody(plain.toString('utf8'));
    } catch {
      return 'invalid'; // authentication failed: tampered, truncated, or sealed for another identity
    }
  }
}

function aad(id: string): Buffer {
  return Buffer.from(`credflow shared token v1\u0000${id}`, 'utf8');
}

function parseBody(text: string): SharedToken | 'invalid' {
  const b = JSON.parse(text) as Record<string, unknown>;
  const { t, y, i, e, s } = b;
  if (typeof t !== 'string' || t === '' || typeof y !== 'string' || typeof i !== 'number' || typeof e !== 'number') {
    return 'invalid';
  }
  if (s !== undefined && !(Array.isArray(s) && s.every((x) => typeof x === 'string'))) return 'invalid';
  return { token: t, tokenType: y, expiresIn: i, expiresAt: e, ...(s ? { scopes: s as string[] } : {}) };
}

/**
 * The shared cache's name for identity `id`: a SHA-256 hash, so no tenant,
 * namespace or credential key appears in the shared store.
 */
export function identityHash(id: string): string {
  return createHash('sha256').update(`credflow shared token v1\u0000${id}`, 'utf8').digest('base64url');
}
