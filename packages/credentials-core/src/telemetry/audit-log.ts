import { createWriteStream, type WriteStream } from 'node:fs';
import type { Logger } from '../clock.js';
import type { Outcome } from './attributes.js';

/**
 * One line of the audit log: a mint, or a failed mint (SPEC section 9).
 * Names and codes only: never a token, secret, assertion or any part of one.
 */
export interface AuditRecord {
  /** When the mint started (ISO 8601, wall clock). */
  time: string;
  event: 'mint';
  credential: string;
  type: string;
  tenant: string;
  /** The namespace the credential is defined in (absent for a tenant-level one). */
  namespace?: string;
  flowId?: string;
  /** The namespace of the flow that asked (may be a child of the credential's). */
  flowNamespace?: string;
  executionId?: string;
  taskId?: string;
  /** Scopes the server granted, when it said (what the mint sent is masked out). */
  scopes?: string[];
  /** Lifetime of the new token, in seconds. */
  expiresIn?: number;
  outcome: Outcome;
  /** The failure's stable code (`ERR_TOKEN_ENDPOINT`), never its message. */
  errorCode?: string;
  durationMs: number;
}

/** Where audit records go: a host may give its own (a log shipper, a database queue). */
export interface AuditSink {
  /** Takes one record; must not throw or block (a mint never waits for it). */
  write(record: AuditRecord): void;
}

/** Audit logs with records possibly not yet written, for {@link flushAuditLogs}. */
const open = new Set<JsonLinesAuditLog>();

/** Resolves once every audit log of this process has written what it was given (orderly shutdown, tests). */
export async function flushAuditLogs(): Promise<void> {
  await Promise.all([...open].map((log) => log.flush()));
}

/** Bytes an audit file may have waiting to be written before records are dropped (a stuck disk must not grow the heap). */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/**
 * JSON lines appended to a file (or written to stdout/stderr). Writing is
 * asynchronous: a mint never waits for the disk, and a failure (no such
 * directory, disk full, permission) is warned about once and never fails a
 * mint. The file is opened on the first record, created with mode 0600.
 */
export class JsonLinesAuditLog implements AuditSink {
  readonly #target: string;
  readonly #logger: Logger;
  #stream: WriteStream | NodeJS.WritableStream | undefined;
  #broken = false;
  #warnedDrop = false;

  /** @param target a file path, or `stdout` / `stderr`. */
  constructor(target: string, logger: Logger) {
    this.#target = target;
    this.#logger = logger;
  }

  write(record: AuditRecord): void {
    if (this.#broken) return;
    try {
      const stream = this.#open();
      if ('writableLength' in stream && stream.writableLength > MAX_PENDING_BYTES) {
        if (!this.#warnedDrop) {
          this.#warnedDrop = true;
          this.#logger.warn(`audit log ${this.#label()}: writes are not keeping up; dropping records until they do`);
        }
        return;
      }
      stream.write(`${JSON.stringify(record)}\n`);
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Resolves once every record written so far has reached the file (for tests and orderly shutdown). */
  flush(): Promise<void> {
    const stream = this.#stream;
    if (stream === undefined || this.#broken) return Promise.resolve();
    return new Promise((resolve) => {
      stream.write('', () => resolve());
    });
  }

  #open(): WriteStream | NodeJS.WritableStream {
    if (this.#stream !== undefined) return this.#stream;
    if (this.#target === 'stdout') this.#stream = process.stdout;
    else if (this.#target === 'stderr') this.#stream = process.stderr;
    else {
      const file = createWriteStream(this.#target, { flags: 'a', mode: 0o600 });
      file.on('error', (err) => this.#fail(err));
      this.#stream = file;
      open.add(this);
    }
    return this.#stream;
  }

  #fail(err: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    open.delete(this);
    const code = (err as { code?: unknown }).code;
    this.#logger.warn(
      `audit log ${this.#label()}: cannot write (${typeof code === 'string' ? code : (err as Error).message}); no more audit records will be written by this process, mints go on`,
    );
  }

  #label(): string {
    return this.#target === 'stdout' || this.#target === 'stderr' ? this.#target : `'${this.#target}'`;
  }
}
