import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SecretError } from '../errors.js';
import { isValidSecretName, type SecretProvider } from './secret-provider.js';

/**
 * Reads secret `NAME` from the file `<dir>/<NAME>` (one file per secret, as
 * Docker and Kubernetes mount them). One trailing newline is trimmed.
 */
export class FileSecretProvider implements SecretProvider {
  readonly description: string;
  readonly #dir: string;

  /** @param dir absolute directory; @param shownAs how to name it in messages. */
  constructor(dir: string, shownAs?: string) {
    this.#dir = dir;
    this.description = `file ${shownAs ?? (relative(process.cwd(), dir) || '.')}`;
  }

  async get(name: string): Promise<string | undefined> {
    // Names are validated by the resolver; this guard keeps the provider safe alone.
    if (!isValidSecretName(name)) return undefined;
    try {
      const text = await readFile(join(this.#dir, name), 'utf8');
      return text.replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new SecretError(
        'ERR_SECRET_INVALID',
        name,
        `secret '${name}': cannot read it from ${this.description} (${code ?? 'read error'})`,
      );
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.#dir, { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && isValidSecretName(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  }
}
