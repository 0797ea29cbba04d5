import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { SecretRef } from '../config/secret-ref.js';
import { SubjectTokenError } from '../errors.js';
import { jwtExp } from '../token/lifetime.js';
import type { GrantContext } from './grant.js';

/** Where a token exchange's subject token comes from. */
export type SubjectTokenSource = { file: string } | SecretRef | { credential: string };

/** Largest subject token file read: 1 MiB (a Kubernetes token is about 1 KB). */
const MAX_FILE_BYTES = 1 << 20;

/**
 * Reads a subject token at each mint: a file (re-read only when its size,
 * modification time or inode changed: a Kubernetes projected token is
 * rotated in place), a secret, or another credential's live token. The
 * value is reported as sensitive before it is sent; a JWT whose `exp` has
 * passed is refused before any request, with a clear error.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export class SubjectTokenReader {
  readonly #source: SubjectTokenSource;
  readonly #ctx: GrantContext;
  #file: { stamp: string; value: string } | undefined;

  constructor(source: SubjectTokenSource, ctx: GrantContext) {
    this.#source = source;
    this.#ctx = ctx;
  }

  /** What the token is, for messages: `file /path`, `secret 'X'`, `credential 'k'`. */
  get description(): string {
    const s = this.#source;
    return 'file' in s ? `file ${s.file}` : 'credential' in s ? `credential '${s.credential}'` : `secret '${s.secret}'`;
  }

  async read(): Promise<string> {
    const s = this.#source;
    const ctx = this.#ctx;
    let value: string;
    if ('file' in s) value = await this.#readFile(s.file);
    else if ('credential' in s) {
      if (!ctx.credentialToken) {
        throw new SubjectTokenError(ctx.credential, `subjectCredential '${s.credential}' needs a credential store`);
      }
      value = await ctx.credentialToken(s.credential);
    } else value = (await ctx.secrets.resolve(s)).trim();
    if (!value) throw new SubjectTokenError(ctx.credential, `subject token (${this.description}) is empty`);
    ctx.sensitive(value);
    const exp = jwtExp(value);
    if (exp !== undefined && exp * 1000 <= ctx.clock.wallNow()) {
      throw new SubjectTokenError(
        ctx.credential,
        `subject token (${this.description}) is a JWT that expired at ${new Date(exp * 1000).toISOString()}: renew it at its source`,
      );
    }
    return value;
  }

  async #readFile(path: string): Promise<string> {
    const fail = (why: string, cause?: unknown) =>
      new SubjectTokenError(this.#ctx.credential, `subject token file ${path} ${why}`, cause ? { cause } : undefined);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // Non-blocking: a FIFO put there by mistake must not hang the mint.
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      throw fail(`cannot be opened (${(err as { code?: string }).code ?? 'error'})`, err);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw fail('is not a regular file');
      if (st.size > MAX_FILE_BYTES) throw fail('is larger than 1 MiB');
      const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (this.#file?.stamp === stamp) return this.#file.value;
      const value = (await handle.readFile('utf8')).trim();
      this.#file = { stamp, value };
      return value;
    } finally {
      await handle.close();
    }
  }
}
