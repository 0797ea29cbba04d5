import { TokenEndpointError } from '../errors.js';

/**
 * RFC 6749 section 5.2 errors that mean "the client's credentials are not
 * (or no longer) good": what a rotated client secret or key looks like from
 * a token endpoint whose client has already moved on.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
const ROTATION_ERRORS = new Set(['invalid_client', 'invalid_grant']);

/**
 * Whether a mint failed because the credential's secrets may have been
 * rotated. The rotation rule (SPEC section 2), applied by the store's mint
 * pipeline (`store/mint-pipeline.ts`): on such a failure the credential's
 * secrets are read again past the secret caches (`readFresh`) and the mint
 * is tried once more; a second refusal is the error the caller sees.
 */
export function isRotationError(err: unknown): boolean {
  return err instanceof TokenEndpointError && err.error !== undefined && ROTATION_ERRORS.has(err.error);
}
