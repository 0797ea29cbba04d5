import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import { CredentialNotFoundError } from '../src/errors.js';
import { listCredentials, resolveCredential } from '../src/scope.js';
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

  it('scopes a namespace credential to that one namespace', () => {
    expect(id('team_only', { namespace: 'company' })).toBeUndefined();
    expect(id('team_only', { namespace: 'company.team.sub' })).toBeUndefined();
    expect(id('parent_only', { namespace: 'company.team' })).toBeUndefined();
    expect(id('team_only', {})).toBeUndefined();
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
    expect(seen).toEqual(['namespace:shared', 'namespace:team_only', 'tenant:only_main']);
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
