import { z } from 'zod';
import { endpointField, secretRefField } from '../config/fields.js';
import type { SecretRef } from '../config/secret-ref.js';
import type { CredentialCommon } from '../config/types.js';
import type { AssertionSigner } from '../keys/assertion-signer.js';
import { lazily } from '../lazily.js';
import { endpointIssues, issuerField } from './client-auth/client-auth-fields.js';
import { ClientAuthentication } from './client-auth/client-authentication.js';
import { privateKeyJwt } from './client-auth/private-key-jwt.js';
import { clientGrant } from './client-grant.js';
import { defineGrantType } from './grant.js';
import { type SigningDefinition, signerFor, signingFields, signingIssues } from './jwt-fields.js';
import { addRequestParams, type RequestParamsDefinition, requestParamFields } from './request-params.js';

/** A validated `private_key_jwt` definition. */
export interface PrivateKeyJwtDefinition extends CredentialCommon, SigningDefinition, RequestParamsDefinition {
  type: 'private_key_jwt';
  tokenEndpoint?: string;
  /** Discover the token endpoint from this issuer instead (RFC 8414). */
  issuer?: string;
  caCertificate?: SecretRef;
  clientId: string;
  /** `aud` of the client assertion (not a form field here); default the token endpoint. */
  audience?: string;
}

/** The type's own fields, built on first use (see lazily()). */
const fields = lazily(() => ({
  tokenEndpoint: endpointField().optional(),
  issuer: issuerField().optional(),
  caCertificate: secretRefField().optional(),
  clientId: z.string().min(1),
  ...signingFields(),
  ...requestParamFields(),
}));

/**
 * The client credentials grant with `private_key_jwt` client authentication:
 * no shared secret, the client signs an assertion with `iss` = `sub` = client
 * id and `aud` = the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export const privateKeyJwtGrantType = defineGrantType<PrivateKeyJwtDefinition>({
  type: 'private_key_jwt',
  get fields() {
    return fields();
  },
  sensitiveFields: ['privateKey', 'certificate'],
  validate: (def) => [...endpointIssues(def), ...signingIssues(def)],
  endpoint: (def) => def.tokenEndpoint ?? `${def.issuer} (discovered)`,
  create: (def, ctx) => {
    const signer: AssertionSigner = signerFor(def, ctx);
    const client = new ClientAuthentication(
      {
        clientId: def.clientId,
        timeout: def.timeout,
        ...(def.tokenEndpoint ? { tokenEndpoint: def.tokenEndpoint } : {}),
        ...(def.issuer ? { issuer: def.issuer } : {}),
        ...(def.caCertificate ? { caCertificate: def.caCertificate } : {}),
      },
      ctx,
      (tokenEndpoint) =>
        privateKeyJwt(def.clientId, () =>
          signer.sign({ iss: def.clientId, sub: def.clientId, aud: def.audience ?? tokenEndpoint }),
        ),
    );
    // No TLS client identity to present: the assertion authenticates.
    return clientGrant(
      client,
      ctx,
      () => ({
        timeoutMs: def.timeout,
        allowNone: false,
        form: () => {
          const form = new URLSearchParams({ grant_type: 'client_credentials' });
          // `audience` here is the assertion's, not a form field.
          addRequestParams(form, {
            ...(def.scopes ? { scopes: def.scopes } : {}),
            ...(def.resource ? { resource: def.resource } : {}),
            ...(def.extraParams ? { extraParams: def.extraParams } : {}),
          });
          return form;
        },
      }),
      { presentsTls: false },
    );
  },
});
