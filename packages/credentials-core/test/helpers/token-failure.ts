import { expect } from 'vitest';
import { TokenEndpointError } from '../../src/errors.js';

/**
 * Awaits a promise that must reject with a {@link TokenEndpointError} whose
 * message and stack hold none of `secrets`.
 */
export async function tokenFailure(p: Promise<unknown>, secrets: readonly string[] = []): Promise<TokenEndpointError> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TokenEndpointError);
  const e = err as TokenEndpointError;
  const text = `${e.message}\n${e.stack}`;
  for (const s of ['PRIVATE KEY', ...secrets]) expect(text).not.toContain(s);
  return e;
}
