import { CredentialDefinitionError } from '../errors.js';
import type { Grant, GrantResult } from '../grants/grant.js';
import { Masker } from '../redact.js';
import { readFresh } from '../secrets/fresh-reads.js';
import { isRotationError } from '../secrets/rotation.js';
import type { AccessToken } from '../token/access-token.js';
import { toAccessToken } from '../token/lifetime.js';
import type { SensitiveValues } from './sensitive-values.js';

/** A credential in a chain of mints waiting on each other. */
export interface MintLink {
  readonly id: string;
  readonly label: string;
}

/**
 * Which credential's mint waits for which other credential's token right
 * now (a token exchange's `subjectCredential`): a wait-for graph, so a
 * mint that would wait on itself (a -> b -> a) is refused instead of
 * waiting forever. Kept by the store, without async context: no
 * AsyncLocalStorage on the mint path (in Node 20, one in use puts a hook
 * on every promise of the process).
 */
export class MintWaits {
  /** credential id -> ids it waits for (with a count: a credential may mint several times at once). */
  readonly #edges = new Map<string, Map<string, number>>();
  readonly #labels = new Map<string, string>();

  /**
   * Runs `fn` (which gets `to`'s token) as `from`'s mint waiting for `to`.
   * Throws {@link CredentialDefinitionError} naming `credential` and the
   * cycle when `to` is `from` or already waits, directly or not, for it.
   */
  wait<T>(from: MintLink, to: MintLink, credential: string, fn: () => Promise<T>): Promise<T> {
    const path = this.#path(to.id, from.id);
    if (path !== undefined) {
      const labels = [...path.map((id) => this.#labels.get(id) ?? id), to.label];
      throw new CredentialDefinitionError(credential, `subjectCredential cycle (${labels.join(' -> ')})`);
    }
    this.#labels.set(from.id, from.label);
    this.#labels.set(to.id, to.label);
    let out = this.#edges.get(from.id);
    if (out === undefined) {
      out = new Map();
      this.#edges.set(from.id, out);
    }
    out.set(to.id, (out.get(to.id) ?? 0) + 1);
    const done = () => {
      const n = (out.get(to.id) ?? 1) - 1;
      if (n > 0) out.set(to.id, n);
      else out.delete(to.id);
      if (out.size === 0 && this.#edges.get(from.id) === out) {
        this.#edges.delete(from.id);
        this.#labels.delete(from.id);
      }
    };
    try {
      return fn().finally(done);
    } catch (err) {
      done();
      throw err;
    }
  }

  /** The ids from `start` to `goal` along current waits (`[start]` when they are the same), if any. */
  #path(start: string, goal: string): string[] | undefined {
    const previous = new Map<string, string | undefined>([[start, undefined]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      if (id === goal) {
        const path: string[] = [];
        for (let at: string | undefined = id; at !== undefined; at = previous.get(at)) path.unshift(at);
        return path;
      }
      for (const next of this.#edges.get(id)?.keys() ?? []) {
        if (!previous.has(next)) {
          previous.set(next, id);
          queue.push(next);
        }
      }
    }
    return undefined;
  }
}

/** What one credential's mint is made of. */
export interface MintPipelineOptions {
  /** The credential's grant (made on first use). */
  grant: () => Grant;
  /** Lifetime (ms) of a token whose lifetime neither the response nor the token says (`defaultLifetime`). */
  defaultLifetimeMs: number;
  /** The store's sensitive values: what the mint sends is heard there, the token is reported there. */
  sensitive: SensitiveValues;
  /** Hears what the mint said beyond the token (endpoint, certificate binding). */
  onResult?: (result: GrantResult) => void;
}

/**
 * The mint of one credential: the grant's mint with the rotation rule (see
 * {@link isRotationError}; applied here, not in a wrapper, to spare an async
 * frame per mint), with what it sent (secret, assertion, header) masked in
 * its error and in the granted scopes (a server may echo them), and the new
 * token reported as sensitive.
 */
export function mintPipeline(o: MintPipelineOptions): () => Promise<AccessToken> {
  return async () => {
    // What this mint sent (secret, assertion, header) is what a server may echo in an error.
    const sent: string[] = [];
    const stop = o.sensitive.listen((v) => sent.push(v));
    try {
      let result: GrantResult;
      try {
        result = await o.grant().mint();
      } catch (err) {
        // The rotation rule (SPEC section 2): invalid_client or invalid_grant reads the secrets again past their caches, once.
        if (!isRotationError(err)) throw err;
        result = await readFresh(() => o.grant().mint());
      }
      o.onResult?.(result);
      // Most token responses grant no `scope`: then there is nothing to mask, nor to copy.
      const token = toAccessToken(
        result.scope === undefined && !result.scopes
          ? result
          : { ...result, ...maskedScopes(result, [...sent, result.accessToken]) },
        o.defaultLifetimeMs,
      );
      o.sensitive.report(token.token);
      return token;
    } catch (err) {
      throw new Masker(sent).maskError(err);
    } finally {
      stop();
    }
  };
}

/**
 * Granted scopes with what the mint sent masked: a server may echo the
 * client secret or the assertion in `scope`. The text is masked before it is
 * split, so a secret holding spaces is masked whole, not in pieces.
 */
function maskedScopes(result: GrantResult, sent: string[]): { scopes?: string[] } {
  if (result.scope === undefined && !result.scopes) return {};
  const masker = new Masker(sent);
  if (result.scope !== undefined) return { scopes: masker.mask(result.scope).split(/\s+/).filter(Boolean) };
  return { scopes: (result.scopes ?? []).map((s) => masker.mask(s)) };
}
