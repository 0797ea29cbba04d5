// The widgets of each credential type: every field the type has. Anything
// else in a definition is shown in the "Other fields" YAML box.

export type Kind =
  | 'text'
  | 'number'
  | 'duration'
  | 'secret'
  | 'select'
  | 'list'
  | 'permissions'
  | 'textOrSecret'
  | 'yaml'
  | 'boolean';

export interface Field {
  /** Path in the definition: `clientId`, `cache.enabled`. */
  name: string;
  label: string;
  kind: Kind;
  options?: string[];
  /** What applies when the field is absent (shown, never written). */
  defaultText?: string;
  placeholder?: string;
  required?: boolean;
  help?: string;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

const endpoint: Field = {
  name: 'tokenEndpoint',
  label: 'Token endpoint',
  kind: 'text',
  required: true,
  placeholder: 'https://idp.example.com/oauth2/token',
};
const clientId: Field = { name: 'clientId', label: 'Client id', kind: 'text', required: true };
const scopes: Field = { name: 'scopes', label: 'Scopes', kind: 'list', placeholder: 'api:read api:write' };
const resource: Field = {
  name: 'resource',
  label: 'Resource (RFC 8707)',
  kind: 'list',
  placeholder: 'https://api.example.com',
};
const extraParams: Field = {
  name: 'extraParams',
  label: 'Extra form fields (YAML)',
  kind: 'yaml',
  placeholder: '{ tenant_hint: x }',
};
const authMethod: Field = {
  name: 'clientAuthMethod',
  label: 'Client authentication',
  kind: 'select',
  options: AUTH_METHODS,
  defaultText: 'client_secret_basic',
};
const signing: Field[] = [
  { name: 'privateKey', label: 'Private key', kind: 'secret', required: true },
  { name: 'certificate', label: 'Certificate (optional)', kind: 'secret' },
  { name: 'keyId', label: 'Key id (kid)', kind: 'textOrSecret' },
  { name: 'algorithm', label: 'Algorithm', kind: 'select', options: ALGORITHMS, defaultText: 'RS256' },
  { name: 'assertionLifetime', label: 'Assertion lifetime', kind: 'duration', defaultText: 'PT5M' },
];

export const TYPE_FIELDS: Record<string, Field[]> = {
  client_credentials: [
    endpoint,
    clientId,
    { name: 'clientSecret', label: 'Client secret', kind: 'secret', required: true },
    authMethod,
    scopes,
    { name: 'audience', label: 'Audience', kind: 'text' },
    resource,
    extraParams,
  ],
  private_key_jwt: [
    endpoint,
    clientId,
    ...signing,
    scopes,
    { name: 'audience', label: 'Assertion audience', kind: 'text', defaultText: 'the token endpoint' },
    resource,
    extraParams,
  ],
  jwt_bearer: [
    endpoint,
    { name: 'issuer', label: 'Issuer (iss)', kind: 'textOrSecret', required: true },
    { name: 'subject', label: 'Subject (sub)', kind: 'textOrSecret', defaultText: 'the issuer' },
    { name: 'audience', label: 'Audience (aud)', kind: 'text', defaultText: 'the token endpoint' },
    ...signing,
    {
      name: 'additionalClaims',
      label: 'Additional claims (YAML)',
      kind: 'yaml',
      placeholder: '{ scope: "https://www.googleapis.com/auth/cloud-platform" }',
    },
    scopes,
    { name: 'clientId', label: 'Client id (optional)', kind: 'text' },
    { name: 'clientSecret', label: 'Client secret (optional)', kind: 'secret' },
    authMethod,
  ],
  github_app: [
    { name: 'appId', label: 'App id', kind: 'number', required: true },
    { name: 'privateKey', label: 'App private key', kind: 'secret', required: true },
    { name: 'installationId', label: 'Installation id', kind: 'number' },
    { name: 'owner', label: '…or owner (organisation or user)', kind: 'text' },
    { name: 'repositories', label: 'Repositories', kind: 'list', placeholder: 'widgets gadgets' },
    { name: 'permissions', label: 'Permissions', kind: 'permissions', placeholder: 'contents:read issues:write' },
    { name: 'baseUrl', label: 'API URL', kind: 'text', defaultText: 'https://api.github.com' },
  ],
};

/** Fields every credential type takes. */
export const COMMON_FIELDS: Field[] = [
  { name: 'cache.enabled', label: 'Cache tokens', kind: 'boolean', defaultText: 'on' },
  { name: 'cache.refreshBeforeExpiry', label: 'Refresh before expiry', kind: 'duration', defaultText: 'PT1M' },
  { name: 'timeout', label: 'Timeout', kind: 'duration', defaultText: 'PT30S' },
  { name: 'defaultLifetime', label: 'Default lifetime', kind: 'duration', defaultText: 'PT1H' },
];
