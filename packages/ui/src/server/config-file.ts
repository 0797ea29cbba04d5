import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type CredflowConfig, parseConfig } from '@credflow/credentials-core';
import { formatPath } from '@credflow/credentials-core/internal';
import { type Document, parseDocument } from 'yaml';
import { type CredentialLocation, yamlPath } from './credential-location.js';
import { type FieldSource, fieldSources } from './field-sources.js';
import { DefinitionError, UiConflictError, UiFileError, UiNotFoundError } from './ui-errors.js';
import { deleteKey, moveKey } from './yaml/yaml-edit.js';
import { locate, parseForEdit } from './yaml/yaml-locate.js';
import { patchValue } from './yaml/yaml-patch.js';

export { DefinitionError, type FieldIssue } from './ui-errors.js';

const samePlace = (a: CredentialLocation, b: CredentialLocation) =>
  yamlPath(a).join('\u0000') === yamlPath(b).join('\u0000');

/**
 * `credflow.yaml` as the UI edits it. Saving changes only the bytes of what
 * changed (located with the yaml Document API): untouched fields, comments,
 * blank lines, flow/block style and quoting stay as written, and nothing is
 * defaulted in. Every write is validated first and atomic (temp file, then rename).
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
    const found = locate(parseForEdit(await this.text()), yamlPath(loc));
    return found?.node?.toJSON();
  }

  /** The source text of each field of a definition, for the page's YAML snippets. */
  async sources(loc: CredentialLocation): Promise<Record<string, FieldSource>> {
    return fieldSources(await this.text(), yamlPath(loc));
  }

  /**
   * Validates one definition as if it were saved at `loc` in this file, and
   * returns the config the file would then hold: the same tenants,
   * namespaces and secret providers, so a store built from it resolves the
   * credential's secrets in its own tenant and namespace (its namespace's
   * providers, its parents', then its tenant's; a tenant without `secrets:`
   * has none), exactly as `credflow credentials test` does (SPEC section 7).
   * The file itself is not written. Problems of the definition are named
   * relative to it; a problem elsewhere in the file keeps its own path.
   */
  async validate(loc: CredentialLocation, definition: unknown): Promise<CredflowConfig> {
    const path = yamlPath(loc);
    const text = patchValue(await this.#editable(), path, definition);
    try {
      return parseConfig(text, { file: this.path, baseDir: this.baseDir });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const prefix = formatPath(path);
      throw new DefinitionError(
        err.issues.map((i) => ({
          path: i.path.startsWith(`${prefix}.`) ? i.path.slice(prefix.length + 1) : i.path === prefix ? '' : i.path,
          message: i.message,
        })),
      );
    }
  }

  async #editable(): Promise<string> {
    const text = await this.text();
    if (parseForEdit(text).errors.length)
      throw new UiFileError(`${this.path} has YAML syntax errors: fix them in the file first, then reload`);
    return text;
  }

  /** Removes a credential with the lines it owns (its comments); `false` when it was not there. */
  async remove(loc: CredentialLocation): Promise<boolean> {
    const text = await this.#editable();
    const path = yamlPath(loc);
    if (!locate(parseForEdit(text), path)) return false;
    await this.#write(deleteKey(text, path.slice(0, -1), loc.key));
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

  /**
   * Writes a definition at its location, changing only what differs from
   * the file. With `original` at another place, the credential is renamed
   * or moved first, carrying its comments. `create` refuses to overwrite.
   */
  async save(
    loc: CredentialLocation,
    definition: Record<string, unknown>,
    options: { original?: CredentialLocation; create?: boolean } = {},
  ): Promise<void> {
    const text = await this.#editable();
    const doc = parseForEdit(text);
    const path = yamlPath(loc);
    const exists = locate(doc, path) !== undefined;
    const { original } = options;
    let next = text;
    if (original && !samePlace(original, loc)) {
      const from = yamlPath(original);
      if (!locate(doc, from)) throw new UiNotFoundError(`'${original.key}' is no longer in the file: reload the page`);
      if (exists)
        throw new UiConflictError(`a credential '${loc.key}' already exists there`, [
          { path: 'key', message: `'${loc.key}' already exists there: pick another key` },
        ]);
      next = moveKey(
        next,
        { mapPath: from.slice(0, -1), key: original.key },
        { mapPath: path.slice(0, -1), key: loc.key },
      );
    } else if (options.create && exists) {
      throw new UiConflictError(`a credential '${loc.key}' already exists there`, [
        { path: 'key', message: `'${loc.key}' already exists there: edit it, or pick another key` },
      ]);
    }
    next = patchValue(next, path, definition);
    if (next !== text) await this.#write(next);
  }
}
