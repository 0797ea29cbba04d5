import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretError } from '../../src/errors.js';
import { EnvSecretProvider } from '../../src/secrets/env-provider.js';
import { FileSecretProvider } from '../../src/secrets/file-provider.js';
import { SecretResolver } from '../../src/secrets/secret-resolver.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('EnvSecretProvider', () => {
  it('reads SECRET_<NAME> as base64 by default (Kestra convention)', async () => {
    const p = new EnvSecretProvider({ env: { SECRET_API: b64('hunter2') } });
    expect(await p.get('API')).toBe('hunter2');
    expect(await p.get('OTHER')).toBeUndefined();
    expect(await p.list()).toEqual(['API']);
  });

  it('reads plain values when told', async () => {
    const p = new EnvSecretProvider({ env: { SECRET_API: 'plain value' }, encoding: 'plain' });
    expect(await p.get('API')).toBe('plain value');
  });

  it('names the variable, not the value, when base64 is invalid', async () => {
    const p = new EnvSecretProvider({ env: { SECRET_API: 'not base64 !!' } });
    const err = await p.get('API').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).message).toContain('SECRET_API is not valid base64');
    expect((err as SecretError).message).not.toContain('!!');
  });
});

describe('FileSecretProvider', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credflow-secrets-'));
    await writeFile(join(dir, 'KEY'), 'value-from-file\n');
    await writeFile(join(dir, 'CRLF'), 'line\r\n');
    await writeFile(join(dir, 'TWO'), 'a\n\n');
  });

  it('reads <dir>/<NAME> and trims one trailing newline', async () => {
    const p = new FileSecretProvider(dir, './secrets');
    expect(await p.get('KEY')).toBe('value-from-file');
    expect(await p.get('CRLF')).toBe('line');
    expect(await p.get('TWO')).toBe('a\n');
    expect(await p.get('MISSING')).toBeUndefined();
    expect(await p.list()).toEqual(['CRLF', 'KEY', 'TWO']);
  });

  it('never reads outside its directory', async () => {
    const p = new FileSecretProvider(join(dir, 'sub'));
    expect(await p.get('../KEY')).toBeUndefined();
    expect(await p.get('..')).toBeUndefined();
  });
});

describe('SecretResolver', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credflow-secrets-'));
    await writeFile(join(dir, 'BOTH'), 'from-file');
    await writeFile(join(dir, 'SA'), JSON.stringify({ client_email: 'robot@x', private_key: 'PEM', n: 3 }));
  });

  const make = (seen: string[] = []) =>
    new SecretResolver(
      [new EnvSecretProvider({ env: { SECRET_BOTH: b64('from-env') } }), new FileSecretProvider(dir, './secrets')],
      (v) => seen.push(v),
    );

  it('asks providers in order and reports each value handed out', async () => {
    const seen: string[] = [];
    const r = make(seen);
    expect(await r.resolve({ secret: 'BOTH' })).toBe('from-env');
    expect(await r.resolve({ secret: 'SA', subkey: 'private_key' })).toBe('PEM');
    expect(await r.resolve({ secret: 'SA', subkey: 'n' })).toBe('3');
    expect(seen).toContain('from-env');
    expect(seen).toContain('PEM');
  });

  it('does not report the subkey of a non-sensitive field (an issuer) for masking', async () => {
    const seen: string[] = [];
    const r = make(seen);
    expect(await r.resolve({ secret: 'SA', subkey: 'client_email' }, { sensitive: false })).toBe('robot@x');
    expect(seen).not.toContain('robot@x');
    expect(seen).toHaveLength(1); // the whole secret, which holds the private key
  });

  it('says where it looked for a missing secret', async () => {
    await expect(make().resolve({ secret: 'NOPE' })).rejects.toThrow(
      "Cannot find secret 'NOPE' (looked in: env SECRET_<NAME> (base64), file ./secrets).",
    );
  });

  it('names subkey problems without quoting the value', async () => {
    await expect(make().resolve({ secret: 'SA', subkey: 'nope' })).rejects.toThrow("secret 'SA' has no subkey 'nope'");
    const err = (await make()
      .resolve({ secret: 'BOTH', subkey: 'x' })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe("secret 'BOTH' is not JSON, so subkey 'x' cannot be read from it");
  });

  it('refuses names that could be paths', async () => {
    await expect(make().resolve({ secret: '../etc/passwd' })).rejects.toMatchObject({ code: 'ERR_SECRET_INVALID' });
  });

  it('lists names without values', async () => {
    expect(await make().listNames()).toEqual(['BOTH', 'SA']);
  });
});
