/**
 * `credflow.secret.read` spans and `credflow.secret.reads` counts for the
 * built-in remote providers (issue 21): a loopback Vault and a loopback AWS
 * Secrets Manager, read through `credflow.yaml` as a host would, with the
 * OpenTelemetry SDK's in-memory exporters. Everything exported is scanned
 * with the testkit's independent leak scanner.
 */
import {
  type AwsSecretsManagerServer,
  describeFindings,
  scanForLeaks,
  startAwsSecretsManagerServer,
  startVaultServer,
  type VaultServer,
} from '@credflow/testkit';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureKeyVaultProvider } from '../../src/secrets/azure-key-vault-provider.js';
import { CachedSecretProvider } from '../../src/secrets/cached-provider.js';
import { readFresh } from '../../src/secrets/fresh-reads.js';
import type { SecretProvider, SecretReadOptions } from '../../src/secrets/secret-provider.js';
import { traceSecretProvider } from '../../src/secrets/secret-read-trace.js';
import { CredentialStore } from '../../src/store.js';
import { type ClientSecretEndpoint, startClientSecretEndpoint } from '../helpers/client-secret-endpoint.js';
import { exportedText, installOtel, type OtelHarness, pointValue } from '../telemetry/otel-harness.js';

const VAULT_TOKEN = 'hvs.telemetry-reads-0123456789abcdef';
const AWS_KEY_ID = 'AKIDCREDFLOWTEL0001';
const AWS_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/telemetryREADSkey01';
const V1 = `vault-client-secret-v1-${Math.random().toString(36).slice(2)}`;
const V2 = `vault-client-secret-v2-${Math.random().toString(36).slice(2)}`;
const AWS_VALUE = `aws-client-secret-${Math.random().toString(36).slice(2)}`;
/** Every secret value, token and key of this file: none may appear in what is exported. */
const needles: string[] = [VAULT_TOKEN, AWS_SECRET_KEY, V1, V2, AWS_VALUE];
/** What every test exported (spans, metric points), collected before the SDK is taken down. */
const exported: string[] = [];
const counted = { spans: 0, secretReadSpans: 0, points: 0 };

let vault: VaultServer;
let aws: AwsSecretsManagerServer;
let idp: ClientSecretEndpoint;
let otel: OtelHarness;
const saved = { ...process.env };

