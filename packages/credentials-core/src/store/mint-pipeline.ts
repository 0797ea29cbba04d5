import { AsyncLocalStorage } from 'node:async_hooks';
import { CredentialDefinitionError } from '../errors.js';
import type { Grant, GrantResult } from '../grants/grant.js';
import { Masker } from '../redact.js';
import { mintRotating } from '../secrets/rotation.js';
import type { AccessToken } from '../token/access-token.js';
import { toAccessToken } from '../token/lifetime.js';
import type { SensitiveValues } from './sensitive-values.js';

/** A credential in a chain of mints waiting on each other. */
export interface MintLink {
  readonly id: string;
  readonly label: string;
}

/** Credentials whose mint is waiting on this async chain (a token exchange's subjectCredential), to refuse cycles. */
const minting = new AsyncLocalStorage<readonly MintLink[]>();

/**
 * Refuses a mint of `target` asked for by `credential` while `target`'s own
 * mint is waiting on this async chain (a -> b -> a would wait on itself
 * forever): throws {@link CredentialDefinitionError} naming the cycle.
 */
export function refuseCycle(credential: string, target: MintLink): void {
  const chain = minting.getStore() ?? [];
  if (chain.some((c) => c.id === target.id)) {
    const path = [...chain.map((c) => c.label), target.label].join(' -> ');
    throw new CredentialDefinitionError(credential, `subjectCredential cycle (${path})`);
  }
}

/** What one credential's mint is made of. */
export interface MintPipelineOptions {
  /** The credential, in the chain of mints that cycles are checked against. */
  link: MintLink;
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
 * The mint of one credential: the grant's mint with the rotation rule
 * ({@link mintRotating}), in the chain of mints (for {@link refuseCycle}),
 * with what it sent (secret, assertion, header) masked in its error and
 * in the granted scopes (a server may echo them), and the new token
 * reported as sensitive.
 */
export function mintPipeline(o: MintPipelineOptions): () => Promise<AccessToken> {
  return async () => {
    const chain = minting.getStore() ?? [];
    // What this mint sent (secret, assertion, header) is what a server may echo in an error.
    const sent: string[] = [];
    const stop = o.sensitive.listen((v) => sent.push(v));
    try {
      const result = await minting.run([...chain, o.link], () => mintRotating(() => o.grant().mint()));
      o.onResult?.(result);
      const token = toAccessToken(
        { ...result, ...maskedScopes(result, [...sent, result.accessToken]) },
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
