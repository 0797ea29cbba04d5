import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type CredflowConfig, parseConfig } from '@credflow/credentials-core';
import { formatPath } from '@credflow/credentials-core/internal';
import { type Document, parseDocument } from 'yaml';
import { type CredentialLocation, yamlPath } from './credential-location.js';
import { changedFields, definitionVersion } from './definition-version.js';
import { type FieldSource, fieldSources } from './field-sources.js';
import { DefinitionError, type FieldIssue, UiConflictError, UiFileError, UiNotFoundError } from './ui-errors.js';
import { deleteKey, moveKey } from './yaml/yaml-edit.js';
import { locate, parseForEdit } from './yaml/yaml-locate.js';
import { patchValue } from './yaml/yaml-patch.js';

export { DefinitionError, type FieldIssue } from './ui-errors.js';

const samePlace = (a: CredentialLocation, b: CredentialLocation) =>
  yamlPath(a).join('\u0000') === yamlPath(b).join('\u0000');

/** Values that pass a field's own check, tried in turn to stand in for a field reported wrong. */
const STAND_INS: unknown[] = [
  { secret: 'CREDFLOW_STAND_IN' },
  'https://stand-in.invalid/token',
  'PT1M',
  'stand-in',
  1,
  true,
  ['stand-in'],
  {},
];
const topField = (path: string) => path.split('.')[0] ?? path;

/**
 * The problems the config reports only once every field is valid on its
 * own (tokenEndpoint or issuer, clientSecret or mTLS, ...): found with a
 * stand-in value for each field already reported, so that one save reports
 * every problem at once, each named once, by the config's own checks.
 */
function laterIssues(
  definition: unknown,
  issues: readonly FieldIssue[],
  issuesOf: (def: unknown) => FieldIssue[],
): FieldIssue[] {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) return [];
  const fields = [...new Set(issues.map((i) => topField(i.path)))];
  if (fields.includes('') || fields.includes('type')) return [];
  const def: Record<string, unknown> = { ...(definition as Record<string, unknown>) };
  for (const field of fields) {
    const fits = STAND_INS.find((v) => !issuesOf({ ...def, [field]: v }).some((i) => topField(i.path) === field));
    if (fits === undefined) return [];
    def[field] = fits;
  }
  return issuesOf(def).filter((i) => i.path !== '' && !fields.includes(topField(i.path)));
}

/** How many loaded versions are remembered to name what changed in a conflict. */
const REMEMBERED_VERSIONS = 500;

/** A credential as written in the file, with its version (see {@link definitionVersion}). */
export interface VersionedDefinition {
  definition: unknown;
  version: string;
}

/**
 * `credflow.yaml` as the UI edits it. Saving changes only the bytes of what
 * changed (located with the yaml Document API): untouched fields, comments,
 * blank lines, flow/block style and quoting stay as written, and nothing is
 * defaulted in. Every write is validated first and atomic (temp file, then rename).
 */
