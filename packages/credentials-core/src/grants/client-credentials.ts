import { z } from 'zod';
import type { CredentialCommon } from '../config/types.js';
import { lazily } from '../lazily.js';
import { type ClientAuthDefinition, clientAuthFields, clientAuthIssues } from './client-auth/client-auth-fields.js';
import { ClientAuthentication } from './client-auth/client-authentication.js';
import { clientGrant } from './client-grant.js';
import { defineGrantType } from './grant.js';
import { addRequestParams, type RequestParamsDefinition, requestParamFields } from './request-params.js';

/** A validated `client_credentials` definition. */
export interface ClientCredentialsDefinition extends CredentialCommon, ClientAuthDefinition, RequestParamsDefinition {
  type: 'client_credentials';
  clientId: string;
}

/** The type's own fields, built on first use (see lazily()). */
const fields = lazily(() => ({
  ...clientAuthFields(),
  clientId: z.string().min(1),
  ...requestParamFields(),
}));

/**
 * The OAuth 2.0 client credentials grant. The client authenticates with its
 * secret (`client_secret_basic`, `client_secret_post`, `client_secret_jwt`)
 * or its TLS certificate (`tls_client_auth`, `self_signed_tls_client_auth`);
 * the token endpoint is given, or discovered from `issuer`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export const clientCredentialsGrantType = defineGrantType<ClientCredentialsDefinition>({
  type: 'client_credentials',
  get fields() {
    return fields();
  },
  sensitiveFields: ['clientSecret', 'certificate', 'privateKey'],
  validate: (def) => clientAuthIssues(def, { clientRequired: true }),
  endpoint: (def) => def.tokenEndpoint ?? `${def.issuer} (discovered)`,
  create: (def, ctx) =>
    clientGrant(new ClientAuthentication(def, ctx), ctx, () => ({
      timeoutMs: def.timeout,
      allowNone: false,
      form: () => {
        const form = new URLSearchParams({ grant_type: 'client_credentials' });
        addRequestParams(form, def);
        return form;
      },
    })),
});
