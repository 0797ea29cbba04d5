import { type AwsSecretsManagerServer, startAwsSecretsManagerServer } from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSecretsManagerProvider } from '../../src/secrets/aws-secrets-manager-provider.js';
import { CredentialStore } from '../../src/store.js';
import { startClientSecretEndpoint } from '../helpers/client-secret-endpoint.js';

const KEY_ID = 'AKIDCREDFLOWTEST01';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYcredflowKEY';
const FAST = { attempts: 3, baseDelayMs: 5 };
let aws: AwsSecretsManagerServer;
const saved = { ...process.env };

beforeAll(async () => {
  aws = await startAwsSecretsManagerServer({
    region: 'eu-west-1',
    keys: {
      [KEY_ID]: { secretAccessKey: SECRET_KEY, allow: ['credflow/main/'] },
      AKIDWRONGSECRET0001: { secretAccessKey: 'the-server-knows-another', allow: ['credflow/main/'] },
    },
  });
  aws.put('credflow/main/DB_PASSWORD', 'aws-db-pa55');
  aws.put('credflow/main/SA', JSON.stringify({ client_email: 'robot@x', private_key: 'pem' }));
  aws.put('credflow/main/BINARY', new TextEncoder().encode('bytes-as-utf8'));
  aws.put('credflow/other/NOT_YOURS', 'other');
  // The SDK's default credential chain finds these first; nothing else is looked up.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
afterAll(async () => {
  await aws.close();
  process.env = saved;
});

const provider = (over: { prefix?: string; endpoint?: string } = {}) =>
  new AwsSecretsManagerProvider(
    {
      type: 'aws-secrets-manager',
      region: 'eu-west-1',
      prefix: over.prefix ?? 'credflow/main/',
      endpoint: over.endpoint ?? aws.url,
      cacheTtl: 60_000,
      timeout: 5_000,
    },
    { retry: FAST },
  );

describe('aws-secrets-manager provider (official SDK, SigV4 checked by the server)', () => {
  it('reads SecretString and SecretBinary with signatures the server re-computes', async () => {
    const p = provider();
    expect(await p.get('DB_PASSWORD')).toBe('aws-db-pa55');
    expect(await p.get('BINARY')).toBe('bytes-as-utf8');
    expect(await p.get('NOPE')).toBeUndefined();
    expect(aws.badSignatures).toBe(0);
  });

  it('reads a JSON subkey through the store, from the config', async () => {
    const store = CredentialStore.fromYaml(`secrets:
  - type: aws-secrets-manager
    region: eu-west-1
    prefix: credflow/main/
    endpoint: ${aws.url}
`);
    expect(await store.getSecret('SA', 'client_email')).toBe('robot@x');
  });

  it('is refused when the signature does not check out (wrong secret key)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDWRONGSECRET0001';
    try {
      const before = aws.badSignatures;
      const err = await provider()
        .get('DB_PASSWORD', { scope: "tenant 'main'" })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_SECRET_ACCESS_DENIED', secret: 'DB_PASSWORD' });
      expect((err as Error).message).toContain('InvalidSignatureException (HTTP 403)');
      expect(aws.badSignatures - before).toBe(1);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = KEY_ID;
    }
  });

  it('reports AccessDeniedException naming provider, secret and scope', async () => {
    const err = await provider({ prefix: 'credflow/other/' })
      .get('NOT_YOURS', { scope: "tenant 'acme'" })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "secret 'NOT_YOURS' (tenant 'acme'): access denied by aws-secrets-manager eu-west-1 credflow/other/*: AccessDeniedException (HTTP 400)",
    );
  });

  it('retries ThrottlingException and succeeds; reports it when it lasts', async () => {
    const before = aws.gets;
    aws.failNext(2, 'ThrottlingException');
    expect(await provider().get('DB_PASSWORD')).toBe('aws-db-pa55');
    expect(aws.gets - before).toBe(1);
    aws.failNext(3, 'ThrottlingException');
    await expect(provider().get('DB_PASSWORD')).rejects.toMatchObject({ code: 'ERR_SECRET_THROTTLED' });
  });

  it('reports a 500 or a closed port as unavailable after retries', async () => {
    aws.failNext(3, 'InternalServiceError');
    await expect(provider().get('DB_PASSWORD')).rejects.toMatchObject({ code: 'ERR_SECRET_PROVIDER_UNAVAILABLE' });
    const gone = await startAwsSecretsManagerServer({ region: 'eu-west-1', keys: {} });
    await gone.close();
    await expect(provider({ endpoint: gone.url }).get('DB_PASSWORD')).rejects.toMatchObject({
      code: 'ERR_SECRET_PROVIDER_UNAVAILABLE',
      message: expect.stringContaining('(3 attempts)'),
    });
  });

  it('caches for cacheTtl (one GetSecretValue for many reads) and re-reads after invalid_client', async () => {
    aws.put('credflow/main/ROTATING', 'old-secret');
    const idp = await startClientSecretEndpoint('aws-client', 'old-secret');
    try {
      const store = CredentialStore.fromYaml(`secrets:
  - type: aws-secrets-manager
    region: eu-west-1
    prefix: credflow/main/
    endpoint: ${aws.url}
    cacheTtl: PT1H
credentials:
  api: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: aws-client, clientSecret: { secret: ROTATING } }
`);
      const before = aws.gets;
      await Promise.all([store.getSecret('ROTATING'), store.getSecret('ROTATING'), store.getToken('api')]);
      expect(aws.gets - before).toBe(1);
      aws.put('credflow/main/ROTATING', 'new-secret');
      idp.secret = 'new-secret';
      store.invalidate('api');
      await store.getToken('api');
      expect([aws.gets - before, idp.requests]).toEqual([2, 3]);
    } finally {
      await idp.close();
    }
  });
});
