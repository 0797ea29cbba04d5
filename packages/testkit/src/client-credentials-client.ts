import type { ClientMetadata } from 'oidc-provider';

/**
 * An oidc-provider client registration for the `client_credentials` grant
 * with a shared secret (RFC 6749 section 4.4): what most tests give
 * `startAuthServer`. `extra` adds or overrides metadata
 * (`token_endpoint_auth_method`, `scope`, ...).
 */
export function clientCredentialsClient(
  clientId: string,
  clientSecret: string,
  extra: Partial<ClientMetadata> = {},
): ClientMetadata {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    ...extra,
  };
}
