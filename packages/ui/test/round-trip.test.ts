import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@credflow/credentials-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigFile } from '../src/server/config-file.js';
import { type CredentialLocation, yamlPath } from '../src/server/credential-location.js';
import { deleteKey, moveKey, renameKey } from '../src/server/yaml/yaml-edit.js';
import { locate, pairExtent, parseForEdit } from '../src/server/yaml/yaml-locate.js';
import { patchValue } from '../src/server/yaml/yaml-patch.js';

// The round trip over a corpus of credential definitions that covers every
// field of every credential type, with comments, blank lines, flow style and
// quoting: what the UI does not change stays byte-identical.

const CORPUS = new URL('./fixtures/corpus.yaml.txt', import.meta.url);
let original: string;
let locations: CredentialLocation[];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const parse = (text: string) => parseConfig(text, { file: 'corpus.yaml', baseDir: '/' });
const definitionIn = (text: string, loc: CredentialLocation) =>
  locate(parseForEdit(text), yamlPath(loc))?.node?.toJSON() as Record<string, Json> | undefined;
const lines = (text: string) => text.split('\n');
const lineOf = (text: string, pos: number) => text.slice(0, pos).split('\n').length - 1;

/** The 0-based line range [from, to) of the original that differs, and the count of lines that replaced it. */
function changedLines(before: string, after: string): { from: number; to: number; added: number } {
  const a = lines(before);
  const b = lines(after);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { from: p, to: a.length - s, added: b.length - s - p };
}

/** Every path to a scalar inside a value. */
function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function setAt(value: Json, path: (string | number)[], leaf: Json): Json {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, leaf) : v));
  const obj = value as Record<string, Json>;
  return { ...obj, [String(head)]: setAt(obj[String(head)] as Json, rest, leaf) };
}

const DURATIONS = ['timeout', 'defaultLifetime', 'refreshBeforeExpiry', 'assertionLifetime'];

/** Another valid value for the scalar at `path` (undefined: the field cannot change alone, e.g. `type`). */
function changed(path: (string | number)[], v: Json): Json | undefined {
  const field = [...path].reverse().find((p) => typeof p === 'string') ?? '';
  if (path.length === 1 && field === 'type') return undefined;
  if (DURATIONS.includes(field)) return v === 'PT4M' ? 'PT6M' : 'PT4M';
  if (field === 'clientAuthMethod') return v === 'client_secret_post' ? 'client_secret_basic' : 'client_secret_post';
  if (field === 'algorithm') return v === 'RS384' ? 'ES384' : 'RS384';
  if (field === 'appId' || field === 'installationId') return typeof v === 'number' ? v + 1 : String(Number(v) + 1);
  if (field === 'owner') return 'other-org';
  if (path[0] === 'permissions') return v === 'read' ? 'write' : 'read';
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string' && /^https:\/\//.test(v)) return `${v}/v2`;
  if (typeof v === 'string') return `${v}-2`;
  return undefined;
}

beforeAll(async () => {
  original = await readFile(CORPUS, 'utf8');
  const config = parse(original);
  locations = [];
  for (const [tenantId, tenant] of config.tenants) {
    for (const key of tenant.credentials.keys()) locations.push({ tenantId, key });
    for (const [namespace, ns] of tenant.namespaces)
      for (const key of ns.credentials.keys()) locations.push({ tenantId, namespace, key });
  }
});

