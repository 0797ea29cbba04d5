import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BootstrapRef } from '../config/secret-provider-schema.js';
import { SecretProviderBootstrapError } from '../errors.js';

/**
 * Reads a provider's bootstrap value (SPEC section 2): an environment
 * variable or a file (one trailing newline trimmed; relative to the config
 * file). Read on each login, so a rotated token file is picked up. Errors
 * name the variable or file, never the value.
 */
export async function readBootstrap(ref: BootstrapRef, baseDir: string, what: string): Promise<string> {
  if ('env' in ref) {
    const v = process.env[ref.env];
    if (v === undefined || v === '') {
      throw new SecretProviderBootstrapError(`${what}: environment variable ${ref.env} is not set`);
    }
    return v;
  }
  const path = resolve(baseDir, ref.file);
  try {
    const v = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    if (v === '') throw new SecretProviderBootstrapError(`${what}: file ${ref.file} is empty`);
    return v;
  } catch (err) {
    if (err instanceof SecretProviderBootstrapError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new SecretProviderBootstrapError(`${what}: cannot read file ${ref.file} (${code})`);
  }
}
