import { z } from 'zod';
import { endpointField, scopesField, secretRefField } from '../config/fields.js';
import type { CredentialCommon } from '../config/types.js';
import { clientSecretAuth } from '../http/client-auth.js';
import { requestToken } from '../http/token-request.js';
import type { SecretRef } from '../secrets/secret-provider.js';
import { defineGrantType, type Grant, type GrantContext } from './grant.js';

/** Form fields credflow sets itself; `extraParams` may not override them. */
export const RESERVED_PARAMS = [
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'assertion',
  'scope',
  'audience',
  'resource',
];

/** RFC 8707 resource indicator(s): one or a list, normalised to a list. */
export const resourceField = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform((v) => (typeof v === 'string' ? [v] : v));

export const extraParamsField = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((v, ctx) => {
    for (const k of Object.keys(v)) {
      if (RESERVED_PARAMS.includes(k)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `'${k}' is set by credflow; use the matching field instead`,
        });
      }
    }
  })
  .transform((v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])));

/** A validated `client_credentials` definition. */
export interface ClientCredentialsDefinition extends CredentialCommon {
  type: 'client_credentials';
  tokenEndpoint: string;
  clientId: string;
  clientSecret: SecretRef;
  clientAuthMethod: 'client_secret_basic' | 'client_secret_post';
  scopes?: string[];
  audience?: string;
  resource?: string[];
  extraParams?: Record<string, string>;
}

/** Adds `scope`, `audience`, `resource` and extra parameters to a token request form. */
export function addRequestParams(
  form: URLSearchParams,
  def: { scopes?: string[]; audience?: string; resource?: string[]; extraParams?: Record<string, string> },
): void {
  if (def.scopes?.length) form.set('scope', def.scopes.join(' '));
  if (def.audience) form.set('audience', def.audience);
  for (const r of def.resource ?? []) form.append('resource', r);
  for (const [k, v] of Object.entries(def.extraParams ?? {})) form.set(k, v);
}

/**
 * The OAuth 2.0 client credentials grant with a client secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export const clientCredentialsGrantType = defineGrantType<ClientCredentialsDefinition>({
  type: 'client_credentials',
  fields: {
    tokenEndpoint: endpointField,
    clientId: z.string().min(1),
    clientSecret: secretRefField,
    clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    scopes: scopesField.optional(),
    audience: z.string().min(1).optional(),
    resource: resourceField.optional(),
    extraParams: extraParamsField.optional(),
  },
  sensitiveFields: ['clientSecret'],
  endpoint: (def) => def.tokenEndpoint,
  create: (def, ctx) => new ClientCredentialsGrant(def, ctx),
});

class ClientCredentialsGrant implements Grant {
  readonly #def: ClientCredentialsDefinition;
  readonly #ctx: GrantContext;

  constructor(def: ClientCredentialsDefinition, ctx: GrantContext) {
    this.#def = def;
    this.#ctx = ctx;
  }

  mint() {
    const def = this.#def;
    return requestToken(
      {
        credential: this.#ctx.credential,
        endpoint: def.tokenEndpoint,
        timeoutMs: def.timeout,
        prepare: async () => {
          // Read per mint, so a rotated secret is picked up on the next token.
          const secret = await this.#ctx.secrets.resolve(def.clientSecret);
          const auth = clientSecretAuth(def.clientAuthMethod, def.clientId, secret);
          const form = new URLSearchParams({ grant_type: 'client_credentials' });
          addRequestParams(form, def);
          const headers: Record<string, string> = {};
          await auth(form, headers);
          return { form, headers };
        },
      },
      this.#ctx,
    );
  }
}
