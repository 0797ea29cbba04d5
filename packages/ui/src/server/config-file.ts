import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type CredflowConfig, parseConfig } from '@credflow/credentials-core';
import { type Document, isMap, isScalar, parseDocument, stringify } from 'yaml';
import { type CredentialLocation, yamlPath } from './credential-location.js';

export interface FieldIssue {
  path: string;
  line?: number;
  message: string;
}

/** A definition that failed validation; `issues` name fields relative to the definition. */
export class DefinitionError extends Error {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path || 'definition'}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}

/**
 * `credflow.yaml` as the UI edits it: read with the yaml Document API so
 * that saving keeps comments, ordering and layout; validated before every
 * write; written atomically (temp file, then rename).
 */
export class ConfigFile {
  readonly path: string;
  readonly baseDir: string;

  constructor(path: string) {
    this.path = resolve(path);
    this.baseDir = dirname(this.path);
  }

  async text(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  async load(): Promise<{ config: CredflowConfig; doc: Document }> {
    const text = await this.text();
    return { config: parseConfig(text, { file: this.path, baseDir: this.baseDir }), doc: parseDocument(text) };
  }

  /** The definition as written in the file (no defaults filled in). */
  async definition(loc: CredentialLocation): Promise<unknown> {
    const doc = parseDocument(await this.text());
    const node = doc.getIn(yamlPath(loc), true) as { toJSON?: () => unknown } | undefined;
    return node?.toJSON?.();
  }

  /**
   * Validates one definition as if it were in this file (same secret
   * providers), returning a config holding it as `credentials.<key>` of the
   * default tenant, ready to build a store for a test.
   */
  async validate(key: string, definition: unknown): Promise<CredflowConfig> {
    const doc = parseDocument(await this.text());
    const secrets = (doc.get('secrets', true) as { toJSON?: () => unknown } | undefined)?.toJSON?.();
    const text = stringify({ ...(secrets ? { secrets } : {}), credentials: { [key]: definition } });
    try {
      return parseConfig(text, { file: this.path, baseDir: this.baseDir });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const prefix = `credentials.${key}`;
      throw new DefinitionError(
        err.issues.map((i) => ({
          path: i.path.startsWith(`${prefix}.`) ? i.path.slice(prefix.length + 1) : i.path === prefix ? '' : i.path,
          message: i.message,
        })),
      );
    }
  }

  /** Removes a credential; `false` when it was not there. */
  async remove(loc: CredentialLocation): Promise<boolean> {
    const doc = parseDocument(await this.text());
    if (!doc.hasIn(yamlPath(loc))) return false;
    doc.deleteIn(yamlPath(loc));
    await this.#write(doc.toString());
    return true;
  }

  async #write(text: string): Promise<CredflowConfig> {
    let config: CredflowConfig;
    try {
      config = parseConfig(text, { file: this.path, baseDir: this.baseDir });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new DefinitionError(
        err.issues.map((i) => ({ path: i.path, ...(i.line ? { line: i.line } : {}), message: i.message })),
      );
    }
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      // Keep the file's permissions; a new file is readable by its owner only.
      const mode = await stat(this.path).then(
        (st) => st.mode & 0o777,
        () => 0o600,
      );
      await writeFile(tmp, text, { mode });
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return config;
  }

  /** Writes a definition at its location (replacing `originalKey` when renamed), keeping the rest of the file. */
  async save(
    loc: CredentialLocation,
    definition: Record<string, unknown>,
    original?: CredentialLocation,
  ): Promise<CredflowConfig> {
    const doc = parseDocument(await this.text());
    if (doc.errors.length)
      throw new DefinitionError([
        { path: '', message: 'the config file has YAML syntax errors: fix it by hand first' },
      ]);
    if (doc.contents === null) doc.contents = doc.createNode({}) as never;
    if (original && yamlPath(original).join('\u0000') !== yamlPath(loc).join('\u0000'))
      doc.deleteIn(yamlPath(original));
    const path = yamlPath(loc);
    const existing = doc.getIn(path, true);
    if (isMap(existing)) {
      for (const k of Object.keys(definition)) {
        const v = definition[k];
        const cur = existing.get(k, true);
        // Update scalars in place so their comments stay.
        if (isScalar(cur) && (v === null || typeof v !== 'object')) cur.value = v;
        else existing.set(k, doc.createNode(v));
      }
      for (const item of [...existing.items]) {
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (!Object.hasOwn(definition, k)) existing.delete(k);
      }
    } else {
      doc.setIn(path, doc.createNode(definition));
    }
    return this.#write(doc.toString());
  }
}
