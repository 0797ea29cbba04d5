import type { CredentialStore } from '@credflow/credentials-core';
import type { CliIo } from './io.js';
import { StatusLine } from './status-line.js';

/** When the notices come. */
export interface TokenWaitTiming {
  /** A token request unanswered this long (ms) gets a notice; default 1000. */
  afterMs?: number;
  /** Without a terminal, a "still waiting" line this often (ms); default 10000. */
  everyMs?: number;
}

/** One credential whose token is awaited (concurrent callers of one credential share it). */
interface Wait {
  key: string;
  scope: { tenantId?: string; namespace?: string };
  started: number;
  calls: number;
  /** `credential 'acme' (endpoint auth.example.com)`, once a notice was due. */
  label?: string;
  /** When the last plain "waiting" line was printed. */
  said?: number;
}

/** Braille spinner frames, as most terminal spinners draw them. */
const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/**
 * Notices while a token request waits (SPEC section 6): when
 * `store.getToken` has not answered after a second, a spinner line on a
 * terminal (redrawn in place, other output printed above it), plain lines
 * otherwise. Notices name the credential and its endpoint's host, never a
 * secret or a token; they go to stderr only, so stdout keeps what the
 * command promises there (a token, one JSON document).
 */
export class TokenWaits {
  /** The command's io: on a terminal its stderr writes above the spinner line. */
  readonly io: CliIo;
  readonly #base: CliIo;
  readonly #status: StatusLine | undefined;
  readonly #afterMs: number;
  readonly #everyMs: number;
  readonly #waits = new Map<string, Wait>();
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(io: CliIo, timing: TokenWaitTiming = {}) {
    this.#base = io;
    this.#afterMs = timing.afterMs ?? 1000;
    this.#everyMs = timing.everyMs ?? 10_000;
    const status = io.tty ? new StatusLine(io.stderr) : undefined;
    this.#status = status;
    this.io = status ? { ...io, stderr: (t) => status.print(t) } : io;
  }

  /**
   * Times every `getToken` of `store` from now on. The store is the
   * command's own: its method is wrapped on the instance (cache hits answer
   * at once and never reach a notice).
   */
  watch(store: CredentialStore): void {
    const getToken = store.getToken.bind(store);
    store.getToken = (key, scope = {}, options) => {
      const done = this.#start(store, key, scope);
      return getToken(key, scope, options).then(
        (token) => {
          done(true);
          return token;
        },
        (err: unknown) => {
          done(false);
          throw err;
        },
      );
    };
  }

  /** Stops the timer and removes the spinner line. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#waits.clear();
    this.#status?.show('');
  }

  #start(store: CredentialStore, key: string, scope: Wait['scope']): (ok: boolean) => void {
    const id = `${scope.tenantId ?? ''}\u0000${scope.namespace ?? ''}\u0000${key}`;
    let wait = this.#waits.get(id);
    if (wait) wait.calls++;
    else {
      wait = { key, scope, started: performance.now(), calls: 1 };
      this.#waits.set(id, wait);
    }
    this.#timer ??= setInterval(() => this.#tick(store), this.#status ? 100 : Math.min(250, this.#afterMs)).unref();
    const w = wait;
    return (ok) => {
      if (--w.calls > 0 || this.#waits.get(id) !== w) return;
      this.#waits.delete(id);
      if (w.label !== undefined && ok) {
        const s = (performance.now() - w.started) / 1000;
        this.io.stderr(`credflow: ${w.label}: token received after ${s.toFixed(1)} s\n`);
      }
      if (this.#waits.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
      this.#draw();
    };
  }

  #tick(store: CredentialStore): void {
    const now = performance.now();
    for (const w of this.#waits.values()) {
      if (now - w.started < this.#afterMs) continue;
      w.label ??= labelOf(store, w.key, w.scope);
      if (this.#status) continue;
      if (w.said === undefined) {
        this.#base.stderr(`credflow: waiting for a token of ${w.label}…\n`);
        w.said = now;
      } else if (now - w.said >= this.#everyMs) {
        this.#base.stderr(`credflow: still waiting for a token of ${w.label}: ${seconds(now - w.started)}\n`);
        w.said = now;
      }
    }
    // The frame moves only while the spinner is shown: it first shows at its first frame, however long the wait before it.
    if (this.#draw()) this.#frame = (this.#frame + 1) % FRAMES.length;
  }

  /** The spinner line: the longest wait, and how many others there are; whether one is shown. */
  #draw(): boolean {
    if (!this.#status) return false;
    const shown = [...this.#waits.values()].filter((w) => w.label !== undefined);
    const first = shown[0];
    if (first === undefined) {
      this.#status.show('');
      return false;
    }
    const more = shown.length > 1 ? ` and ${shown.length - 1} more` : '';
    const elapsed = seconds(performance.now() - first.started);
    this.#status.show(`${FRAMES[this.#frame]} waiting for a token of ${first.label}${more}: ${elapsed}`);
    return true;
  }
}

/** `credential 'acme' (endpoint auth.example.com)`: the key and the host of its token endpoint, nothing else. */
function labelOf(store: CredentialStore, key: string, scope: Wait['scope']): string {
  try {
    const r = store.resolve(key, scope);
    const at = { tenantId: r.tenantId, ...(r.namespace ? { namespace: r.namespace } : {}) };
    const summary = store
      .list(at)
      .find((c) => c.key === key && c.level === r.level && (c.namespace ?? '') === (r.namespace ?? ''));
    // The URL's host only: never its path, query or user info.
    const host = summary ? new URL(summary.endpoint.split(' ')[0] as string).host : '';
    return host ? `credential '${key}' (endpoint ${host})` : `credential '${key}'`;
  } catch {
    return `credential '${key}'`;
  }
}

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)} s`;
}
