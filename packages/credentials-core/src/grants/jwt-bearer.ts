import { z } from 'zod';
import { endpointField, refuseReservedKeys, scopesField, secretRefField } from '../config/fields.js';
import type { SecretRef } from '../config/secret-ref.js';
import type { CredentialCommon } from '../config/types.js';
import { requestToken } from '../http/token-request.js';
import type { AssertionSigner } from '../keys/assertion-signer.js';
import { lazily } from '../lazily.js';
import type { ClientAuth } from './client-auth/client-auth.js';
import { clientSecretAuth } from './client-auth/client-secret-auth.js';
import { noClientAuth } from './client-auth/no-client-auth.js';
import { defineGrantType, type Grant, type GrantContext } from './grant.js';
import { type SigningDefinition, signerFor, signingFields, signingIssues } from './jwt-fields.js';
import { addRequestParams, extraParamsField, type RequestParamsDefinition, resourceField } from './request-params.js';

/** The RFC 7523 grant type URN. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A validated `jwt_bearer` definition. */
export interface JwtBearerDefinition extends CredentialCommon, SigningDefinition, RequestParamsDefinition {
  type: 'jwt_bearer';
  tokenEndpoint: string;
  /** `iss`: inline, or read from a secret (e.g. a service account's `client_email`). */
  issuer: string | SecretRef;
  subject?: string | SecretRef;
  /** `aud` of the assertion (not a form field here); default the token endpoint. */
  audience?: string;
  additionalClaims?: Record<string, unknown>;
  clientId?: string;
  clientSecret?: SecretRef;
  clientAuthMethod: 'client_secret_basic' | 'client_secret_post';
}

const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'];

/** The type's own fields, built on first use (see lazily()). */
const fields = lazily(() => ({
  tokenEndpoint: endpointField(),
  issuer: z.union([z.string().min(1), secretRefField()]),
  subject: z.union([z.string().min(1), secretRefField()]).optional(),
  audience: z.string().min(1).optional(),
  ...signingFields(),
  additionalClaims: z.record(z.string(), z.unknown()).superRefine(refuseReservedKeys(RESERVED_CLAIMS)).optional(),
  scopes: scopesField().optional(),
  resource: resourceField().optional(),
  extraParams: extraParamsField().optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: secretRefField().optional(),
  clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
}));

/**
 * The JWT bearer authorization grant: a signed assertion is exchanged for an
 * access token (Google service accounts, Salesforce, ...).
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export const jwtBearerGrantType = defineGrantType<JwtBearerDefinition>({
  type: 'jwt_bearer',
  get fields() {
    return fields();
  },
  sensitiveFields: ['privateKey', 'certificate', 'clientSecret'],
  validate: (def) => [
    ...signingIssues(def),
    ...(def.clientSecret && !def.clientId
      ? [{ path: ['clientId'], message: 'is required when clientSecret is set' }]
      : []),
  ],
  endpoint: (def) => def.tokenEndpoint,
  create: (def, ctx) => new JwtBearerGrant(def, ctx),
});

class JwtBearerGrant implements Grant {
  readonly #def: JwtBearerDefinition;
  readonly #ctx: GrantContext;
  readonly #signer: AssertionSigner;

  constructor(def: JwtBearerDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
    this.#signer = signerFor(def, ctx);
  }

  mint() {
    const def = this.#def;
    return requestToken(
      {
        credential: this.#ctx.credential,
        endpoint: def.tokenEndpoint,
        timeoutMs: def.timeout,
        prepare: async () => {
          const iss = await this.#signer.value(def.issuer);
          const sub = def.subject === undefined ? iss : await this.#signer.value(def.subject);
          const assertion = await this.#signer.sign({
            ...def.additionalClaims,
            iss,
            sub,
            aud: def.audience ?? def.tokenEndpoint,
          });
          const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });
          // `audience` is the assertion's aud here, not a request parameter.
          addRequestParams(form, { scopes: def.scopes, resource: def.resource, extraParams: def.extraParams });
          const headers: Record<string, string> = {};
          await (await this.#clientAuth())(form, headers);
          return { form, headers };
        },
      },
      this.#ctx,
    );
  }

  /** Optional client authentication (RFC 7523 section 2.1 allows none). */
  async #clientAuth(): Promise<ClientAuth> {
    const def = this.#def;
    if (!def.clientSecret) return noClientAuth(def.clientId);
    const secret = await this.#ctx.secrets.resolve(def.clientSecret);
    return clientSecretAuth(def.clientAuthMethod, def.clientId ?? '', secret);
  }
}