beforeAll(async () => {
  vault = await startVaultServer({ tokens: { [VAULT_TOKEN]: { paths: ['secret/data/tel/'] } } });
  aws = await startAwsSecretsManagerServer({
    region: 'eu-west-1',
    keys: { [AWS_KEY_ID]: { secretAccessKey: AWS_SECRET_KEY, allow: ['credflow/tel/'] } },
  });
  aws.put('credflow/tel/AWS_CLIENT', AWS_VALUE);
  idp = await startClientSecretEndpoint('tel-client', V1);
  Object.assign(process.env, {
    CF_TEL_VAULT_TOKEN: VAULT_TOKEN,
    AWS_ACCESS_KEY_ID: AWS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: AWS_SECRET_KEY,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
afterAll(async () => {
  await Promise.all([vault.close(), aws.close(), idp.close()]);
  process.env = saved;
});
beforeEach(() => {
  otel = installOtel();
});
afterEach(async () => {
  counted.spans += otel.spans().length;
  counted.secretReadSpans += reads().length;
  counted.points += (await otel.allPoints()).reduce((n, m) => n + m.points.length, 0);
  exported.push(await exportedText(otel));
  await otel.uninstall();
});

/** A store whose secrets come from the loopback Vault, then AWS; `key` mints with `secret`, its token not cached. */
function storeReading(key: string, secret: string): CredentialStore {
  return CredentialStore.fromYaml(`
secrets:
  - type: vault
    address: "${vault.url}"
    path: tel
    auth: { method: token, token: { env: CF_TEL_VAULT_TOKEN } }
  - type: aws-secrets-manager
    region: eu-west-1
    prefix: credflow/tel/
    endpoint: "${aws.url}"
credentials:
  ${key}: { type: client_credentials, tokenEndpoint: "${idp.tokenEndpoint}", clientId: tel-client, clientSecret: { secret: ${secret} }, cache: { enabled: false } }
`);
}

const VAULT_PROVIDER = () => `vault ${new URL(vault.url).origin} secret/tel`;
const AWS_PROVIDER = 'aws-secrets-manager eu-west-1 credflow/tel/*';
const reads = (): ReadableSpan[] => otel.spans().filter((s) => s.name === 'credflow.secret.read');
const mints = (): ReadableSpan[] => otel.spans().filter((s) => s.name === 'credflow.token.mint');
const parentOf = (s: ReadableSpan | undefined) => s?.parentSpanContext?.spanId;
const readCount = async (provider: string, outcome: string) =>
  pointValue(await otel.points('credflow.secret.reads'), {
    'credflow.secret.provider': provider,
    'credflow.outcome': outcome,
  });

describe('built-in remote providers are traced (Vault, AWS Secrets Manager)', () => {
  it('a mint whose secret is in Vault: host → mint → secret.read, counted once; a secret-cache hit adds neither', async () => {
    vault.put('secret/tel/CLIENT_V', { value: V1 });
    idp.secret = V1;
    const store = storeReading('vault_api', 'CLIENT_V');
    const before = vault.counts.reads;
    await trace.getTracer('host').startActiveSpan('host request', async (parent) => {
      needles.push(await store.getToken('vault_api'));
      parent.end();
    });
    const host = otel.spans().find((s) => s.name === 'host request');
    const [mint] = mints();
    const [read] = reads();
    expect(mints()).toHaveLength(1);
    expect(reads()).toHaveLength(1);
    expect(parentOf(mint)).toBe(host?.spanContext().spanId);
    expect(parentOf(read)).toBe(mint?.spanContext().spanId);
    expect(read?.spanContext().traceId).toBe(host?.spanContext().traceId);
    expect(read?.attributes).toEqual({
      'credflow.secret.name': 'CLIENT_V',
      'credflow.secret.provider': VAULT_PROVIDER(),
      'credflow.outcome': 'success',
    });
    expect(read?.events).toEqual([]);
    expect(vault.counts.reads - before).toBe(1);
    expect(await readCount(VAULT_PROVIDER(), 'success')).toBe(1);

    // The token is not cached, so this mints again; the secret comes from the provider's cache (cacheTtl PT1M).
    needles.push(await store.getToken('vault_api'));
    expect(mints()).toHaveLength(2);
    expect(reads()).toHaveLength(1);
    expect(vault.counts.reads - before).toBe(1);
    expect(await readCount(VAULT_PROVIDER(), 'success')).toBe(1);
  });

  it('a secret in AWS behind Vault: one not_found read of Vault, one AWS read, both under the mint; then neither again', async () => {
    const store = storeReading('aws_api', 'AWS_CLIENT');
    const idpBefore = idp.secret;
    idp.secret = AWS_VALUE;
    try {
      needles.push(await store.getToken('aws_api'));
      const [mint] = mints();
      expect(reads().map((s) => [s.attributes['credflow.secret.provider'], s.attributes['credflow.outcome']])).toEqual([
        [VAULT_PROVIDER(), 'not_found'],
        [AWS_PROVIDER, 'success'],
      ]);
      for (const r of reads()) expect(parentOf(r)).toBe(mint?.spanContext().spanId);
      // The name only where the manager had it: a name a template made from a secret's value
      // (`secret(secret('A') | lower)`) is not found anywhere and so never reaches a span.
      expect(reads().map((r) => r.attributes['credflow.secret.name'])).toEqual([undefined, 'AWS_CLIENT']);
      expect(await readCount(VAULT_PROVIDER(), 'not_found')).toBe(1);
      expect(await readCount(AWS_PROVIDER, 'success')).toBe(1);
      const gets = aws.gets;
      needles.push(await store.getToken('aws_api')); // "not held" is cached too
      expect(reads()).toHaveLength(2);
      expect(aws.gets).toBe(gets);
      expect(await readCount(AWS_PROVIDER, 'success')).toBe(1);
    } finally {
      idp.secret = idpBefore;
    }
  });

  it('the rotation rule through the wrapper: invalid_client ⇒ a fresh read, traced as one (credflow.secret.fresh)', async () => {
    vault.put('secret/tel/ROTATED', { value: V1 });
    idp.secret = V1;
    const store = storeReading('rotating_api', 'ROTATED');
    needles.push(await store.getToken('rotating_api'));
    expect(reads()).toHaveLength(1);
    // The secret rotates at the source and at the token endpoint; the provider's cache still holds V1.
    vault.put('secret/tel/ROTATED', { value: V2 });
    idp.secret = V2;
    const before = { vault: vault.counts.reads, idp: idp.requests };
    needles.push(await store.getToken('rotating_api'));
    expect(idp.requests - before.idp).toBe(2); // refused with V1, accepted with V2
    expect(vault.counts.reads - before.vault).toBe(1); // the fresh read reached Vault
    const [, fresh] = reads();
    expect(reads()).toHaveLength(2);
    expect(fresh?.attributes).toEqual({
      'credflow.secret.name': 'ROTATED',
      'credflow.secret.provider': VAULT_PROVIDER(),
      'credflow.secret.fresh': true,
      'credflow.outcome': 'success',
    });
    expect(parentOf(fresh)).toBe(mints()[1]?.spanContext().spanId);
    expect(mints()[1]?.attributes['credflow.outcome']).toBe('success');
    expect(await readCount(VAULT_PROVIDER(), 'success')).toBe(2);
    // The fresh value replaced the cached one: the next mint reads nothing remote.
    needles.push(await store.getToken('rotating_api'));
    expect(reads()).toHaveLength(2);
  });
});

/** A host's own provider with more than the interface: private state, a getter, close() and asyncDispose. */
class HostProvider implements SecretProvider {
  readonly description = 'host vault-like';
  readonly #values = new Map([['A', 'host-value-a']]);
  #open = true;
  readonly seen: (SecretReadOptions | undefined)[] = [];
  get open(): boolean {
    return this.#open;
  }
  set open(v: boolean) {
    this.#open = v;
  }
  async get(name: string, options?: SecretReadOptions): Promise<string | undefined> {
    this.seen.push(options);
    if (!this.#open) throw Object.assign(new Error('closed: host-value-a'), { code: 'ERR_HOST_CLOSED' });
    return this.#values.get(name);
  }
  async list(): Promise<string[]> {
    return [...this.#values.keys()];
  }
  close(): void {
    this.#open = false;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}

describe('traceSecretProvider keeps the whole interface', () => {
  it("forwards every other member to the provider itself (private fields, getters, close, asyncDispose), and is the provider's type", async () => {
    const host = new HostProvider();
    const traced = traceSecretProvider(host);
    expect(traced).toBeInstanceOf(HostProvider);
    expect(traced.description).toBe('host vault-like');
    expect(await traced.get('A')).toBe('host-value-a');
    expect(await traced.list()).toEqual(['A']);
    expect(traced.list).toBe(traced.list);
    expect(traced.open).toBe(true);
    traced.close();
    expect(host.open).toBe(false);
    await expect(traced.get('A')).rejects.toMatchObject({ code: 'ERR_HOST_CLOSED' });
    traced.open = true; // a setter writing a private field, through the view
    expect(host.open).toBe(true);
    traced.close();
    const other = traceSecretProvider(new HostProvider());
    await other[Symbol.asyncDispose]();
    expect(other.open).toBe(false);
    expect(traceSecretProvider(traced)).toBe(traced); // never traced twice
    expect(reads().map((s) => s.attributes['credflow.outcome'])).toEqual(['success', 'error']);
    expect(reads()[1]?.status).toEqual({ code: 2, message: 'ERR_HOST_CLOSED' });
    expect(await readCount('host vault-like', 'error')).toBe(1);
  });

  it("keeps a cache's clear() and an Azure provider's vaultName() working through the wrapper", async () => {
    const host = new HostProvider();
    const cached = traceSecretProvider(new CachedSecretProvider(host, 60_000));
    await cached.get('A');
    await cached.get('A');
    expect(host.seen).toHaveLength(1);
    cached.clear();
    await cached.get('A');
    expect(host.seen).toHaveLength(2);
    const azure = new AzureKeyVaultProvider({
      type: 'azure-key-vault',
      vaultUrl: 'https://tel.vault.azure.net',
      prefix: 'credflow-main-',
      cacheTtl: 60_000,
      timeout: 1_000,
    });
    expect(traceSecretProvider(azure).vaultName('DB_PASSWORD')).toBe(azure.vaultName('DB_PASSWORD'));
    expect(traceSecretProvider(azure).vaultName('DB_PASSWORD')).toBe('credflow-main-DB-PASSWORD');
  });

  it('passes fresh reads through and marks them: options.fresh, or a read inside readFresh()', async () => {
    const host = new HostProvider();
    const traced = traceSecretProvider(host);
    await traced.get('A', { fresh: true, scope: "tenant 'main'" });
    await readFresh(() => traced.get('A'));
    await traced.get('A');
    expect(host.seen).toEqual([{ fresh: true, scope: "tenant 'main'" }, undefined, undefined]);
    expect(reads().map((s) => s.attributes['credflow.secret.fresh'])).toEqual([true, true, undefined]);
  });
});

describe('leak scan (testkit scanner, independent of the product) over spans, metrics and logs', () => {
  it('finds no secret value, Vault token, AWS key or access token in anything exported: zero hits', async () => {
    // This test's own export is added in afterEach; here the earlier tests' exports are scanned.
    const all = exported.join('\n');
    expect(counted.secretReadSpans).toBeGreaterThanOrEqual(9);
    expect(all).toContain('credflow.secret.read');
    expect(all).toContain('credflow.secret.reads');
    expect(needles.length).toBeGreaterThan(9);
    const findings = scanForLeaks(all, needles);
    if (process.env.CREDFLOW_LEAK_MATRIX) {
      console.log(
        `secret-read leak scan: ${counted.spans} spans (${counted.secretReadSpans} credflow.secret.read), ${counted.points} metric points, ${all.length} characters, ${needles.length} needles, ${findings.length} hits`,
      );
    }
    expect(describeFindings(findings)).toEqual([]);
  });

  it('the oracle can fail: a planted encoded value in a fake span export is found', () => {
    const fakeExport = JSON.stringify({
      name: 'credflow.secret.read',
      attributes: { 'credflow.secret.name': 'ROTATED', 'x.debug': Buffer.from(`tel-client:${V2}`).toString('base64') },
    });
    const findings = scanForLeaks(`${exported.join('\n')}\n${fakeExport}`, needles);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.needle === needles.indexOf(V2))).toBe(true);
    expect(describeFindings(findings).join('\n')).not.toContain(V2);
  });
});
