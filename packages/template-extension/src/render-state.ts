import { type CredentialStore, DEFAULT_TENANT, type Scope } from '@credflow/credentials-core';
import type { RenderBudget } from './limits/render-limits.js';
import { DerivedValueTooLargeError, sensitiveLeaves } from './sandbox/derived-values.js';

/** A credential a render used, so a caller can drop its cached token after a 401. */
export interface UsedCredential {
  key: string;
  tenantId: string;
  namespace?: string;
  /**
   * The token the render got, so a 401 drops only that one
   * (`store.invalidate(key, scope, { token })`). Not enumerable: it stays
   * out of JSON and logs of the render result.
   */
  token?: string;
}

/** Where a render failed inside a credflow function. */
export interface FunctionFailure {
  error: Error;
  line: number;
  column: number;
}

/**
 * One render: its session, the scope the host gave (fixed before the
 * template runs; nothing in the template changes it) and its first failure.
 * Reachable only through {@link frameOf}, never through the template context.
 */
export interface RenderFrame {
  readonly state: RenderState;
  readonly scope: Scope;
  /** What the render has used of its limits. */
  readonly budget: RenderBudget;
  failure: FunctionFailure | undefined;
}

/**
 * State of one render, or of a session of renders (e.g. all the properties
 * of one task): the values handed out (for masking), the credentials used,
 * and one shared token per credential (so calls share a token even with
 * `cache.enabled: false`).
 */
export class RenderState {
  readonly store: CredentialStore;
  readonly values = new Set<string>();
  readonly credentials = new Map<string, UsedCredential>();
  readonly #memo = new Map<string, string | Promise<string>>();
  #derived = 0;
  readonly #onValue: ((value: string) => void) | undefined;

  /**
   * `known`: values already sensitive before the render (a flow's SECRET
   * inputs, earlier tasks' secrets): what a template derives from them is
   * reported too, they are not reported again.
   */
  constructor(store: CredentialStore, onValue?: (value: string) => void, known?: Iterable<string>) {
    this.store = store;
    this.#onValue = onValue;
    if (known) for (const v of known) if (typeof v === 'string' && v.length >= MIN_SENSITIVE) this.values.add(v);
  }

  /**
   * A value a template computed from a sensitive one (a filter or function
   * applied to a secret or token): its string and number leaves of at least
   * 4 characters are reported as sensitive.
   */
  derive(result: unknown): void {
    const keys: string[] = [];
    const leaves = sensitiveLeaves(result, keys);
    // A map's keys are sensitive too, unless a sensitive value holds them as its own JSON or YAML
    // keys (a JSON secret's field names are structure): a key a template or parser made from a
    // secret's content (`{(.pw | ascii_upcase): 1}`) is not written that way in any of them.
    for (const key of keys) if (key.length >= MIN_SENSITIVE && !this.#isOwnKey(key)) leaves.push(key);
    for (const leaf of leaves) {
      if (leaf.length < MIN_SENSITIVE || this.values.has(leaf)) continue;
      if (++this.#derived > MAX_DERIVED) {
        throw new DerivedValueTooLargeError(
          `more than ${MAX_DERIVED} values derived from secrets or tokens in one render: each would have to be masked in every output`,
        );
      }
      this.#report(leaf);
    }
  }

  /**
   * The token, synchronously on a cache hit (no promise to wait for), else a
   * promise of it. With `minValidity` (`'PT15M'`), a token with less life
   * left is not handed out (SPEC section 3).
   */
  credential(key: string, scope: Scope, minValidity?: string): string | Promise<string> {
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    const id = `c\u0000${tenantId}\u0000${scope.namespace ?? ''}\u0000${key}\u0000${minValidity ?? ''}`;
    const known = this.#memo.get(id);
    if (known !== undefined) return known;
    const used = new UsedCredentialRecord(key, tenantId, scope.namespace);
    this.credentials.set(id, used);
    const hit = minValidity === undefined ? this.store.peekToken(key, scope) : undefined;
    if (hit !== undefined) {
      this.#memo.set(id, hit);
      used.keep(hit);
      return this.#report(hit);
    }
    const options = minValidity === undefined ? undefined : { minValidity };
    const p = this.store.getToken(key, scope, options).then((v) => {
      used.keep(v);
      return this.#report(v);
    });
    this.#memo.set(id, p);
    return p;
  }

  secret(name: string, subkey: string | undefined, scope: Scope): string | Promise<string> {
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    const id = `s\u0000${tenantId}\u0000${scope.namespace ?? ''}\u0000${name}\u0000${subkey ?? ''}`;
    let p = this.#memo.get(id);
    if (!p) {
      p = this.store.getSecret(name, subkey, scope).then((v) => this.#report(v));
      this.#memo.set(id, p);
    }
    return p;
  }

  #isOwnKey(key: string): boolean {
    const quoted = JSON.stringify(key);
    for (const v of this.values) {
      if (v.includes(`${quoted}:`) || v.includes(`${quoted} :`) || v.includes(`\n${key}:`) || v.startsWith(`${key}:`)) {
        return true;
      }
    }
    return false;
  }

  #report(value: string): string {
    if (!this.values.has(value)) {
      this.values.add(value);
      this.#onValue?.(value);
    }
    return value;
  }
}

/** Shorter values are not masked (see `MIN_MASKED_LENGTH` of credentials-core). */
const MIN_SENSITIVE = 4;
/** Most distinct derived values one session registers (masking costs grow with their number). */
const MAX_DERIVED = 5_000;

/**
 * A {@link UsedCredential}: the token sits in a private field behind a
 * getter on the prototype, so it stays out of JSON and `Object.keys` (and
 * costs no property definition per render).
 */
class UsedCredentialRecord implements UsedCredential {
  readonly key: string;
  readonly tenantId: string;
  readonly namespace?: string;
  #token: string | undefined;

  constructor(key: string, tenantId: string, namespace: string | undefined) {
    this.key = key;
    this.tenantId = tenantId;
    if (namespace) this.namespace = namespace;
  }

  get token(): string | undefined {
    return this.#token;
  }

  keep(token: string): void {
    this.#token = token;
  }
}
