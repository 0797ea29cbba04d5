import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GcpSecretManagerServer, startGcpSecretManagerServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcpSecretManagerProvider } from '../../src/secrets/gcp-secret-manager-provider.js';
import { CredentialStore } from '../../src/store.js';

const AUDIENCE = '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/credflow';
const SUBJECT = 'subject-token-from-the-platform';
const FAST = { attempts: 3, baseDelayMs: 5 };
let gcp: GcpSecretManagerServer;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  gcp = await startGcpSecretManagerServer({
    subjectToken: SUBJECT,
    audience: AUDIENCE,
    allow: ['projects/p1/secrets/credflow-main-'],
  });
  gcp.put('p1', 'credflow-main-DB_PASSWORD', 'gcp-db-pa55');
  gcp.put('p1', 'credflow-main-SA', JSON.stringify({ client_email: 'robot@x' }));
  gcp.put('p1', 'other-NOT_YOURS', 'other');
  // Application Default Credentials: an external_account (workload identity federation) file whose
  // token exchange goes to the loopback STS; the subject token comes from a file, as on a CI runner.
  dir = await mkdtemp(join(tmpdir(), 'credflow-gcp-'));
  await writeFile(join(dir, 'subject'), SUBJECT);
  await writeFile(
    join(dir, 'adc.json'),
    JSON.stringify({
      type: 'external_account',
      audience: AUDIENCE,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: gcp.tokenUrl,
      credential_source: { file: join(dir, 'subject') },
    }),
  );
  process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'adc.json');
});
afterAll(async () => {
  await gcp.close();
  await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

const provider = (over: { prefix?: string; endpoint?: string } = {}) =>
  new GcpSecretManagerProvider(
    {
      type: 'gcp-secret-manager',
      project: 'p1',
      prefix: over.prefix ?? 'credflow-main-',
      endpoint: over.endpoint ?? gcp.url,
      cacheTtl: 60_000,
      timeout: 5_000,
    },
    { retry: FAST },
  );

describe('gcp-secret-manager provider (official client, REST transport, ADC bearer token)', () => {
  it('reads the latest version with a token from the ADC token exchange', async () => {
    const p = provider();
    expect(await p.get('DB_PASSWORD')).toBe('gcp-db-pa55');
    gcp.put('p1', 'credflow-main-DB_PASSWORD', 'gcp-db-pa55-v2');
    expect(await p.get('DB_PASSWORD')).toBe('gcp-db-pa55-v2');
    expect(await p.get('NOPE')).toBeUndefined();
    expect(gcp.counts.exchanges).toBe(1); // the client keeps its token
    expect(gcp.counts.unauthenticated).toBe(0);
  });

  it('reads a JSON subkey through the store, from the config', async () => {
    const store = CredentialStore.fromYaml(`secrets:
  - type: gcp-secret-manager
    project: p1
    prefix: credflow-main-
    endpoint: ${gcp.url}
`);
    expect(await store.getSecret('SA', 'client_email')).toBe('robot@x');
  });

  it('reports PERMISSION_DENIED as access denied, naming provider, secret and scope', async () => {
    const err = await provider({ prefix: 'other-' })
      .get('NOT_YOURS', { scope: "tenant 'acme'" })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "secret 'NOT_YOURS' (tenant 'acme'): access denied by gcp-secret-manager p1 other-*: PERMISSION_DENIED",
    );
  });

  it('retries RESOURCE_EXHAUSTED and succeeds; reports UNAVAILABLE and a closed port after retries', async () => {
    const before = gcp.counts.accesses;
    gcp.failNext(2, 429);
    expect(await provider().get('SA')).toContain('robot@x');
    expect(gcp.counts.accesses - before).toBe(3);
    gcp.failNext(3, 429);
    await expect(provider().get('SA')).rejects.toMatchObject({ code: 'ERR_SECRET_THROTTLED' });
    gcp.failNext(3, 503);
    await expect(provider().get('SA')).rejects.toMatchObject({ code: 'ERR_SECRET_PROVIDER_UNAVAILABLE' });
    const gone = await startGcpSecretManagerServer({ subjectToken: 'x', audience: 'y', allow: [] });
    await gone.close();
    await expect(provider({ endpoint: gone.url }).get('SA')).rejects.toMatchObject({
      code: 'ERR_SECRET_PROVIDER_UNAVAILABLE',
    });
  });

  it('keeps values for cacheTtl: one access call for many reads', async () => {
    const store = CredentialStore.fromYaml(`secrets:
  - type: gcp-secret-manager
    project: p1
    prefix: credflow-main-
    endpoint: ${gcp.url}
    cacheTtl: PT1H
`);
    const before = gcp.counts.accesses;
    await Promise.all(Array.from({ length: 10 }, () => store.getSecret('DB_PASSWORD')));
    await store.getSecret('DB_PASSWORD');
    expect(gcp.counts.accesses - before).toBe(1);
  });
});
