import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { scopesField, secretRefField } from '../config/fields.js';
import type { SecretRef } from '../config/secret-ref.js';
import type { CredentialCommon } from '../config/types.js';
import { TokenResponseInvalidError } from '../errors.js';
import { lazily } from '../lazily.js';
import { type ClientAuthDefinition, clientAuthFields, clientAuthIssues } from './client-auth/client-auth-fields.js';
import { ClientAuthentication } from './client-auth/client-authentication.js';
import { clientGrant } from './client-grant.js';
import { defineGrantType } from './grant.js';
import { addRequestParams, resourceField } from './request-params.js';
import { SubjectTokenReader } from './subject-token.js';

/** RFC 8693 section 2.1 grant type. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** RFC 8693 section 3 token type identifiers, and the short names credflow accepts for them. */
const TOKEN_TYPE_PREFIX = 'urn:ietf:params:oauth:token-type:';
const SHORT_TOKEN_TYPES = ['access_token', 'refresh_token', 'id_token', 'jwt', 'saml1', 'saml2'];

/** A token type: a short name (`jwt`, `access_token`, ...) or any absolute URI, normalised to the URI. */
const tokenTypeField = lazily(() =>
  z
    .string()
    .min(1)
    .refine(
      (t) => SHORT_TOKEN_TYPES.includes(t) || /^[a-z][a-z0-9+.-]*:/i.test(t),
      `expected ${SHORT_TOKEN_TYPES.join(', ')} or a token type URI (RFC 8693 section 3)`,
    )
    .transform((t) => (SHORT_TOKEN_TYPES.includes(t) ? `${TOKEN_TYPE_PREFIX}${t}` : t)),
);

/** Where the subject token comes from: a file (absolute path) or a secret. */
const subjectTokenField = lazily(() =>
  z.union([
    z.strictObject({
      file: z.string().min(1).refine(isAbsolute, 'must be an absolute path (e.g. /var/run/secrets/tokens/token)'),
    }),
    secretRefField(),
  ]),
);

/** A validated `token_exchange` definition. */
export interface TokenExchangeDefinition extends CredentialCommon, ClientAuthDefinition {
  type: 'token_exchange';
  subjectToken?: { file: string } | SecretRef;
  subjectCredential?: string;
  subjectTokenType?: string;
  requestedTokenType?: string;
  audience?: string[];
  resource?: string[];
  scopes?: string[];
}

/** The type's own fields, built on first use (see lazily()). */
const fields = lazily(() => ({
  ...clientAuthFields(),
  clientId: z.string().min(1).optional(),
  subjectToken: subjectTokenField().optional(),
  subjectCredential: z.string().min(1).max(128).optional(),
  subjectTokenType: tokenTypeField().optional(),
  requestedTokenType: tokenTypeField().optional(),
  audience: resourceField().optional(),
  resource: resourceField().optional(),
  scopes: scopesField().optional(),
}));

/**
 * OAuth 2.0 Token Exchange: a subject token (a Kubernetes service-account
 * token in a file, a secret, or another credential's live token) is
 * exchanged for an access token. Client authentication as for
 * `client_credentials`, or none (a public client).
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
export const tokenExchangeGrantType = defineGrantType<TokenExchangeDefinition>({
  type: 'token_exchange',
  get fields() {
    return fields();
  },
  sensitiveFields: ['clientSecret', 'certificate', 'privateKey'],
  validate: (def) => {
    const issues = clientAuthIssues(def, { clientRequired: false });
    if (def.subjectToken && def.subjectCredential) {
      issues.push({ path: ['subjectCredential'], message: 'set subjectToken or subjectCredential, not both' });
    } else if (!def.subjectToken && !def.subjectCredential) {
      issues.push({
        path: ['subjectToken'],
        message: 'is required: { file: PATH }, { secret: NAME }, or subjectCredential: KEY',
      });
    }
    return issues;
  },
  endpoint: (def) => def.tokenEndpoint ?? `${def.issuer} (discovered)`,
  create: (def, ctx) => {
    const subject = new SubjectTokenReader(
      def.subjectCredential
        ? { credential: def.subjectCredential }
        : (def.subjectToken as { file: string } | SecretRef),
      ctx,
    );
    // Another credential hands out access tokens; a file or secret usually holds a JWT (Kubernetes, CI OIDC tokens).
    const subjectType = def.subjectTokenType ?? `${TOKEN_TYPE_PREFIX}${def.subjectCredential ? 'access_token' : 'jwt'}`;
    return clientGrant(new ClientAuthentication(def, ctx), ctx, async () => {
      // Read once per mint (a retried attempt sends the same subject token).
      const subjectToken = await subject.read();
      return {
        timeoutMs: def.timeout,
        allowNone: true,
        form: () => {
          const form = new URLSearchParams({
            grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
            subject_token: subjectToken,
            subject_token_type: subjectType,
          });
          if (def.requestedTokenType) form.set('requested_token_type', def.requestedTokenType);
          for (const a of def.audience ?? []) form.append('audience', a);
          addRequestParams(form, {
            ...(def.scopes ? { scopes: def.scopes } : {}),
            ...(def.resource ? { resource: def.resource } : {}),
          });
          return form;
        },
        checkBody: (body, where) => {
          // RFC 8693 section 2.2.1: issued_token_type is REQUIRED.
          if (typeof body.issued_token_type !== 'string' || body.issued_token_type === '') {
            throw new TokenResponseInvalidError(
              'token exchange response has no issued_token_type (RFC 8693 section 2.2.1)',
              where,
            );
          }
        },
      };
    });
  },
});
