import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { builtinGrantTypes } from '../grants/builtin.js';
import type { GrantType } from '../grants/grant.js';
import { buildConfigSchema } from './schema.js';
import type { CredentialDefinition, CredflowConfig, NamespaceConfig, TenantConfig } from './types.js';

export interface LoadConfigOptions {
  /** Credential types the config may use; default: the built-in ones. */
  grantTypes?: readonly GrantType[];
}

/** The default tenant: top-level `credentials` and `namespaces` belong to it. */
export const DEFAULT_TENANT = 'main';

/**
 * Reads and validates a `credflow.yaml`. Every problem is reported with the
 * file, the YAML path and the line.
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<CredflowConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      file,
      [
        {
          path: '',
          message: code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code ?? 'error'})`,
        },
      ],
      'ERR_CONFIG_NOT_FOUND',
    );
  }
  return parseConfig(text, { file, baseDir: dirname(resolve(file)), ...options });
}

/** Validates config text; `file` only labels messages, `baseDir` resolves relative paths. */
export function parseConfig(
  text: string,
  options: LoadConfigOptions & { file?: string; baseDir?: string } = {},
): CredflowConfig {
  const file = options.file ?? '<inline>';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: lineCounter.linePos(e.pos[0]).line,
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read YAML: ${(err as Error).message}` }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [
      { path: '', line: 1, message: 'the top level must be a mapping (secrets, credentials, ...)' },
    ]);
  }
  const schema = buildConfigSchema(options.grantTypes ?? builtinGrantTypes);
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(file, toIssues(parsed.error.issues, doc, lineCounter));
  }
  return toConfig(parsed.data, file, options.baseDir ?? process.cwd(), doc, lineCounter);
}

type Parsed = z.output<ReturnType<typeof buildConfigSchema>>;
type ParsedScope = {
  credentials: Record<string, Record<string, unknown>>;
  namespaces: Record<string, { credentials: Record<string, Record<string, unknown>> }>;
};

function toConfig(data: Parsed, file: string, baseDir: string, doc: Document, lc: LineCounter): CredflowConfig {
  const tenants = new Map<string, TenantConfig>();
  const toTenant = (s: ParsedScope): TenantConfig => ({
    credentials: new Map(Object.entries(s.credentials) as [string, CredentialDefinition][]),
    namespaces: new Map(
      Object.entries(s.namespaces).map(([ns, n]): [string, NamespaceConfig] => [
        ns,
        { credentials: new Map(Object.entries(n.credentials) as [string, CredentialDefinition][]) },
      ]),
    ),
  });
  const main = toTenant(data as unknown as ParsedScope);
  tenants.set(DEFAULT_TENANT, main);
  for (const [id, t] of Object.entries(data.tenants)) {
    const tenant = toTenant(t as unknown as ParsedScope);
    if (id === DEFAULT_TENANT) {
      // `tenants.main` may hold more of the default tenant, but not the same keys twice.
      for (const [k, v] of tenant.credentials) {
        if (main.credentials.has(k)) duplicate(file, ['tenants', id, 'credentials', k], doc, lc);
        main.credentials.set(k, v);
      }
      for (const [ns, n] of tenant.namespaces) {
        const existing = main.namespaces.get(ns);
        if (!existing) main.namespaces.set(ns, n);
        else
          for (const [k, v] of n.credentials) {
            if (existing.credentials.has(k))
              duplicate(file, ['tenants', id, 'namespaces', ns, 'credentials', k], doc, lc);
            existing.credentials.set(k, v);
          }
      }
    } else tenants.set(id, tenant);
  }
  return {
    file,
    baseDir,
    secrets: data.secrets.map((s) => (s.type === 'file' ? { type: 'file', dir: resolve(baseDir, s.dir) } : s)),
    tenants,
  };
}

function duplicate(file: string, path: string[], doc: Document, lc: LineCounter): never {
  throw new ConfigError(file, [
    {
      path: formatPath(path),
      line: locate(doc, path, lc),
      message: `credential '${path.at(-1)}' is defined both here and at the top level of the default tenant`,
    },
  ]);
}

function toIssues(issues: readonly z.core.$ZodIssue[], doc: Document, lc: LineCounter): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath([...path, key]),
          line: locate(doc, [...path, key], lc, true),
          message: `unknown field '${key}'`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && path.length > 0) {
      // An unknown discriminator: point at `type`.
      const typePath = path.at(-1) === 'type' ? path : [...path, 'type'];
      out.push({ path: formatPath(typePath), line: locate(doc, typePath, lc), message: issue.message });
      continue;
    }
    if (issue.code === 'invalid_key') {
      const nested = issue.issues[0]?.message ?? 'invalid name';
      out.push({
        path: formatPath(path),
        line: locate(doc, path, lc, true),
        message: `invalid name '${String(path.at(-1)).slice(0, 80)}': ${cleanMessage(nested)}`,
      });
      continue;
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    out.push({
      path: formatPath(path),
      line: locate(doc, path, lc),
      message: missing ? 'is required' : cleanMessage(issue.message),
    });
  }
  return out;
}

function cleanMessage(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)),
    '',
  );
}

/** 1-based line of the deepest node on `path` that exists (the key itself when `atKey`). */
function locate(doc: Document, path: readonly (string | number)[], lc: LineCounter, atKey = false): number | undefined {
  let node: unknown = doc.contents;
  let line = pos(node as Node | null, lc);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && atKey) return pos(pair.key as Node, lc) ?? line;
      node = pair.value;
      line = pos(pair.value as Node | null, lc) ?? pos(pair.key as Node, lc) ?? line;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      line = pos(node as Node | null, lc) ?? line;
    } else break;
  }
  return line;
}

function pos(node: Node | null | undefined, lc: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}
