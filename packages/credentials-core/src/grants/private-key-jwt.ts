import { z } from 'zod';
import { endpointField, scopesField } from '../config/fields.js';
import type { CredentialCommon } from '../config/types.js';
import { privateKeyJwt } from '../http/client-auth.js';
import { requestToken } from '../http/token-request.js';
import type { SigningAlgorithm } from '../keys/algorithms.js';
import type { AssertionSigner } from '../keys/assertion-signer.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { addRequestParams, extraParamsField, resourceField } from './client-credentials.js';
import { defineGrantType, type Grant, type GrantContext } from './grant.js';
import { signerFor, signingFields } from './jwt-fields.js';

/** A validated `private_key_jwt` definition. */
export interface PrivateKeyJwtDefinition extends CredentialCommon {
  type: 'private_key_jwt';
  tokenEndpoint: string;
  clientId: string;
  privateKey: SecretRef;
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

/**
 * The client credentials grant with `private_key_jwt` client authentication:
 * no shared secret, the client signs an assertion with `iss` = `sub` = client
 * id and `aud` = the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export const privateKeyJwtGrantType = defineGrantType<PrivateKeyJwtDefinition>({
  type: 'private_key_jwt',
  fields: {
    tokenEndpoint: endpointField,
    clientId: z.string().min(1),
    ...signingFields,
    scopes: scopesField.optional(),
    audience: z.string().min(1).optional(),
    resource: resourceField.optional(),
    extraParams: extraParamsField.optional(),
  },
  sensitiveFields: ['privateKey', 'certificate'],
  endpoint: (def) => def.tokenEndpoint,
  create: (def, ctx) => new PrivateKeyJwtGrant(def, ctx),
});

class PrivateKeyJwtGrant implements Grant {
  readonly #def: PrivateKeyJwtDefinition;
  readonly #ctx: GrantContext;
  readonly #signer: AssertionSigner;

  constructor(def: PrivateKeyJwtDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
    this.#signer = signerFor(def, ctx);
  }

  mint() {
    const def = this.#def;
    const auth = privateKeyJwt(def.clientId, () =>
      this.#signer.sign({ iss: def.clientId, sub: def.clientId, aud: def.audience ?? def.tokenEndpoint }),
    );
    return requestToken(
      {
        credential: this.#ctx.credential,
        endpoint: def.tokenEndpoint,
        timeoutMs: def.timeout,
        prepare: async () => {
          const form = new URLSearchParams({ grant_type: 'client_credentials' });
          // `audience` here is the assertion's, not a form field.
          addRequestParams(form, {
            ...(def.scopes ? { scopes: def.scopes } : {}),
            ...(def.resource ? { resource: def.resource } : {}),
            ...(def.extraParams ? { extraParams: def.extraParams } : {}),
          });
          const headers: Record<string, string> = {};
          await auth(form, headers);
          return { form, headers };
        },
      },
      this.#ctx,
    );
  }
}
