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
  /** The credentials used, one entry per key, scope and `minValidity`. */
  readonly credentials: Set<UsedCredential>;
  /** The same set, as this class fills it: each call's record, with what the call was handed. */
  readonly #records: Set<UsedCredentialRecord>;
  /**
   * The records by credential key (no key string built per call), made once
   * a session holds more than {@link SCANNED_CALLS}; fewer are scanned.
   */
  #byKey: Map<string, UsedCredentialRecord[]> | undefined;
  /** Secrets read so far, by tenant, namespace, name and subkey; made at the first secret. */
  #secrets: Map<string, Promise<string>> | undefined;
  #derived = 0;
  /** Characters of {@link values}: what each later output is masked against, in a dozen encoded forms each. */
  #chars = 0;
  readonly #onValue: ((value: string) => void) | undefined;

  /**
   * `known`: values already sensitive before the render (a flow's SECRET
   * inputs, earlier tasks' secrets): what a template derives from them is
   * reported too, they are not reported again.
   */
  constructor(store: CredentialStore, onValue?: (value: string) => void, known?: Iterable<string>) {
    this.store = store;
    this.#records = new Set();
    this.credentials = this.#records;
    this.#onValue = onValue;
    if (known) {
      for (const v of known) {
        if (typeof v === 'string' && v.length >= MIN_SENSITIVE && !this.values.has(v)) {
          this.values.add(v);
          this.#chars += v.length;
        }
      }
    }
  }

  /**
   * A value a template computed from a sensitive one (a filter or function
   * applied to a secret or token): its string and number leaves of at least
   * 4 characters are reported as sensitive.
   */
  derive(result: unknown): void {
    const keys: string[] = [];
    const leaves = sensitiveLeaves(result, keys);
    // Checked against the limits before anything is registered, and before the key check reads every sensitive value.
    const pending: Pending = { values: new Set(), chars: 0 };
    for (const leaf of leaves) this.#mayDerive(leaf, pending);
    // A map's keys are sensitive too, unless a sensitive value holds them as its own JSON or YAML
    // keys (a JSON secret's field names are structure): a key a template or parser made from a
    // secret's content (`{(.pw | ascii_upcase): 1}`) is not written that way in any of them.
    const budget = { chars: MAX_KEY_SCAN };
    for (const key of keys)
      if (key.length >= MIN_SENSITIVE && !this.#isOwnKey(key, budget)) this.#mayDerive(key, pending);
    for (const value of pending.values) this.#report(value);
  }

  /**
   * Adds `value` to the values a derive will register, or throws when that
   * would pass a limit: per render, per execution (the `known` values
   * included), or in characters (review rounds 5 and 6, F3 and G2: renders
   * and masking slowed by every value registered before, 120 MB of masking
   * forms per 8 MB value).
   */
  #mayDerive(value: string, pending: Pending): void {
    if (value.length < MIN_SENSITIVE || this.values.has(value) || pending.values.has(value)) return;
    pending.values.add(value);
    pending.chars += value.length;
    if (++this.#derived > MAX_DERIVED) {
      throw new DerivedValueTooLargeError(
        `more than ${MAX_DERIVED} values derived from secrets or tokens in one render: each would have to be masked in every output`,
      );
    }
    if (this.values.size + pending.values.size > MAX_SENSITIVE) {
      throw new DerivedValueTooLargeError(
        `more than ${MAX_SENSITIVE} secrets, tokens and values derived from them in one execution: each would have to be masked in every output`,
      );
    }
    if (this.#chars + pending.chars > MAX_SENSITIVE_CHARS) {
      throw new DerivedValueTooLargeError(
        `secrets, tokens and values derived from them of more than ${MAX_SENSITIVE_CHARS / 1024 / 1024} MiB in one execution: too large to mask in every output`,
      );
    }
  }

  /**
   * The token, synchronously on a cache hit (no promise to wait for), else a
   * promise of it. With `minValidity` (`'PT15M'`), a token with less life
   * left is not handed out (SPEC section 3).
   */
  credential(key: string, scope: Scope, minValidity?: string): string | Promise<string> {
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    const namespace = scope.namespace || undefined;
    if (this.#records.size > 0) {
      const earlier = this.#callFor(key, tenantId, namespace, minValidity);
      if (earlier !== undefined) return earlier.value;
    }
    const used = new UsedCredentialRecord(key, tenantId, namespace, minValidity);
    this.#keep(used);
    const hit = minValidity === undefined ? this.store.peekToken(key, scope) : undefined;
    if (hit !== undefined) return used.keep(this.#report(hit));
    const options = minValidity === undefined ? undefined : { minValidity };
    return used.wait(this.store.getToken(key, scope, options).then((v) => used.keep(this.#report(v))));
  }

  secret(name: string, subkey: string | undefined, scope: Scope): string | Promise<string> {
    const tenantId = scope.tenantId || DEFAULT_TENANT;
    const id = `${tenantId}\u0000${scope.namespace ?? ''}\u0000${name}\u0000${subkey ?? ''}`;
    this.#secrets ??= new Map();
    let p = this.#secrets.get(id);
    if (!p) {
      p = this.store.getSecret(name, subkey, scope).then((v) => this.#report(v));
      this.#secrets.set(id, p);
    }
    return p;
  }

  /** The earlier call for `key` in this scope with this `minValidity`, if any. */
  #callFor(
    key: string,
    tenantId: string,
    namespace: string | undefined,
    minValidity: string | undefined,
  ): UsedCredentialRecord | undefined {
    const byKey = this.#byKey;
    if (byKey === undefined) {
      for (const used of this.#records)
        if (used.key === key && used.isFor(tenantId, namespace, minValidity)) return used;
      return undefined;
    }
    const calls = byKey.get(key);
    if (calls !== undefined) for (const used of calls) if (used.isFor(tenantId, namespace, minValidity)) return used;
    return undefined;
  }

  /** Records a call; indexes the records by key once there are more than a scan should go through. */
  #keep(used: UsedCredentialRecord): void {
    this.#records.add(used);
    if (this.#byKey !== undefined) addTo(this.#byKey, used);
    else if (this.#records.size > SCANNED_CALLS) {
      const byKey = new Map<string, UsedCredentialRecord[]>();
      for (const r of this.#records) addTo(byKey, r);
      this.#byKey = byKey;
    }
  }

  /**
   * Whether a sensitive value holds `key` as a JSON or YAML key of its own.
   * Reads at most `budget.chars` characters of them per derived value; past
   * that, keys count as not their own (masked: only words hidden, nothing
   * shown).
   */
  #isOwnKey(key: string, budget: { chars: number }): boolean {
    const quoted = JSON.stringify(key);
    for (const v of this.values) {
      budget.chars -= 3 * v.length + 1; // three searches of it below
      if (budget.chars < 0) return false;
      if (v.includes(`${quoted}:`) || v.includes(`${quoted} :`) || v.includes(`\n${key}:`) || v.startsWith(`${key}:`)) {
        return true;
      }
    }
    return false;
  }

  #report(value: string): string {
    if (!this.values.has(value)) {
      this.values.add(value);
      this.#chars += value.length;
      this.#onValue?.(value);
    }
    return value;
  }
}

/**
 * Most calls a session looks through one by one for an earlier call of the
 * same credential; past it they are indexed by key. A render uses one or
 * two credentials: no index to build and fill for them.
 */
const SCANNED_CALLS = 8;

function addTo(byKey: Map<string, UsedCredentialRecord[]>, used: UsedCredentialRecord): void {
  const calls = byKey.get(used.key);
  if (calls === undefined) byKey.set(used.key, [used]);
  else calls.push(used);
}

/** Values one derive is about to register, and their characters. */
interface Pending {
  values: Set<string>;
  chars: number;
}

/** Shorter values are not masked (see `MIN_MASKED_LENGTH` of credentials-core). */
const MIN_SENSITIVE = 4;
/** Most distinct derived values one session registers (masking costs grow with their number). */
const MAX_DERIVED = 5_000;
/** Most sensitive values a session may hold, those it was given as `known` (an execution's) included, before it derives one more. */
const MAX_SENSITIVE = 10_000;
/** Most characters of sensitive values a session may hold before it derives one more (each is kept in a dozen forms to mask). */
const MAX_SENSITIVE_CHARS = 4 * 1024 * 1024;
/** Characters of sensitive values the own-key check reads for one derived value. */
const MAX_KEY_SCAN = 16 * 1024 * 1024;

/**
 * A {@link UsedCredential}: the token sits in a private field behind a
 * getter on the prototype, so it stays out of JSON and `Object.keys` (and
 * costs no property definition per render). It also holds what the render
 * handed out for the call (the token, or the promise of it), so a second
 * call in the same session shares it.
 */
class UsedCredentialRecord implements UsedCredential {
  readonly key: string;
  readonly tenantId: string;
  readonly namespace?: string;
  readonly #minValidity: string | undefined;
  #token: string | undefined;
  #value: string | Promise<string> | undefined;

  constructor(key: string, tenantId: string, namespace: string | undefined, minValidity: string | undefined) {
    this.key = key;
    this.tenantId = tenantId;
    if (namespace) this.namespace = namespace;
    this.#minValidity = minValidity;
  }

  get token(): string | undefined {
    return this.#token;
  }

  /** What the call gave the template: the token, or the promise of it. */
  get value(): string | Promise<string> {
    return this.#value as string | Promise<string>;
  }

  /** Whether this is the call for `tenantId`, `namespace` and `minValidity`. */
  isFor(tenantId: string, namespace: string | undefined, minValidity: string | undefined): boolean {
    return this.tenantId === tenantId && this.namespace === namespace && this.#minValidity === minValidity;
  }

  /** The token arrived: kept, and handed out from now on. */
  keep(token: string): string {
    this.#token = token;
    this.#value = token;
    return token;
  }

  /** The token is on its way. */
  wait(token: Promise<string>): Promise<string> {
    this.#value = token;
    return token;
  }
}
