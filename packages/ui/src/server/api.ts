import {
  builtinGrantTypes,
  CredentialStore,
  type CredflowConfig,
  CredflowError,
  DEFAULT_TENANT,
  type Logger,
  Masker,
  type Scope,
  type SecretProvider,
  type SecretRef,
  YamlFileError,
} from '@credflow/credentials-core';
import { KEY_PATTERN, NAMESPACE_PATTERN, SecretResolver, TENANT_PATTERN } from '@credflow/credentials-core/internal';
import { Hono } from 'hono';
import type { ConfigFile } from './config-file.js';
import { type CredentialLocation, locationIssues } from './credential-location.js';
import { type DefinitionInput, definitionFrom } from './definition-input.js';
import { versionFromIfMatch } from './definition-version.js';
import { providerDescriptions } from './provider-descriptions.js';
import { secretStatuses } from './secret-status.js';
import { DefinitionError, UiConflictError, UiError, UiNotFoundError } from './ui-errors.js';

export interface ApiOptions {
  file: ConfigFile;
  logger: Logger;
  /** Secret providers instead of the config's (tests). */
  secretProviders?: readonly SecretProvider[];
  /** One line per save and delete (names only, never values). */
  log?: (line: string) => void;
}

interface Where {
  tenantId?: unknown;
  namespace?: unknown;
  key?: unknown;
}

interface Body extends Where, DefinitionInput {
  original?: Where;
  create?: unknown;
  refs?: unknown;
  /** The version of the credential the page loaded (as `If-Match` would carry it). */
  version?: unknown;
}

/** The credential types the page offers: the store's built-in grants. */
const TYPES = builtinGrantTypes.map((g) => g.type);
const FIELD_NAMES: Record<string, string> = { key: 'Key', tenantId: 'Tenant', namespace: 'Namespace' };

/** The location a body names, or a refusal that says in words what is wrong with it. */
function location(b: Where | undefined): CredentialLocation {
  const loc = {
    tenantId: b?.tenantId || DEFAULT_TENANT,
    namespace: b?.namespace || undefined,
    key: b?.key,
  } as Partial<CredentialLocation>;
  const issues = locationIssues(loc);
  if (issues.length)
    throw new DefinitionError(issues, issues.map((i) => `${FIELD_NAMES[i.path] ?? i.path}: ${i.message}`).join('\n'));
  return loc as CredentialLocation;
}

/**
 * The location and definition a body names, refused with every problem at
 * once: a wrong key, tenant or namespace, and the definition's own problems
 * (checked at a stand-in place of the default tenant).
 */
async function placed(
  file: ConfigFile,
  body: Body,
): Promise<{ loc: CredentialLocation; def: Record<string, unknown> }> {
  let loc: CredentialLocation;
  try {
    loc = location(body);
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    const def = definitionFrom(body);
    const more = await file.validate({ tenantId: DEFAULT_TENANT, key: 'credflow_stand_in' }, def).then(
      () => [],
      (e: unknown) => {
        if (e instanceof DefinitionError) return e.issues;
        throw e;
      },
    );
    throw more.length ? new DefinitionError([...err.issues, ...more]) : err;
  }
  return { loc, def: definitionFrom(body) };
}

/** The scope a credential at `loc` is resolved in (its own tenant and namespace). */
const scopeOf = (loc: CredentialLocation): Scope => ({
  tenantId: loc.tenantId,
  ...(loc.namespace ? { namespace: loc.namespace } : {}),
});

/** How a location is named in the server's log lines: `'key' (tenant main, namespace a.b)`. */
const named = (loc: CredentialLocation) =>
  `'${loc.key}' (tenant ${loc.tenantId}${loc.namespace ? `, namespace ${loc.namespace}` : ''})`;

/** The version a write was made against: the body's `version`, else the `If-Match` header. */
function versionOf(body: Body, ifMatch: string | undefined): string | undefined {
  if (typeof body.version === 'string' && body.version) return body.version;
  return versionFromIfMatch(ifMatch);
}

const isSecretRef = (v: unknown): v is SecretRef =>
  v !== null && typeof v === 'object' && typeof (v as { secret?: unknown }).secret === 'string';

