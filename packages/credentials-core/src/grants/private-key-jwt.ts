import { z } from 'zod';
import { endpointField, scopesField, secretRefField } from '../config/fields.js';
import type { SecretRef } from '../config/secret-ref.js';
import type { CredentialCommon } from '../config/types.js';
import type { SigningAlgorithm } from '../keys/algorithms.js';
import type { AssertionSigner } from '../keys/assertion-signer.js';
import { lazily } from '../lazily.js';
import { endpointIssues, issuerField } from './client-auth/client-auth-fields.js';
import { ClientAuthentication } from './client-auth/client-authentication.js';
import { privateKeyJwt } from './client-auth/private-key-jwt.js';
import { clientTokenRequest } from './client-token-request.js';
import { defineGrantType, type Grant, type GrantContext } from './grant.js';
import { signerFor, signingFields, signingIssues } from './jwt-fields.js';
import { addRequestParams, extraParamsField, resourceField } from './request-params.js';

/** A validated `private_key_jwt` definition. */
export interface PrivateKeyJwtDefinition extends CredentialCommon {
  type: 'private_key_jwt';
  tokenEndpoint?: string;
  /** Discover the token endpoint from this issuer instead (RFC 8414). */
  issuer?: string;
  caCertificate?: SecretRef;
  clientId: string;
  privateKey?: SecretRef;
  signer?: string;
  certificate?: SecretRef;
  keyId?: string | SecretRef;
  algorithm: SigningAlgorithm;
  assertionLifetime: number;
  scopes?: string[];
  /** `aud` of the client assertion; default the token endpoint. */
  audience?: string;
  resource?: string[];
  extraParams?: Record<string, string>;
}

/** The type's own fields, built on first use (see lazily()). */
const fields = lazily(() => ({
  tokenEndpoint: endpointField().optional(),
  issuer: issuerField().optional(),
  caCertificate: secretRefField().optional(),
  clientId: z.string().min(1),
  ...signingFields(),
  scopes: scopesField().optional(),
  audience: z.string().min(1).optional(),
  resource: resourceField().optional(),
  extraParams: extraParamsField().optional(),
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
  create: (def, ctx) => new PrivateKeyJwtGrant(def, ctx),
});

class PrivateKeyJwtGrant implements Grant {
  readonly #def: PrivateKeyJwtDefinition;
  readonly #ctx: GrantContext;
  readonly #client: ClientAuthentication;

  constructor(def: PrivateKeyJwtDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
    const signer: AssertionSigner = signerFor(def, ctx);
    this.#client = new ClientAuthentication(
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
  }

  mint() {
    const def = this.#def;
    return clientTokenRequest(this.#client, this.#ctx, {
      timeoutMs: def.timeout,
      allowNone: false,
      form: async () => {
        const form = new URLSearchParams({ grant_type: 'client_credentials' });
        // `audience` here is the assertion's, not a form field.
        addRequestParams(form, {
          ...(def.scopes ? { scopes: def.scopes } : {}),
          ...(def.resource ? { resource: def.resource } : {}),
          ...(def.extraParams ? { extraParams: def.extraParams } : {}),
        });
        return form;
      },
    });
  }
}
