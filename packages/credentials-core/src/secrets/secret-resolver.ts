import { isValidSecretName, type SecretRef } from '../config/secret-ref.js';
import { SecretInvalidError, SecretNotFoundError } from '../errors.js';
import { isFreshRead } from './fresh-reads.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

/** Options of a {@link SecretResolver}. */
export interface SecretResolverOptions {
  /** The scope the providers belong to, for messages: `tenant 'acme', namespace 'a.b'`. */
  scope?: string;
  /** Read past every cache (rotation, SPEC section 2). */
  fresh?: boolean;
}

/**
 * Asks providers in order for a secret and reads `subkey`s of JSON secrets.
 * Every value it hands out is reported to `onValue`, so callers can mask it.
 */
export class SecretResolver {
  readonly providers: readonly SecretProvider[];
  /** The scope named in messages, when known. */
  readonly scope: string | undefined;
  readonly #onValue: (value: string) => void;
  readonly #fresh: boolean;

  constructor(
    providers: readonly SecretProvider[],
    onValue: (value: string) => void = () => {},
    options: SecretResolverOptions = {},
  ) {
    this.providers = providers;
    this.#onValue = onValue;
    this.scope = options.scope;
    this.#fresh = options.fresh === true;
  }

  /** The same providers, read past their caches: what a retry after `invalid_client` uses. */
  fresh(): SecretResolver {
    return new SecretResolver(this.providers, this.#onValue, {
      ...(this.scope !== undefined ? { scope: this.scope } : {}),
      fresh: true,
    });
  }

  /**
   * Reads a secret's value; throws {@link SecretError} naming the secret,
   * never quoting it. `sensitive: false` (for a non-secret field such as an
   * issuer read from a service-account JSON) does not report the subkey's
   * value for masking; the whole secret is reported in any case.
   */
  async resolve(ref: SecretRef, options: { sensitive?: boolean } = {}): Promise<string> {
    const { secret: name, subkey } = ref;
    if (!isValidSecretName(name)) {
      throw new SecretInvalidError(
        name,
        // Whole or not at all: a name can be a rendered value (`secret(secret('X'))`), and a cut one escapes masking.
        `invalid secret name${name.length <= 80 ? ` '${name}'` : ` (${name.length} characters, not shown)`}: use letters, digits, '_', '.' and '-'`,
      );
    }
    let value: string | undefined;
    // A new object for every read (a provider may keep or change what it is given).
    const read: SecretReadOptions = {};
    if (this.#fresh || isFreshRead()) read.fresh = true;
    if (this.scope !== undefined) read.scope = this.scope;
    for (const p of this.providers) {
      value = await p.get(name, read);
      if (value !== undefined) break;
    }
    if (value === undefined) {
      const where = this.providers.map((p) => p.description).join(', ') || 'no providers configured';
      throw new SecretNotFoundError(
        name,
        `Cannot find secret '${name}' (looked in: ${where}).${this.scope ? ` Scope: ${this.scope}.` : ''}`,
      );
    }
    this.#onValue(value);
    if (subkey === undefined) return value;
    return this.#subkey(name, value, subkey, options.sensitive !== false);
  }

  #subkey(name: string, value: string, subkey: string, sensitive: boolean): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SecretInvalidError(name, `secret '${name}' is not JSON, so subkey '${subkey}' cannot be read from it`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SecretInvalidError(
        name,
        `secret '${name}' is not a JSON object, so subkey '${subkey}' cannot be read from it`,
      );
    }
    if (!Object.hasOwn(parsed, subkey)) {
      throw new SecretNotFoundError(name, `secret '${name}' has no subkey '${subkey}'`);
    }
    const v = (parsed as Record<string, unknown>)[subkey];
    const out = typeof v === 'string' ? v : JSON.stringify(v);
    if (sensitive) this.#onValue(out);
    return out;
  }

  /** Secret names the providers can list without reading values (deduplicated, sorted). */
  async listNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const p of this.providers) for (const n of (await p.list?.()) ?? []) names.add(n);
    return [...names].sort();
  }
}