/** The JSON API of `credflow ui`. Responses never hold a token or a secret value. */
export function createApi(options: ApiOptions): Hono {
  const { file, logger } = options;
  const log = options.log ?? (() => {});
  const api = new Hono();
  /** A store for one request; its warnings are masked with every value it reads, mints or sends. */
  const storeFor = (config: CredflowConfig) => {
    const masker = new Masker();
    const store = new CredentialStore(config, {
      logger: { warn: (m) => logger.warn(masker.mask(m)) },
      ...(options.secretProviders ? { secretProviders: options.secretProviders } : {}),
    });
    store.onSensitiveValue(masker.add);
    return store;
  };

  api.onError((err, c) => {
    if (err instanceof UiConflictError)
      return c.json(
        {
          error: 'conflict',
          code: err.code,
          message: err.message,
          issues: err.issues,
          ...(err.changed ? { changed: err.changed } : {}),
          ...(err.version ? { version: err.version } : {}),
        },
        err.status,
      );
    if (err instanceof UiError)
      return c.json({ error: 'invalid', code: err.code, message: err.message, issues: err.issues }, err.status);
    if (err instanceof YamlFileError) {
      // The file itself is invalid: one line per problem, each with its line number.
      const issues = err.issues.map((i) => ({ path: i.path, ...(i.line ? { line: i.line } : {}), message: i.message }));
      return c.json({ error: 'invalid', code: err.code, file: err.file, message: err.message, issues }, 400);
    }
    if (err instanceof CredflowError)
      return c.json({ error: 'invalid', code: err.code, message: err.message, issues: [] }, 400);
    logger.warn(`ui: ${err.message}`);
    return c.json({ error: 'internal', message: 'unexpected error (see the terminal)' }, 500);
  });

  const readBody = async (c: { req: { json(): Promise<unknown> } }): Promise<Body> => {
    try {
      const b = await c.req.json();
      if (b && typeof b === 'object' && !Array.isArray(b)) return b as Body;
    } catch {
      // fall through
    }
    throw new DefinitionError([{ path: '', message: 'the request body must be a JSON object' }]);
  };

  api.get('/credentials', async (c) => {
    const { config, doc } = await file.load();
    const store = storeFor(config);
    const providers = options.secretProviders ?? store.secrets.providers;
    // A namespace lists its own credentials, and apart the ones it inherits from
    // its parent namespaces and its tenant (each with where it is defined).
    const tenants = [...config.tenants.entries()].map(([tenantId]) => ({
      id: tenantId,
      credentials: store.list({ tenantId }).filter((s) => s.level === 'tenant'),
      namespaces: [...(config.tenants.get(tenantId)?.namespaces.keys() ?? [])].map((ns) => {
        const visible = store.list({ tenantId, namespace: ns });
        return {
          id: ns,
          credentials: visible.filter((s) => s.namespace === ns),
          inherited: visible.filter((s) => s.namespace !== ns),
        };
      }),
    }));
    const all = tenants.flatMap((t) => [
      ...t.credentials,
      ...t.namespaces.flatMap((n) => [...n.credentials, ...n.inherited]),
    ]);
    // Each credential's references are checked with the providers of its own scope (SPEC section 2),
    // the ones its test reads (a host's providers, when given, after the namespace's own).
    const statuses = new Map<(typeof all)[number], string[]>();
    await Promise.all(
      all.map(async (s) => {
        const scoped = store.secretProviders({ tenantId: s.tenantId, namespace: s.namespace });
        statuses.set(s, await secretStatuses(scoped, s.secrets));
      }),
    );
    const scopesOf = (s: (typeof all)[number]): string[] | undefined => {
      const tenant = config.tenants.get(s.tenantId);
      const def = (s.namespace ? tenant?.namespaces.get(s.namespace) : tenant)?.credentials.get(s.key) as
        | { scopes?: unknown }
        | undefined;
      const scopes = def?.scopes;
      return Array.isArray(scopes) && scopes.every((x) => typeof x === 'string') ? scopes : undefined;
    };
    const withStatus = (list: typeof all) =>
      list.map((s) => ({
        ...s,
        ...(scopesOf(s) ? { scopes: scopesOf(s) } : {}),
        version: file.versionIn(doc, {
          tenantId: s.tenantId,
          key: s.key,
          ...(s.namespace ? { namespace: s.namespace } : {}),
        }),
        secrets: s.secrets.map((ref, i) => ({ ...ref, status: statuses.get(s)?.[i] })),
      }));
    const resolver = new SecretResolver(providers);
    return c.json({
      file: file.path,
      types: TYPES,
      tenants: tenants.map((t) => ({
        id: t.id,
        credentials: withStatus(t.credentials),
        namespaces: t.namespaces.map((n) => ({
          id: n.id,
          credentials: withStatus(n.credentials),
          inherited: withStatus(n.inherited),
        })),
      })),
      secretNames: await resolver.listNames(),
      providers: providerDescriptions(config, options.secretProviders),
      patterns: { key: KEY_PATTERN.source, namespace: NAMESPACE_PATTERN.source, tenant: TENANT_PATTERN.source },
    });
  });

  api.post('/definition', async (c) => {
    const loc = location(await readBody(c));
    const found = await file.versioned(loc);
    if (found === undefined) throw new UiNotFoundError(`'${loc.key}' is no longer in the file: reload the page`);
    c.header('etag', `"${found.version}"`);
    return c.json({ ...loc, definition: found.definition, version: found.version, sources: await file.sources(loc) });
  });

  api.post('/secret-status', async (c) => {
    const body = await readBody(c);
    const refs = Array.isArray(body.refs) ? body.refs.filter(isSecretRef).slice(0, 100) : [];
    const { config } = await file.load();
    // The form's scope: a tenant's references are checked with that tenant's providers only,
    // after its namespace's and their parents', as the Test connection resolves them.
    const scope = {
      ...(typeof body.tenantId === 'string' && body.tenantId ? { tenantId: body.tenantId } : {}),
      ...(typeof body.namespace === 'string' && body.namespace ? { namespace: body.namespace } : {}),
    };
    // A tenant not in the file yet is created by saving the draft, without `secrets:`:
    // it reads the host's providers when given, else none (as its test would).
    const providers = config.tenants.has(scope.tenantId ?? DEFAULT_TENANT)
      ? storeFor(config).secretProviders(scope)
      : (options.secretProviders ?? []);
    return c.json({ statuses: await secretStatuses(providers, refs) });
  });

  api.post('/test', async (c) => {
    const body = await readBody(c);
    const { loc, def } = await placed(file, body);
    // The file as it would be with this definition at its place: secrets resolve in the
    // credential's own tenant and namespace, as `credflow credentials test` resolves them.
    const config = await file.validate(loc, def);
    const store = storeFor(config);
    // The answer holds server text (scopes, RFC 6749 error text): masked with every value the mint produced or sent.
    const masker = new Masker();
    store.onSensitiveValue(masker.add);
    const started = performance.now();
    try {
      const info = await store.test(loc.key, scopeOf(loc));
      return c.json(
        masker.maskDeep({
          ok: true,
          key: loc.key,
          type: info.type,
          tokenType: info.tokenType,
          expiresIn: info.expiresIn,
          expiresAt: info.expiresAt,
          ...(info.scopes ? { scopes: info.scopes } : {}),
          durationMs: info.durationMs,
        }),
      );
    } catch (err) {
      const e = err as CredflowError & { status?: number; error?: string; error_description?: string };
      return c.json(
        masker.maskDeep({
          ok: false,
          key: loc.key,
          durationMs: Math.round(performance.now() - started),
          error: {
            code: e instanceof CredflowError ? e.code : 'ERR_UNEXPECTED',
            message: e.message,
            ...(typeof e.status === 'number' ? { status: e.status } : {}),
            ...(e.error ? { error: e.error } : {}),
            ...(e.error_description ? { error_description: e.error_description } : {}),
          },
        }),
      );
    }
  });

  api.put('/credentials', async (c) => {
    const body = await readBody(c);
    const { loc, def } = await placed(file, body);
    const original = body.original ? location(body.original) : undefined;
    const expected = versionOf(body, c.req.header('if-match'));
    // A change made to the file meanwhile first (what changed), then field-level errors, named relative to the definition.
    await file.checkVersion(original ?? loc, expected);
    await file.validate(loc, def);
    const version = await file.save(loc, def, {
      ...(original ? { original } : {}),
      create: body.create === true,
      ...(expected ? { version: expected } : {}),
    });
    const moved =
      original &&
      (original.key !== loc.key || original.tenantId !== loc.tenantId || original.namespace !== loc.namespace);
    log(
      moved
        ? `saved ${named(loc)}, renamed or moved from ${named(original)}, in ${file.path}`
        : `saved ${named(loc)} in ${file.path}`,
    );
    if (version) c.header('etag', `"${version}"`);
    return c.json({ saved: true, ...loc, ...(version ? { version } : {}) });
  });

  api.delete('/credentials', async (c) => {
    const body = await readBody(c);
    const loc = location(body);
    const deleted = await file.remove(loc, versionOf(body, c.req.header('if-match')));
    if (deleted) log(`deleted ${named(loc)} from ${file.path}`);
    return c.json({ deleted, ...loc });
  });

  return api;
}
