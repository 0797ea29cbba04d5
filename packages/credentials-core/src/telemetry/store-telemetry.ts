import { type Attributes, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { LRUCache } from 'lru-cache';
import type { TokenCacheEvents } from '../cache/token-cache.js';
import type { Clock, Logger } from '../clock.js';
import type { ResolvedCredential } from '../scope.js';
import type { AccessToken } from '../token/access-token.js';
import { ATTR, type CredentialIdentity, credentialAttributes, errorCode } from './attributes.js';
import type { AuditRecord, AuditSink } from './audit-log.js';
import {
  countMint,
  countSharedCacheHit,
  type HitCell,
  hitCell,
  mintAttributes,
  recordCacheMiss,
  recordMint,
  recordRefreshFailure,
} from './metrics.js';
import { currentMintContext } from './mint-context.js';
import { inSpan, SPAN } from './tracing.js';

/** The credential a resolved definition is, as telemetry names it. */
export function identityOf(r: ResolvedCredential): CredentialIdentity {
  return {
    key: r.key,
    type: r.definition.type,
    tenantId: r.tenantId,
    ...(r.namespace ? { namespace: r.namespace } : {}),
  };
}

/** The provider the API's proxy delegates to while no SDK is registered (the API's no-op). */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/** Whether a host registered a tracer provider: without one, a span would be a no-op, so none is started. */
function tracing(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_SDK;
}

/** What a cache identity is counted as: its credential's attributes and hit counter. */
interface Counted {
  attributes: Attributes;
  hits: HitCell;
}

/** Most credential ids remembered for cache events; the least recently used go first. */
const MAX_IDS = 10_000;

/**
 * A store's metrics, spans and audit records (SPEC section 9), all through
 * `@opentelemetry/api`: no-ops until a host registers an SDK. The audit sink
 * is optional.
 */
export class StoreTelemetry {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #audit: AuditSink | undefined;
  /** Made at the first credential counted (an LRU of `max` preallocates its arrays: not at start-up). */
  #byId: LRUCache<string, Counted> | undefined;
  /**
   * The id last looked up in {@link #byId} and what it found: a credential
   * minted over and over (cache off) is looked up once, not on every mint.
   * The LRU order is unchanged by it: the id last looked up is already the
   * most recently used one (a `set` forgets it).
   */
  #lastId: string | undefined;
  #lastCounted: Counted | undefined;
  #warnedAudit = false;

  constructor(options: { clock: Clock; logger: Logger; audit?: AuditSink | undefined }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#audit = options.audit;
  }

  /** Hooks for the token cache: counts by cache identity. */
  readonly cacheEvents: TokenCacheEvents = {
    hit: (id) => {
      const c = this.#counted(id);
      if (c !== undefined) c.hits.hits++;
    },
    miss: (id) => {
      const c = this.#counted(id);
      if (c !== undefined) recordCacheMiss(c.attributes);
    },
    refreshFailed: (id, err) => {
      const c = this.#counted(id);
      if (c !== undefined) recordRefreshFailure(c.attributes, errorCode(err));
    },
    sharedHit: (id) => this.sharedCacheHit(id),
  };

  /**
   * Counts a token the shared (cross-process) cache served for cache
   * identity `id` instead of a mint (`credflow.token.shared_cache_hits`):
   * what the store's shared-cache code calls.
   */
  sharedCacheHit(id: string): void {
    const c = this.#counted(id);
    if (c !== undefined) countSharedCacheHit(c.attributes);
  }

  /** What cache identity `id` is counted as, if it is known (see {@link #lastId}). */
  #counted(id: string): Counted | undefined {
    if (id === this.#lastId) return this.#lastCounted;
    const c = this.#byId?.get(id);
    this.#lastId = id;
    this.#lastCounted = c;
    return c;
  }

  /** The cache-hit counter of a credential: its hit path increments `hits`, nothing more. */
  hits(r: ResolvedCredential): HitCell {
    return hitCell(identityOf(r));
  }

  /**
   * `mint` in a `credflow.token.mint` span, counted, timed and audited; the
   * cache's events for `id` are counted for this credential from now on.
   */
  mint(id: string, r: ResolvedCredential, mint: () => Promise<AccessToken>): () => Promise<AccessToken> {
    const identity = identityOf(r);
    const attributes = credentialAttributes(identity);
    this.#byId ??= new LRUCache<string, Counted>({ max: MAX_IDS });
    this.#byId.set(id, { attributes, hits: hitCell(identity) });
    this.#lastId = undefined;
    this.#lastCounted = undefined;
    // Every successful mint of the credential counts with these: made once.
    const success = Object.freeze(mintAttributes(attributes, 'success'));
    return () => this.#mint(identity, attributes, success, mint);
  }

  #mint(
    identity: CredentialIdentity,
    attributes: Attributes,
    success: Attributes,
    mint: () => Promise<AccessToken>,
  ): Promise<AccessToken> {
    const started = this.#clock.now();
    // The audit record's time and context are taken when the mint starts, and only when there is a sink.
    const audit = this.#audit !== undefined;
    const time = audit ? new Date(this.#clock.wallNow()).toISOString() : '';
    const context = audit ? currentMintContext() : undefined;
    const minted = tracing() ? inSpan(SPAN.mint, attributes, mint, (t) => ({ [ATTR.expiresIn]: t.expiresIn })) : mint();
    return minted.then(
      (token) => {
        const durationMs = this.#clock.now() - started;
        countMint(success, durationMs);
        if (audit)
          this.#write({
            time,
            ...base(identity, context),
            ...(token.scopes ? { scopes: [...token.scopes] } : {}),
            expiresIn: token.expiresIn,
            outcome: 'success',
            durationMs: Math.round(durationMs),
          });
        return token;
      },
      (err: unknown) => {
        const durationMs = this.#clock.now() - started;
        const code = errorCode(err);
        recordMint(attributes, 'error', durationMs, code);
        this.#write({
          time,
          ...base(identity, context),
          outcome: 'error',
          errorCode: code,
          durationMs: Math.round(durationMs),
        });
        throw err;
      },
    );
  }

  /** Hands a record to the sink; a sink that throws is warned about once and never fails the mint. */
  #write(record: AuditRecord): void {
    if (this.#audit === undefined) return;
    try {
      this.#audit.write(record);
    } catch (err) {
      if (this.#warnedAudit) return;
      this.#warnedAudit = true;
      this.#logger.warn(`audit log: the sink failed (${errorCode(err)}); mints go on`);
    }
  }
}

function base(
  c: CredentialIdentity,
  ctx: ReturnType<typeof currentMintContext>,
): Pick<
  AuditRecord,
  'event' | 'credential' | 'type' | 'tenant' | 'namespace' | 'flowId' | 'flowNamespace' | 'executionId' | 'taskId'
> {
  return {
    event: 'mint',
    credential: c.key,
    type: c.type,
    tenant: c.tenantId,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    ...(ctx?.flowId !== undefined ? { flowId: ctx.flowId } : {}),
    ...(ctx?.flowNamespace !== undefined ? { flowNamespace: ctx.flowNamespace } : {}),
    ...(ctx?.executionId !== undefined ? { executionId: ctx.executionId } : {}),
    ...(ctx?.taskId !== undefined ? { taskId: ctx.taskId } : {}),
  };
}
