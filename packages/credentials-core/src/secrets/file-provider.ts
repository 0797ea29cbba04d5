import { constants } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isValidSecretName } from '../config/secret-ref.js';
import { SecretInvalidError } from '../errors.js';
import { MAX_FILE_VALUE_BYTES, readBoundedText } from '../read-bounded-text.js';
import type { SecretProvider } from './secret-provider.js';

/** Largest secret file read: 1 MiB (a PEM chain or a service-account JSON is a few KB). */
export const MAX_SECRET_FILE_BYTES = MAX_FILE_VALUE_BYTES;

/**
 * Reads secret `NAME` from the file `<dir>/<NAME>` (one file per secret, as
 * Docker and Kubernetes mount them). One trailing newline is trimmed.
 *
 * Symbolic links are followed (Kubernetes secret volumes are links into a
 * `..data` directory), but what is finally opened must be a regular file of
 * at most 1 MiB: a FIFO, socket, device or directory is refused. The file is
 * opened non-blocking (a FIFO never blocks the open) and checked with
 * `fstat` on the open handle, so what is checked is what is read.
 */
export class FileSecretProvider implements SecretProvider {
  readonly description: string;
  readonly #dir: string;
  readonly #shownDir: string;

  /** @param dir absolute directory; @param shownAs how to name it in messages. */
  constructor(dir: string, shownAs?: string) {
    this.#dir = dir;
    this.#shownDir = shownAs ?? (relative(process.cwd(), dir) || '.');
    this.description = `file ${this.#shownDir}`;
  }

  async get(name: string): Promise<string | undefined> {
    // Names are validated by the resolver; this guard keeps the provider safe alone.
    if (!isValidSecretName(name)) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(join(this.#dir, name), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw this.#error(name, `cannot read it from ${this.description} (${code ?? 'read error'})`);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        throw this.#error(
          name,
          `${this.#where(name)} is ${kindOf(info)}, not a regular file: a secret must be a plain file`,
        );
      }
      if (info.size > MAX_SECRET_FILE_BYTES) {
        throw this.#error(
          name,
          `${this.#where(name)} is larger than 1 MiB (${info.size} bytes): a secret file holds at most 1 MiB`,
        );
      }
      // A file that grows after fstat is still cut at the cap.
      const text = await readBoundedText(handle, MAX_SECRET_FILE_BYTES);
      if (text === undefined) {
        throw this.#error(name, `${this.#where(name)} is larger than 1 MiB: a secret file holds at most 1 MiB`);
      }
      return text;
    } catch (err) {
      if (err instanceof SecretInvalidError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw this.#error(name, `cannot read it from ${this.description} (${code ?? 'read error'})`);
    } finally {
      await handle.close();
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.#dir, { withFileTypes: true });
      const names: string[] = [];
      for (const e of entries) {
        if (!isValidSecretName(e.name)) continue;
        if (e.isFile()) names.push(e.name);
        else if (e.isSymbolicLink()) {
          const target = await stat(join(this.#dir, e.name)).catch(() => undefined);
          if (target?.isFile()) names.push(e.name);
        }
      }
      return names.sort();
    } catch {
      return [];
    }
  }

  #where(name: string): string {
    return `file ${join(this.#shownDir, name)}`;
  }

  #error(name: string, message: string): SecretInvalidError {
    return new SecretInvalidError(name, `secret '${name}': ${message}`);
  }
}

function kindOf(info: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'something else';
}
