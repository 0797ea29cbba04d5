import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the external-signer example mints with a KMS-style signer and no private key in credflow', async () => {
  const script = fileURLToPath(new URL('./external-signer.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 60_000 });
  expect(stdout).toContain(
    '[external-signer] private_key_jwt token for kms-signed-client: Bearer, 3600 s, introspection active: true',
  );
}, 60_000);
