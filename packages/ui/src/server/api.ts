import {
  CredentialStore,
  type CredflowConfig,
  CredflowError,
  type Logger,
  Masker,
  type SecretProvider,
  SecretResolver,
} from '@credflow/credentials-core';
import { Hono } from 'hono';
import { type ConfigFile, DefinitionError } from './config-file.js';
import { type CredentialLocation, locationIssues } from './credential-location.js';

export interface ApiOptions {
  file: ConfigFile;
  logger: Logger;
  /** Secret providers instead of the config's (tests). */
  secretProviders?: readonly SecretProvider[];
}

interface Body {
  tenantId?: unknown;
  namespace?: unknown;
  key?: unknown;
  definition?: unknown;
  original?: { tenantId?: unknown; namespace?: unknown; key?: unknown };
}

const TYPES = ['client_credentials', 'private_key_jwt', 'jwt_bearer', 'github_app'];

function location(
  b: { tenantId?: unknown; namespace?: unknown; key?: unknown } | undefined,
): CredentialLocation | { issues: { path: string; message: string }[] } {
  const loc = {
    tenantId: b?.tenantId ?? 'main',
    namespace: b?.namespace || undefined,
    key: b?.key,
  } as Partial<CredentialLocation>;
  const issues = locationIssues(loc);
  return issues.length ? { issues } : (loc as CredentialLocation);
}

/** The JSON API of `credflow ui`. Responses never hold a token or a secret value. */
export function createApi(options: ApiOptions): Hono {
  const { file, logger } = options;
  const api = new Hono();
  const storeFor = (config: CredflowConfig) =>
    new CredentialStore(config, {
      logger,
      ...(options.secretProviders ? { secretProviders: options.secretProviders } : {}),
    });

  api.onError((err, c) => {
    if (err instanceof DefinitionError)
      return c.json({ error: 'invalid', message: err.message, issues: err.issues }, 400);
    if (err instanceof CredflowError) return c.json({ error: 'invalid', message: err.message, issues: [] }, 400);
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
    const { config } = await file.load();
    const store = storeFor(config);
    const tenants = [...config.tenants.entries()].map(([tenantId]) => ({
      id: tenantId,
      credentials: store.list({ tenantId }).filter((s) => s.level === 'tenant'),
      namespaces: [...(config.tenants.get(tenantId)?.namespaces.keys() ?? [])].map((ns) => ({
        id: ns,
        credentials: store.list({ tenantId, namespace: ns }).filter((s) => s.level === 'namespace'),
      })),
    }));
    const resolver = new SecretResolver(options.secretProviders ?? store.secrets.providers);
    const secretNames = await resolver.listNames();
    return c.json({
      file: file.path,
      types: TYPES,
      tenants,
      secretNames,
      providers: resolver.providers.map((p) => p.description),
    });
  });

  api.post('/definition', async (c) => {
    const loc = location(await readBody(c));
    if ('issues' in loc) return c.json({ error: 'invalid', message: 'bad location', issues: loc.issues }, 400);
    const definition = await file.definition(loc);
    if (definition === undefined)
      return c.json({ error: 'not_found', message: `no credential '${loc.key}' there` }, 404);
    return c.json({ ...loc, definition });
  });

  api.post('/test', async (c) => {
    const body = await readBody(c);
    const loc = location(body);
    if ('issues' in loc) return c.json({ error: 'invalid', message: 'bad location', issues: loc.issues }, 400);
    const config = await file.validate(loc.key, body.definition);
    const store = storeFor(config);
    // The answer holds server text (scopes, RFC 6749 error text): masked with every value the mint produced or sent.
    const masker = new Masker();
    store.onSensitiveValue(masker.add);
    const started = performance.now();
    try {
      const info = await store.test(loc.key);
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
    const loc = location(body);
    if ('issues' in loc) return c.json({ error: 'invalid', message: 'bad location', issues: loc.issues }, 400);
    const def = body.definition;
    if (!def || typeof def !== 'object' || Array.isArray(def)) {
      return c.json(
        {
          error: 'invalid',
          message: 'definition must be an object',
          issues: [{ path: '', message: 'definition must be an object' }],
        },
        400,
      );
    }
    await file.validate(loc.key, def); // field-level errors first, named relative to the definition
    const original = body.original ? location(body.original) : undefined;
    if (original && 'issues' in original)
      return c.json({ error: 'invalid', message: 'bad original location', issues: original.issues }, 400);
    await file.save(loc, def as Record<string, unknown>, original);
    return c.json({ saved: true, ...loc });
  });

  api.delete('/credentials', async (c) => {
    const loc = location(await readBody(c));
    if ('issues' in loc) return c.json({ error: 'invalid', message: 'bad location', issues: loc.issues }, 400);
    return c.json({ deleted: await file.remove(loc), ...loc });
  });

  return api;
}