export class ConfigFile {
  readonly path: string;
  readonly baseDir: string;
  /** Definitions the page loaded, by version: what changed is named against them (field names only). */
  readonly #loaded = new Map<string, unknown>();
  /** Writes of this process, one at a time: a version check and its write are never interleaved with another. */
  #writing: Promise<unknown> = Promise.resolve();

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
    return (await this.versioned(loc))?.definition;
  }

  /** The definition as written in the file and its version; undefined when it is not there. */
  async versioned(loc: CredentialLocation): Promise<VersionedDefinition | undefined> {
    const definition = locate(parseForEdit(await this.text()), yamlPath(loc))?.node?.toJSON();
    if (definition === undefined) return undefined;
    return { definition, version: this.#remember(definition) };
  }

  /** The version of the credential at `loc` in a document read with {@link load}; undefined when it is not there. */
  versionIn(doc: Document, loc: CredentialLocation): string | undefined {
    const definition = doc.getIn(yamlPath(loc), true) as { toJSON?: () => unknown } | undefined;
    const json = definition?.toJSON?.();
    return json === undefined ? undefined : this.#remember(json);
  }

  #remember(definition: unknown): string {
    const version = definitionVersion(definition);
    this.#loaded.delete(version);
    this.#loaded.set(version, structuredClone(definition));
    for (const old of this.#loaded.keys()) {
      if (this.#loaded.size <= REMEMBERED_VERSIONS) break;
      this.#loaded.delete(old);
    }
    return version;
  }

  /**
   * Refuses a write over a credential that changed in the file since the
   * page loaded `version` of it (no lost update); nothing to check without a version.
   */
  #checkVersion(doc: Document.Parsed, loc: CredentialLocation, version: string | undefined): void {
    if (version === undefined) return;
    const now = locate(doc, yamlPath(loc))?.node?.toJSON();
    const where = `${loc.namespace ? `namespace ${loc.namespace}` : `tenant ${loc.tenantId}`}`;
    if (now === undefined)
      throw new UiConflictError(
        `'${loc.key}' (${where}) was removed from the file since you opened it: nothing was written`,
        [{ path: '', message: 'removed from the file since you opened it' }],
        { changed: [] },
      );
    const current = definitionVersion(now);
    if (current === version) return;
    const before = this.#loaded.get(version);
    const changed = before === undefined ? undefined : changedFields(before, now);
    throw new UiConflictError(
      `'${loc.key}' (${where}) changed in the file since you opened it${
        changed?.length ? ` (${changed.join(', ')})` : ''
      }: nothing was written; reload it, then make your change again`,
      (changed ?? []).map((path) => ({ path, message: 'changed in the file since you opened it' })),
      { ...(changed ? { changed } : {}), version: current },
    );
  }

  /** Refuses with ERR_UI_CONFLICT when the credential at `loc` is no longer at `version` (checked again when writing). */
  async checkVersion(loc: CredentialLocation, version: string | undefined): Promise<void> {
    if (version !== undefined) this.#checkVersion(parseForEdit(await this.text()), loc, version);
  }

  /** Runs one write after the ones before it (in this process). */
  #exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(write, write);
    this.#writing = run.catch(() => undefined);
    return run;
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
    const base = await this.#editable();
    const prefix = formatPath(path);
    const parse = (def: unknown) =>
      parseConfig(patchValue(base, path, def), { file: this.path, baseDir: this.baseDir });
    const issuesOf = (def: unknown): FieldIssue[] => {
      try {
        parse(def);
        return [];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.issues.map((i) => ({
          path: i.path.startsWith(`${prefix}.`) ? i.path.slice(prefix.length + 1) : i.path === prefix ? '' : i.path,
          message: i.message,
        }));
      }
    };
    try {
      return parse(definition);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
    const issues = issuesOf(definition);
    throw new DefinitionError([...issues, ...laterIssues(definition, issues, issuesOf)]);
  }

  async #editable(): Promise<string> {
    const text = await this.text();
    if (parseForEdit(text).errors.length)
      throw new UiFileError(`${this.path} has YAML syntax errors: fix them in the file first, then reload`);
    return text;
  }

  /**
   * Removes a credential with the lines it owns (its comments); `false` when
   * it was not there. With `version`, refused when it changed since then.
   */
  remove(loc: CredentialLocation, version?: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const text = await this.#editable();
      const path = yamlPath(loc);
      const doc = parseForEdit(text);
      if (!locate(doc, path)) {
        if (version !== undefined) this.#checkVersion(doc, loc, version);
        return false;
      }
      this.#checkVersion(doc, loc, version);
      await this.#write(deleteKey(text, path.slice(0, -1), loc.key));
      return true;
    });
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
   * With `version` (of the credential where it was loaded: `original`, else
   * `loc`), refused when it changed in the file since then. Returns the
   * version of the definition now in the file.
   */
  save(
    loc: CredentialLocation,
    definition: Record<string, unknown>,
    options: { original?: CredentialLocation; create?: boolean; version?: string } = {},
  ): Promise<string | undefined> {
    return this.#exclusive(() => this.#save(loc, definition, options));
  }

  async #save(
    loc: CredentialLocation,
    definition: Record<string, unknown>,
    options: { original?: CredentialLocation; create?: boolean; version?: string },
  ): Promise<string | undefined> {
    const text = await this.#editable();
    const doc = parseForEdit(text);
    const path = yamlPath(loc);
    const exists = locate(doc, path) !== undefined;
    const { original } = options;
    this.#checkVersion(doc, original ?? loc, options.version);
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
    const saved = locate(parseForEdit(next), path)?.node?.toJSON();
    return saved === undefined ? undefined : this.#remember(saved);
  }
}
