import { describe, expect, it } from 'vitest';
import { CredentialNotFoundError } from '../src/errors.js';
import { parseConfig } from '../src/load-config.js';
import { listCredentials, namespaceChain, resolveCredential } from '../src/scope.js';
import { CredentialStore } from '../src/store.js';

const cred = (id: string) =>
  `{ type: client_credentials, tokenEndpoint: "https://idp.example/${id}", clientId: ${id}, clientSecret: { secret: S } }`;

const YAML = `
credentials:
  shared: ${cred('main-shared')}
  only_main: ${cred('main-only')}
namespaces:
  company.team:
    credentials:
      shared: ${cred('team-shared')}
      team_only: ${cred('team-only')}
  company:
    credentials:
      parent_only: ${cred('parent-only')}
tenants:
  acme:
    credentials:
      shared: ${cred('acme-shared')}
    namespaces:
      company.team:
        credentials:
          acme_team: ${cred('acme-team')}
`;
const config = parseConfig(YAML);
const id = (key: string, scope: { tenantId?: string; namespace?: string }) =>
  resolveCredential(config, key, scope)?.definition.clientId;

describe('resolveCredential', () => {
  it('prefers the namespace, then the tenant', () => {
    expect(id('shared', { namespace: 'company.team' })).toBe('team-shared');
    expect(id('shared', {})).toBe('main-shared');
    expect(id('only_main', { namespace: 'company.team' })).toBe('main-only');
    expect(resolveCredential(config, 'shared', { namespace: 'company.team' })).toMatchObject({
      level: 'namespace',
      namespace: 'company.team',
      tenantId: 'main',
    });
  });

  it('inherits from parent namespaces, nearest first, never from children or siblings (SPEC section 2)', () => {
    expect(id('team_only', { namespace: 'company.team.sub' })).toBe('team-only');
    expect(id('parent_only', { namespace: 'company.team' })).toBe('parent-only');
    expect(id('parent_only', { namespace: 'company.team.sub.deeper' })).toBe('parent-only');
    expect(resolveCredential(config, 'parent_only', { namespace: 'company.team.sub' })).toMatchObject({
      level: 'namespace',
      namespace: 'company',
    });
    expect(id('shared', { namespace: 'company.team.sub' })).toBe('team-shared');
    expect(id('team_only', { namespace: 'company' })).toBeUndefined();
    expect(id('team_only', {})).toBeUndefined();
    // `company.teams` and `company.team2` are siblings of `company.team`, not children.
    expect(id('team_only', { namespace: 'company.teams' })).toBeUndefined();
    expect(id('team_only', { namespace: 'company.team2.x' })).toBeUndefined();
    expect(id('parent_only', { namespace: 'companyx.team' })).toBeUndefined();
    expect(id('parent_only', { namespace: 'company.teams' })).toBe('parent-only');
  });

  it('cuts namespaces at dots only: a.bc is not under a.b', () => {
    expect(namespaceChain('a.b.c')).toEqual(['a.b.c', 'a.b', 'a']);
    expect(namespaceChain('a.bc')).toEqual(['a.bc', 'a']);
    expect(namespaceChain('a')).toEqual(['a']);
    expect(namespaceChain('a.b.')).toEqual(['a.b.']);
    expect(namespaceChain(undefined)).toEqual([]);
  });

  it('never crosses tenants', () => {
    expect(id('shared', { tenantId: 'acme' })).toBe('acme-shared');
    expect(id('only_main', { tenantId: 'acme' })).toBeUndefined();
    expect(id('team_only', { tenantId: 'acme', namespace: 'company.team' })).toBeUndefined();
    expect(id('acme_team', { namespace: 'company.team' })).toBeUndefined();
    expect(id('acme_team', { tenantId: 'acme', namespace: 'company.team' })).toBe('acme-team');
    expect(id('shared', { tenantId: 'nope' })).toBeUndefined();
  });

  it('is not fooled by crafted names', () => {
    for (const ns of [
      '',
      '..',
      'company.team.',
      '.company.team',
      'company.team\u0000',
      'ÇOMPANY',
      'x'.repeat(10_000),
    ]) {
      expect(id('team_only', { namespace: ns })).toBeUndefined();
    }
    for (const key of ['__proto__', 'constructor', 'toString', '../shared', '']) {
      expect(resolveCredential(config, key, { namespace: 'company.team' })).toBeUndefined();
    }
    expect(id('shared', { tenantId: '__proto__' })).toBeUndefined();
  });
});

describe('listCredentials', () => {
  it('lists what one namespace sees, with shadowed tenant keys left out', () => {
    const seen = listCredentials(config, { tenantId: 'main', namespace: 'company.team' }).map(
      (r) => `${r.level}:${r.key}`,
    );
    expect(seen).toEqual(['namespace:shared', 'namespace:team_only', 'namespace:parent_only', 'tenant:only_main']);
  });

  it('says where each inherited credential comes from, the nearest definition winning', () => {
    const seen = listCredentials(config, { tenantId: 'main', namespace: 'company.team.sub' }).map(
      (r) => `${r.key}<-${r.namespace ?? 'tenant'}:${r.definition.clientId}`,
    );
    expect(seen).toEqual([
      'shared<-company.team:team-shared',
      'team_only<-company.team:team-only',
      'parent_only<-company:parent-only',
      'only_main<-tenant:main-only',
    ]);
    expect(listCredentials(config, { tenantId: 'main', namespace: 'company.teams' }).map((r) => r.key)).toEqual([
      'parent_only',
      'shared',
      'only_main',
    ]);
  });

  it('lists everything of a tenant', () => {
    expect(listCredentials(config, { tenantId: 'acme' }).map((r) => r.key)).toEqual(['acme_team', 'shared']);
  });
});

describe('CredentialStore.resolve', () => {
  it('throws an error naming key, tenant and namespace', () => {
    const store = new CredentialStore(config);
    expect(() => store.resolve('nope', { tenantId: 'acme', namespace: 'company.team' })).toThrow(
      new CredentialNotFoundError('nope', 'acme', 'company.team'),
    );
    expect(() => store.resolve('nope', {})).toThrow(
      "Cannot find credential 'nope' for tenant 'main' (looked in: tenant 'main').",
    );
  });

  it('lists summaries with secret references by name only', () => {
    const store = new CredentialStore(config);
    expect(store.list({ tenantId: 'acme' })[1]).toEqual({
      key: 'shared',
      tenantId: 'acme',
      level: 'tenant',
      type: 'client_credentials',
      endpoint: 'https://idp.example/acme-shared',
      cache: { enabled: true, refreshBeforeExpiry: 60_000 },
      secrets: [{ field: 'clientSecret', secret: 'S' }],
    });
  });
});
