import { TokenEndpointError } from '../errors.js';
import { readFresh } from './fresh-reads.js';

/**
 * RFC 6749 section 5.2 errors that mean "the client's credentials are not
 * (or no longer) good": what a rotated client secret or key looks like from
 * a token endpoint whose client has already moved on.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
const ROTATION_ERRORS = new Set(['invalid_client', 'invalid_grant']);

/** Whether a mint failed because the credential's secrets may have been rotated. */
export function isRotationError(err: unknown): boolean {
  return err instanceof TokenEndpointError && err.error !== undefined && ROTATION_ERRORS.has(err.error);
}

/**
 * The rotation rule (SPEC section 2): when the token endpoint answers
 * `invalid_client` or `invalid_grant`, the credential's secrets are read
 * again past the secret cache and the mint is tried once more. A second
 * refusal is the error the caller sees.
 */
export async function mintRotating<T>(mint: () => Promise<T>): Promise<T> {
  try {
    return await mint();
  } catch (err) {
    if (!isRotationError(err)) throw err;
    return readFresh(mint);
  }
}
