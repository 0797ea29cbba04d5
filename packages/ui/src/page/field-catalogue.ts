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
  /** A whole row of the form (options too long for half of it). */
  wide?: boolean;
  /** Shown only for these client authentication methods ('' is the default one); always shown when it holds a value. */
  methods?: readonly string[];
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];
/** client_credentials and token_exchange: secret-based (RFC 6749, RFC 7523) and mTLS (RFC 8705) methods. */
const ALL_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

const endpoint: Field = {
  name: 'tokenEndpoint',
  label: 'Token endpoint',
  kind: 'text',
  required: true,
  placeholder: 'https://idp.example.com/oauth2/token',
};
/** `tokenEndpoint` or `issuer` (discovery, RFC 8414): either one. */
const discoverable: Field[] = [
  { ...endpoint, required: false, help: 'or leave empty and set the issuer below' },
  {
    name: 'issuer',
    label: '…or issuer (discovery)',
    kind: 'text',
    placeholder: 'https://idp.example.com',
    help: 'RFC 8414 / OpenID discovery finds the token endpoint',
  },
  { name: 'caCertificate', label: 'Trusted CA (private PKI)', kind: 'secret' },
];
const SECRET_METHODS = ['', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt'];
const MTLS_METHODS = ['tls_client_auth', 'self_signed_tls_client_auth'];
/** Client authentication of client_credentials and token_exchange: each field where its method uses it. */
const clientAuth: Field[] = [
  {
    name: 'clientAuthMethod',
    label: 'Client authentication',
    kind: 'select',
    options: ALL_AUTH_METHODS,
    defaultText: 'client_secret_basic, or as discovered',
    wide: true,
  },
  { name: 'clientSecret', label: 'Client secret', kind: 'secret', methods: SECRET_METHODS },
  {
    name: 'algorithm',
    label: 'client_secret_jwt algorithm',
    kind: 'select',
    options: ['HS256', 'HS384', 'HS512'],
    defaultText: 'HS256',
    methods: ['client_secret_jwt'],
  },
  { name: 'certificate', label: 'mTLS client certificate', kind: 'secret', methods: MTLS_METHODS },
  { name: 'privateKey', label: 'mTLS client key', kind: 'secret', methods: MTLS_METHODS },
];
const signer: Field = {
  name: 'signer',
  label: '…or external signer (host app)',
  kind: 'text',
  help: 'a signer registered with the store (KMS, HSM) instead of privateKey',
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
  wide: true,
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
    ...discoverable,
    clientId,
    ...clientAuth,
    scopes,
    { name: 'audience', label: 'Audience', kind: 'text' },
    resource,
    extraParams,
  ],
  private_key_jwt: [
    ...discoverable,
    clientId,
    ...signing,
    signer,
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
    signer,
    {
      name: 'additionalClaims',
      label: 'Additional claims (YAML)',
      kind: 'yaml',
      placeholder: '{ scope: "https://www.googleapis.com/auth/cloud-platform" }',
    },
    scopes,
    resource,
    extraParams,
    { name: 'clientId', label: 'Client id (optional)', kind: 'text' },
    { name: 'clientSecret', label: 'Client secret (optional)', kind: 'secret' },
    authMethod,
  ],
  github_app: [
    { name: 'appId', label: 'App id', kind: 'number' },
    { name: 'clientId', label: '…or client id (JWT issuer)', kind: 'text', placeholder: 'Iv23li...' },
    { name: 'privateKey', label: 'App private key', kind: 'secret' },
    signer,
    { name: 'installationId', label: 'Installation id', kind: 'number' },
    { name: 'owner', label: '…or owner (organisation or user)', kind: 'text' },
    { name: 'repositories', label: 'Repositories', kind: 'list', placeholder: 'widgets gadgets' },
    { name: 'permissions', label: 'Permissions', kind: 'permissions', placeholder: 'contents:read issues:write' },
    { name: 'baseUrl', label: 'API URL', kind: 'text', defaultText: 'https://api.github.com' },
  ],
  token_exchange: [
    ...discoverable,
    { name: 'clientId', label: 'Client id (none: public client)', kind: 'text' },
    ...clientAuth,
    {
      name: 'subjectToken',
      label: 'Subject token (YAML)',
      kind: 'yaml',
      placeholder: '{ file: /var/run/secrets/tokens/token } or { secret: NAME }',
    },
    { name: 'subjectCredential', label: '…or subject credential (key)', kind: 'text' },
    {
      name: 'subjectTokenType',
      label: 'Subject token type',
      kind: 'text',
      defaultText: 'jwt (access_token for a subject credential)',
    },
    { name: 'requestedTokenType', label: 'Requested token type', kind: 'text' },
    { name: 'audience', label: 'Audience', kind: 'list', placeholder: 'https://api.example.com' },
    resource,
    scopes,
  ],
};

/** Fields every credential type takes. */
export const COMMON_FIELDS: Field[] = [
  { name: 'cache.enabled', label: 'Cache tokens', kind: 'boolean', defaultText: 'on' },
  { name: 'cache.refreshBeforeExpiry', label: 'Refresh before expiry', kind: 'duration', defaultText: 'PT1M' },
  { name: 'timeout', label: 'Timeout', kind: 'duration', defaultText: 'PT30S' },
  { name: 'defaultLifetime', label: 'Default lifetime', kind: 'duration', defaultText: 'PT1H' },
];
