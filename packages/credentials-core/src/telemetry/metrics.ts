import {
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableResult,
} from '@opentelemetry/api';
import { ATTR, type CredentialIdentity, credentialAttributes, type Outcome } from './attributes.js';

/** The meter's name: what a host filters on in its views. */
export const METER_NAME = '@credflow/credentials-core';

/** Metric names (SPEC section 9). */
export const METRIC = {
  mints: 'credflow.token.mints',
  mintDuration: 'credflow.token.mint.duration',
  cacheHits: 'credflow.token.cache_hits',
  cacheMisses: 'credflow.token.cache_misses',
  refreshFailures: 'credflow.token.refresh_failures',
  sharedCacheHits: 'credflow.token.shared_cache_hits',
  secretReads: 'credflow.secret.reads',
} as const;

/**
 * Cache hits of one credential, counted with a plain increment on the hit
 * path and reported by an observable counter when the host's SDK collects:
 * a hit costs the same with or without an SDK.
 */
export interface HitCell {
  readonly attributes: Attributes;
  hits: number;
}

/** Most credentials whose hits are kept apart; past it they share one cell with key `(other)`. */
const MAX_CELLS = 10_000;
const cells = new Map<string, HitCell>();
let overflow: HitCell | undefined;

/** The hit counter of a credential (one per identity in the process, whatever store counts it). */
export function hitCell(c: CredentialIdentity): HitCell {
  instruments();
  const id = `${c.tenantId}\u0000${c.namespace ?? ''}\u0000${c.key}\u0000${c.type}`;
  let cell = cells.get(id);
  if (cell === undefined) {
    if (cells.size >= MAX_CELLS) {
      overflow ??= { attributes: { [ATTR.key]: '(other)' }, hits: 0 };
      return overflow;
    }
    cell = { attributes: credentialAttributes(c), hits: 0 };
    cells.set(id, cell);
  }
  return cell;
}

interface Instruments {
  readonly provider: MeterProvider;
  readonly mints: Counter;
  readonly mintDuration: Histogram;
  readonly cacheMisses: Counter;
  readonly refreshFailures: Counter;
  readonly sharedCacheHits: Counter;
  readonly secretReads: Counter;
}

let current: Instruments | undefined;

/**
 * The instruments of the meter provider registered now. The metrics API has
 * no proxy provider: instruments made before a host registers its SDK would
 * stay no-ops, so they are made again when the global provider changes.
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (current?.provider === provider) return current;
  const meter = provider.getMeter(METER_NAME);
  meter
    .createObservableCounter(METRIC.cacheHits, {
      description: 'Tokens handed out from the in-memory cache without waiting for a mint',
      unit: '{hit}',
    })
    .addCallback((result: ObservableResult) => {
      for (const cell of cells.values()) result.observe(cell.hits, cell.attributes);
      if (overflow !== undefined) result.observe(overflow.hits, overflow.attributes);
    });
  current = {
    provider,
    mints: meter.createCounter(METRIC.mints, {
      description: 'Token requests made (one per mint, shared by concurrent callers)',
      unit: '{mint}',
    }),
    mintDuration: meter.createHistogram(METRIC.mintDuration, {
      description: 'Time a mint took, from the first request to the token (or the failure)',
      unit: 's',
    }),
    cacheMisses: meter.createCounter(METRIC.cacheMisses, {
      description: 'Calls that waited for a mint: no valid cached token, or caching off',
      unit: '{miss}',
    }),
    refreshFailures: meter.createCounter(METRIC.refreshFailures, {
      description: 'Background refreshes that failed while the cached token was still served',
      unit: '{failure}',
    }),
    sharedCacheHits: meter.createCounter(METRIC.sharedCacheHits, {
      description: 'Tokens read from the shared cache (another process minted them)',
      unit: '{hit}',
    }),
    secretReads: meter.createCounter(METRIC.secretReads, {
      description: 'Reads from a secret provider',
      unit: '{read}',
    }),
  };
  return current;
}

/** Counts one mint and its duration. `attributes` name the credential; `errorType` is set on failure. */
export function recordMint(attributes: Attributes, outcome: Outcome, durationMs: number, errorType?: string): void {
  countMint(mintAttributes(attributes, outcome, errorType), durationMs);
}

/**
 * The attributes of a mint's count: the credential's, its outcome and, on
 * failure, the error's code. A credential's successful mints all count with
 * the same attributes: make them once ({@link countMint}).
 */
export function mintAttributes(attributes: Attributes, outcome: Outcome, errorType?: string): Attributes {
  return {
    ...attributes,
    [ATTR.outcome]: outcome,
    ...(errorType ? { [ATTR.errorType]: errorType } : {}),
  };
}

/** {@link recordMint} with the attributes already made ({@link mintAttributes}): never changed, so they can be shared. */
export function countMint(attributes: Attributes, durationMs: number): void {
  const i = instruments();
  i.mints.add(1, attributes);
  i.mintDuration.record(durationMs / 1000, attributes);
}

/** Counts a call that had to wait for a mint. */
export function recordCacheMiss(attributes: Attributes): void {
  instruments().cacheMisses.add(1, attributes);
}

/** Counts a failed background refresh (the old token is still served). */
export function recordRefreshFailure(attributes: Attributes, errorType: string): void {
  instruments().refreshFailures.add(1, { ...attributes, [ATTR.errorType]: errorType });
}

/**
 * Counts a token served from the shared (cross-process) cache instead of a
 * mint. A shared cache inside the store calls `TokenCacheEvents.sharedHit(id)`
 * instead, which names the credential itself; a host's own cache calls this
 * with the credential it served.
 */
export function recordSharedCacheHit(credential: CredentialIdentity): void {
  countSharedCacheHit(credentialAttributes(credential));
}

/** {@link recordSharedCacheHit} with the credential's attributes already made. */
export function countSharedCacheHit(attributes: Attributes): void {
  instruments().sharedCacheHits.add(1, attributes);
}

/** Counts one read from a secret provider. */
export function recordSecretRead(provider: string, outcome: Outcome | 'not_found', errorType?: string): void {
  instruments().secretReads.add(1, {
    [ATTR.secretProvider]: provider,
    [ATTR.outcome]: outcome,
    ...(errorType ? { [ATTR.errorType]: errorType } : {}),
  });
}
