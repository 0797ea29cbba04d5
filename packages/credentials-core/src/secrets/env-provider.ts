import { SecretError } from '../errors.js';
import type { SecretProvider } from './secret-provider.js';

export interface EnvProviderOptions {
  /** `base64` (default, the Kestra convention) or `plain`. */
  encoding?: 'base64' | 'plain';
  /** Variable name prefix; default `SECRET_`. */
  prefix?: string;
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Reads secret `NAME` from the environment variable `SECRET_<NAME>`, whose
 * value is base64-encoded by default (as Kestra does).
 */
export class EnvSecretProvider implements SecretProvider {
  readonly description: string;
  readonly #encoding: 'base64' | 'plain';
  readonly #prefix: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: EnvProviderOptions = {}) {
    this.#encoding = options.encoding ?? 'base64';
    this.#prefix = options.prefix ?? 'SECRET_';
    this.#env = options.env ?? process.env;
    this.description = `env ${this.#prefix}<NAME> (${this.#encoding})`;
  }

  async get(name: string): Promise<string | undefined> {
    const raw = this.#env[this.#prefix + name];
    if (raw === undefined) return undefined;
    if (this.#encoding === 'plain') return raw;
    const compact = raw.replace(/\s+/g, '');
    if (!BASE64.test(compact)) {
      throw new SecretError(
        'ERR_SECRET_INVALID',
        name,
        `secret '${name}': environment variable ${this.#prefix}${name} is not valid base64 (encode it, or set "encoding: plain" on the env provider)`,
      );
    }
    return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64').toString(
      'utf8',
    );
  }

  async list(): Promise<string[]> {
    return Object.keys(this.#env)
      .filter((k) => k.startsWith(this.#prefix) && k.length > this.#prefix.length)
      .map((k) => k.slice(this.#prefix.length))
      .sort();
  }
}
