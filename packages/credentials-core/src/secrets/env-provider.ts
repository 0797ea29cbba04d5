import { isUtf8 } from 'node:buffer';
import { type Logger, stderrLogger } from '../clock.js';
import { SecretInvalidError } from '../errors.js';
import type { SecretProvider } from './secret-provider.js';

export interface EnvProviderOptions {
  /** `base64` (default, the Kestra convention) or `plain`. */
  encoding?: 'base64' | 'plain';
  /** Variable name prefix; default `SECRET_`. */
  prefix?: string;
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where to warn about a base64 value that does not decode to UTF-8 text; default stderr. */
  logger?: Logger;
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
  readonly #logger: Logger;
  /** Variables already warned about, so a secret read at every mint warns once. */
  readonly #warned = new Set<string>();
  /**
   * Each variable's last base64 text and what it decoded to: the variable is
   * read at every call (a changed value is seen at once), decoded only when
   * its text is not the one decoded last. At most one entry per variable,
   * dropped as soon as a read finds another value (or none) there.
   */
  readonly #decoded = new Map<string, { raw: string; text: string }>();

  constructor(options: EnvProviderOptions = {}) {
    this.#encoding = options.encoding ?? 'base64';
    this.#prefix = options.prefix ?? 'SECRET_';
    this.#env = options.env ?? process.env;
    this.#logger = options.logger ?? stderrLogger;
    this.description = `env ${this.#prefix}<NAME> (${this.#encoding})`;
  }

  async get(name: string): Promise<string | undefined> {
    const variable = this.#prefix + name;
    const raw = this.#env[variable];
    if (raw === undefined) {
      // Gone from the environment: so is what it decoded to.
      this.#decoded.delete(variable);
      return undefined;
    }
    if (this.#encoding === 'plain') return raw;
    const last = this.#decoded.get(variable);
    if (last !== undefined) {
      if (last.raw === raw) return last.text;
      this.#decoded.delete(variable);
    }
    const text = this.#decode(name, variable, raw);
    this.#decoded.set(variable, { raw, text });
    return text;
  }

  #decode(name: string, variable: string, raw: string): string {
    const compact = raw.replace(/\s+/g, '');
    if (!BASE64.test(compact)) {
      throw new SecretInvalidError(
        name,
        `secret '${name}': environment variable ${this.#prefix}${name} is not valid base64 (encode it, or set "encoding: plain" on the env provider)`,
      );
    }
    const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
    if (!isUtf8(bytes) && !this.#warned.has(variable)) {
      // A plain value made of base64 letters (`abc123`) decodes to bytes that are not text: the
      // server then sees garbage and answers invalid_client. Never quote the value or its bytes.
      this.#warned.add(variable);
      this.#logger.warn(
        `secret '${name}': environment variable ${variable} is base64 that does not decode to UTF-8 text: if it holds the plain value, encode it (printf %s 'value' | base64) or set "encoding: plain" on the env provider`,
      );
    }
    const text = bytes.toString('utf8');
    if (/^[^\n]+\r?\n$/.test(text) && !this.#warned.has(variable)) {
      // `echo value | base64` encodes the newline echo adds: the server then sees a wrong
      // secret and answers invalid_client. A one-line value is meant (a PEM key spans lines).
      this.#warned.add(variable);
      this.#logger.warn(
        `secret '${name}': environment variable ${variable} decodes to one line ending with a newline, which is sent as part of the secret (as 'echo value | base64' makes): if the newline is not part of it, encode without one (printf %s 'value' | base64)`,
      );
    }
    return text;
  }

  async list(): Promise<string[]> {
    return Object.keys(this.#env)
      .filter((k) => k.startsWith(this.#prefix) && k.length > this.#prefix.length)
      .map((k) => k.slice(this.#prefix.length))
      .sort();
  }
}
