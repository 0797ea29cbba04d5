import type { ReadOutcome } from './retry-read.js';

/** A status a secret manager answered that is worth another try: 429 or 5xx. */
export class TransientStatus extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Sorts a failed HTTP read: 429 is throttling, 5xx and network errors
 * (connection refused, reset, timeout) are unavailability, anything else is
 * final. The message is a status or an error code, never a body.
 */
export function classifyHttpFailure(err: unknown): ReadOutcome {
  if (err instanceof TransientStatus) {
    return err.status === 429
      ? { kind: 'throttled', detail: 'HTTP 429' }
      : { kind: 'unavailable', detail: `HTTP ${err.status}` };
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'unavailable', detail: 'timed out' };
  if (e?.name === 'TypeError' && (e.cause?.code || String((err as Error).message).includes('fetch failed'))) {
    return { kind: 'unavailable', detail: e.cause?.code ?? 'network error' };
  }
  return { kind: 'final', error: err instanceof Error ? err : new Error(String(err)) };
}

/** Reads a JSON body of at most 1 MiB; a bigger or non-JSON body is reported by type and size only. */
export async function readJson(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (text.length > 1 << 20) throw new Error(`${what}: answer larger than 1 MiB`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `${what}: answer is not JSON (${res.headers.get('content-type') ?? 'no content type'}, ${text.length} bytes)`,
    );
  }
}
