import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretError } from '../../src/errors.js';
import { FileSecretProvider, MAX_SECRET_FILE_BYTES } from '../../src/secrets/file-provider.js';
import { SecretResolver } from '../../src/secrets/secret-resolver.js';

// Hostile entries in a secrets directory: a FIFO (reading it would block
// forever), a 700 MB file (reading it would take 700 MB), links to them.

const MB = 1_000_000;
let dir: string;
let outside: string;

async function refusal(p: Promise<unknown>): Promise<SecretError> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretError);
  expect((err as SecretError).code).toBe('ERR_SECRET_INVALID');
  return err as SecretError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-secrets-'));
  outside = await mkdtemp(join(tmpdir(), 'credflow-outside-'));
  execFileSync('mkfifo', [join(dir, 'PIPE')]);
  execFileSync('mkfifo', [join(outside, 'pipe')]);
  await symlink(join(outside, 'pipe'), join(dir, 'LINK_TO_PIPE'));
  // Kubernetes secret volumes: NAME -> ..data/NAME, ..data -> a timestamped directory.
  await mkdir(join(dir, '..2026_01_01'));
  await writeFile(join(dir, '..2026_01_01', 'K8S'), 'from-kubernetes\n');
  await symlink('..2026_01_01', join(dir, '..data'));
  await symlink(join('..data', 'K8S'), join(dir, 'K8S'));
  await mkdir(join(dir, 'A_DIR'));
  // Sparse: 700 MB of size, no disk used.
  const big = await open(join(dir, 'HUGE'), 'w');
  await big.truncate(700 * MB);
  await big.close();
  await writeFile(join(dir, 'AT_CAP'), Buffer.alloc(MAX_SECRET_FILE_BYTES, 'x'));
  await writeFile(join(dir, 'OVER_CAP'), Buffer.alloc(MAX_SECRET_FILE_BYTES + 1, 'x'));
  await writeFile(join(dir, 'PLAIN'), 'plain-value\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('FileSecretProvider refuses anything but a regular file of at most 1 MiB', () => {
  it('refuses a FIFO at once instead of blocking on it', async () => {
    const p = new FileSecretProvider(dir, './secrets');
    const started = performance.now();
    const err = await refusal(p.get('PIPE'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err.secret).toBe('PIPE');
    expect(err.message).toBe(
      "secret 'PIPE': file secrets/PIPE is a FIFO (named pipe), not a regular file: a secret must be a plain file",
    );
  });

  it('follows symlinks, but refuses one that leads to a FIFO', async () => {
    const p = new FileSecretProvider(dir, './secrets');
    const err = await refusal(p.get('LINK_TO_PIPE'));
    expect(err.message).toContain('is a FIFO (named pipe), not a regular file');
    expect(await p.get('K8S')).toBe('from-kubernetes');
  });

  it('refuses a directory', async () => {
    const err = await refusal(new FileSecretProvider(dir, './secrets').get('A_DIR'));
    expect(err.message).toContain('file secrets/A_DIR is a directory, not a regular file');
  });

  it('refuses a 700 MB (sparse) file from its size, without reading it', async () => {
    const rssBefore = process.memoryUsage.rss();
    const err = await refusal(new FileSecretProvider(dir, './secrets').get('HUGE'));
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(50 * MB);
    expect(err.message).toBe(
      "secret 'HUGE': file secrets/HUGE is larger than 1 MiB (700000000 bytes): a secret file holds at most 1 MiB",
    );
  });

  it('reads a file of exactly 1 MiB and refuses one byte more', async () => {
    const p = new FileSecretProvider(dir, './secrets');
    expect((await p.get('AT_CAP'))?.length).toBe(MAX_SECRET_FILE_BYTES);
    const err = await refusal(p.get('OVER_CAP'));
    expect(err.message).toContain('is larger than 1 MiB (1048577 bytes)');
    expect(err.message).not.toContain('xxxx');
  });

  it('lists regular files and links to them, not FIFOs, directories or links to FIFOs', async () => {
    expect(await new FileSecretProvider(dir).list()).toEqual(['AT_CAP', 'HUGE', 'K8S', 'OVER_CAP', 'PLAIN']);
  });

  it('surfaces the refusal through the resolver instead of skipping to the next provider', async () => {
    const resolver = new SecretResolver([new FileSecretProvider(dir, './secrets')]);
    expect(await resolver.resolve({ secret: 'PLAIN' })).toBe('plain-value');
    const err = await refusal(resolver.resolve({ secret: 'PIPE' }));
    expect(err.message).toContain('FIFO');
  });
});