describe('round trip over the corpus', () => {
  it('holds at least 20 credentials covering every field of every type', () => {
    expect(locations.length).toBeGreaterThanOrEqual(20);
    expect(original).toContain('/token   # aligned comment'); // the layout a formatter would flatten
    expect(original).toContain("clientId: 'quoted-client'");
    expect(original).toContain('  cc_flow: { type: client_credentials, ');
    const fields = new Map<string, Set<string>>();
    for (const loc of locations) {
      const def = definitionIn(original, loc) ?? {};
      const type = String(def.type);
      const set = fields.get(type) ?? new Set<string>();
      for (const [k, v] of Object.entries(def)) {
        set.add(k);
        if (k === 'cache' && v && typeof v === 'object') for (const c of Object.keys(v)) set.add(`cache.${c}`);
      }
      fields.set(type, set);
    }
    const common = ['type', 'cache.enabled', 'cache.refreshBeforeExpiry', 'timeout', 'defaultLifetime'];
    const expected: Record<string, string[]> = {
      client_credentials: [
        ...['tokenEndpoint', 'clientId', 'clientSecret', 'clientAuthMethod', 'scopes', 'audience', 'resource'],
        'extraParams',
      ],
      private_key_jwt: [
        ...['tokenEndpoint', 'clientId', 'privateKey', 'certificate', 'keyId', 'algorithm', 'assertionLifetime'],
        ...['scopes', 'audience', 'resource', 'extraParams'],
      ],
      jwt_bearer: [
        ...['tokenEndpoint', 'issuer', 'subject', 'audience', 'privateKey', 'certificate', 'keyId', 'algorithm'],
        ...['assertionLifetime', 'additionalClaims', 'scopes', 'clientId', 'clientSecret', 'clientAuthMethod'],
      ],
      github_app: ['appId', 'privateKey', 'installationId', 'owner', 'repositories', 'permissions', 'baseUrl'],
    };
    const covered = (type: string) => [...(fields.get(type) ?? [])].filter((f) => f !== 'cache');
    for (const [type, own] of Object.entries(expected)) {
      // Common fields: covered by the corpus as a whole.
      expect(covered(type).sort()).toEqual(expect.arrayContaining(own.sort()));
    }
    const all = new Set([...fields.values()].flatMap((s) => [...s]));
    for (const c of common) expect(all.has(c)).toBe(true);
  });

  it('open + save without a change leaves the file byte-identical, through the file and the patcher', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-roundtrip-'));
    const path = join(dir, 'credflow.yaml');
    await copyFile(CORPUS, path);
    const file = new ConfigFile(path);
    for (const loc of locations) {
      const def = (await file.definition(loc)) as Record<string, unknown>;
      await file.save(loc, def, { original: loc });
      expect(patchValue(original, yamlPath(loc), structuredClone(def))).toBe(original);
    }
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('changing one field changes only the line(s) of that field, for every scalar of every credential', () => {
    let checked = 0;
    for (const loc of locations) {
      const def = definitionIn(original, loc) as Record<string, Json>;
      for (const leaf of leaves(def)) {
        const next = changed(
          leaf,
          leaf.reduce<Json>((v, k) => (v as Record<string, Json>)[k] as Json, def),
        );
        if (next === undefined) continue;
        const want = setAt(def, leaf, next) as Record<string, Json>;
        const text = patchValue(original, yamlPath(loc), want);
        const where = `${loc.key}.${leaf.join('.')}`;
        expect(definitionIn(text, loc), where).toEqual(want);
        expect(() => parse(text), where).not.toThrow();
        const node = locate(parseForEdit(original), [...yamlPath(loc), ...leaf])?.node;
        const [start, end] = node?.range ?? [0, 0];
        const diff = changedLines(original, text);
        // Only the line(s) the old value was written on differ, and as many lines replace them.
        expect(diff.from, where).toBe(lineOf(original, start));
        expect(diff.to, where).toBe(lineOf(original, end) + 1);
        expect(diff.added, where).toBe(diff.to - diff.from);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(120);
  }, 120_000);

  it('removing a field removes only its lines; adding one adds one line', () => {
    let added = 0;
    for (const loc of locations) {
      const def = definitionIn(original, loc) as Record<string, Json>;
      const map = locate(parseForEdit(original), yamlPath(loc))?.node as unknown as {
        flow?: boolean;
        items: Parameters<typeof pairExtent>[1][];
      };
      for (const field of Object.keys(def)) {
        if (field === 'type') continue;
        const { [field]: _, ...want } = def;
        const text = patchValue(original, yamlPath(loc), want);
        expect(definitionIn(text, loc), `${loc.key} -${field}`).toEqual(want);
        const diff = changedLines(original, text);
        if (map.flow) {
          expect(diff.to - diff.from).toBe(1); // the one line of the flow mapping
          continue;
        }
        const pair = map.items.find((p) => String((p.key as { value: unknown }).value) === field);
        const ext = pairExtent(original, pair as Parameters<typeof pairExtent>[1]);
        expect(diff, `${loc.key} -${field}`).toEqual({
          from: lineOf(original, ext.start),
          to: lineOf(original, ext.end),
          added: 0,
        });
      }
      const absent = Object.entries({ defaultLifetime: 'PT45M', timeout: 'PT9S', cache: { enabled: false } }).find(
        ([k]) => !(k in def),
      );
      if (!absent) continue;
      added++;
      const add = { ...def, [absent[0]]: absent[1] };
      const text = patchValue(original, yamlPath(loc), add);
      expect(definitionIn(text, loc)).toEqual(add);
      expect(() => parse(text)).not.toThrow();
      const diff = changedLines(original, text);
      // A block mapping gets one new line; a flow mapping's one line is edited.
      expect(diff, loc.key).toEqual(
        map.flow ? { from: diff.from, to: diff.from + 1, added: 1 } : { from: diff.from, to: diff.from, added: 1 },
      );
    }
    expect(added).toBeGreaterThan(15);
  }, 120_000);

  it('renames in place: only the key changes, its comments stay', () => {
    for (const loc of locations) {
      const path = yamlPath(loc);
      const text = renameKey(original, path.slice(0, -1), loc.key, `${loc.key}_renamed`);
      const diff = changedLines(original, text);
      expect(diff.to - diff.from, loc.key).toBe(1);
      expect(diff.added).toBe(1);
      expect(definitionIn(text, { ...loc, key: `${loc.key}_renamed` })).toEqual(definitionIn(original, loc));
      expect(() => parse(text)).not.toThrow();
    }
  });

  it('deletes a credential with its comments, the rest byte-identical', () => {
    for (const loc of locations) {
      const path = yamlPath(loc);
      const doc = parseForEdit(original);
      const located = locate(doc, path);
      const text = deleteKey(original, path.slice(0, -1), loc.key);
      expect(definitionIn(text, loc), loc.key).toBeUndefined();
      expect(() => parse(text), loc.key).not.toThrow();
      if (located?.inFlow || (located?.parent as { flow?: boolean } | undefined)?.flow) continue;
      if ((located?.parent as { items: unknown[] } | undefined)?.items.length === 1) {
        // The last credential of a mapping: it becomes an empty mapping, on its key's line.
        expect(changedLines(original, text).added).toBe(1);
        expect(text).toContain('    credentials: {}\n');
        continue;
      }
      const ext = pairExtent(original, located?.pair as Parameters<typeof pairExtent>[1]);
      const from = lineOf(original, ext.start);
      const to = lineOf(original, ext.end);
      const a = lines(original);
      const b = lines(text);
      const removed = a.length - b.length;
      // Exactly its own lines go, plus at most one blank separator line.
      expect(removed - (to - from), loc.key).toBeGreaterThanOrEqual(0);
      expect(removed - (to - from), loc.key).toBeLessThanOrEqual(1);
      const diff = changedLines(original, text);
      expect(diff.added).toBe(0);
      for (let i = diff.from; i < diff.to; i++)
        if (i < from || i >= to) expect(a[i]?.trim(), `${loc.key} line ${i + 1}`).toBe('');
    }
  });

  it('moves a credential to another namespace and tenant, keeping its comments; the rest is untouched', () => {
    const from = { tenantId: 'main', key: 'cc_full' };
    const to = { tenantId: 'acme', namespace: 'new.space', key: 'cc_moved' };
    const text = moveKey(
      original,
      { mapPath: yamlPath(from).slice(0, -1), key: from.key },
      { mapPath: yamlPath(to).slice(0, -1), key: to.key },
    );
    expect(definitionIn(text, to)).toEqual(definitionIn(original, from));
    expect(definitionIn(text, from)).toBeUndefined();
    expect(() => parse(text)).not.toThrow();
    const moved = text.slice(text.indexOf('      new.space:'));
    expect(moved).toMatch(
      /^ {6}new\.space:\n {8}credentials:\n {10}# client_credentials, every field, block style\n {10}cc_moved:\n {12}type: client_credentials\n {12}tokenEndpoint: https:\/\/idp\.example\.com\/oauth2\/token {3}# aligned comment\n/,
    );
    // Everything but the moved lines is byte-identical.
    const ext = pairExtent(
      original,
      locate(parseForEdit(original), yamlPath(from))?.pair as Parameters<typeof pairExtent>[1],
    );
    const withoutSource = original.slice(0, ext.start) + original.slice(ext.end + 1); // and the blank line after it
    const inserted = text.slice(text.indexOf('      new.space:'), text.indexOf('\n  beta:'));
    expect(text.replace(inserted, '')).toBe(withoutSource);
  });
});
