import { z } from 'zod';
import { lazily } from '../lazily.js';
import { notInstalledMessage, type OptionalIntegration } from '../optional-packages.js';
import { durationField, endpointField } from './fields.js';

/**
 * A provider's own bootstrap value (a Vault token, an AppRole secret id):
 * `{ env: NAME }` or `{ file: PATH }`, never plain text in the config
 * (SPEC section 2, external secret managers).
 */
const buildBootstrapField = () =>
  z.union(
    [
      z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name') }),
      z.strictObject({ file: z.string().min(1) }),
    ],
    {
      error: (iss) =>
        iss.code === 'invalid_union' || iss.code === 'invalid_type'
          ? typeof iss.input === 'string'
            ? 'plain values are not allowed here: use { env: VARIABLE } or { file: /path/to/file }'
            : 'expected { env: VARIABLE } or { file: /path/to/file }'
          : undefined,
    },
  );

const buildVaultAuth = (bootstrapField: ReturnType<typeof buildBootstrapField>) =>
  z.discriminatedUnion(
    'method',
    [
      z.strictObject({ method: z.literal('token'), token: bootstrapField }),
      z.strictObject({
        method: z.literal('approle'),
        roleId: bootstrapField,
        secretId: bootstrapField,
        mount: z.string().min(1).default('approle'),
      }),
      z.strictObject({
        method: z.literal('kubernetes'),
        role: z.string().min(1),
        jwt: bootstrapField.default({ file: '/var/run/secrets/kubernetes.io/serviceaccount/token' }),
        mount: z.string().min(1).default('kubernetes'),
      }),
    ],
    {
      error: (iss) =>
        iss.code === 'invalid_union' ? 'unknown Vault auth method: expected token, approle or kubernetes' : undefined,
    },
  );

/** Path segments of Vault mounts and KV paths: no empty segment, no `..`. */
const vaultPath = (what: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
      `${what}: segments of letters, digits, '_', '.', '-' separated by '/'`,
    )
    .refine((p) => !p.split('/').includes('..'), `${what} must not contain '..'`);

/**
 * A config naming an integration whose library is not installed fails at
 * load, at its `type`, with the install command (the libraries are optional
 * peer dependencies: README, "Packages and optional integrations").
 */
export const requireInstalled =
  (integration: OptionalIntegration) =>
  (_value: unknown, ctx: z.RefinementCtx): void => {
    const message = notInstalledMessage(integration);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, path: ['type'] });
  };

/** `secrets:` entries: every provider type with its fields (SPEC section 2). */
function buildSecretProviderSchema() {
  const bootstrapField = buildBootstrapField();
  /** Values cached in memory this long (SPEC section 2: default PT1M, PT0S keeps nothing). */
  const cacheTtl = durationField().prefault('PT1M');
  const timeout = durationField().prefault('PT30S');
  /** A name prefix: what is prepended to NAME to form the manager's own secret name. */
  const prefix = z.string().max(200).default('');
  const https = endpointField().refine((u) => u.startsWith('https://'), 'must be an https:// URL');
  const vaultAuth = buildVaultAuth(bootstrapField);
  return z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('env'),
        encoding: z.enum(['base64', 'plain']).default('base64'),
        // Variables are <prefix><NAME>; a tenant of its own gets its own prefix (e.g. ACME_SECRET_).
        prefix: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an environment variable name prefix such as SECRET_ or ACME_SECRET_')
          .default('SECRET_'),
      }),
      z.strictObject({ type: z.literal('file'), dir: z.string().min(1) }),
      z.strictObject({
        type: z.literal('vault'),
        address: endpointField(),
        mount: vaultPath('mount').default('secret'),
        path: vaultPath('path').optional(),
        vaultNamespace: z.string().min(1).optional(),
        auth: vaultAuth,
        cacheTtl,
        timeout,
      }),
      z
        .strictObject({
          type: z.literal('aws-secrets-manager'),
          region: z.string().regex(/^[a-z0-9-]+$/, 'expected an AWS region such as eu-west-1'),
          prefix,
          endpoint: endpointField().optional(),
          cacheTtl,
          timeout,
        })
        .superRefine(requireInstalled('aws-secrets-manager')),
      z
        .strictObject({
          type: z.literal('gcp-secret-manager'),
          project: z.string().regex(/^[a-z0-9][a-z0-9-:.]{0,127}$/, 'expected a Google Cloud project id'),
          prefix,
          endpoint: endpointField().optional(),
          cacheTtl,
          timeout,
        })
        .superRefine(requireInstalled('gcp-secret-manager')),
      z
        .strictObject({
          type: z.literal('azure-key-vault'),
          vaultUrl: https,
          prefix,
          cacheTtl,
          timeout,
        })
        .superRefine(requireInstalled('azure-key-vault')),
    ],
    {
      error: (iss) =>
        iss.code === 'invalid_union'
          ? 'unknown secret provider type: expected env, file, vault, aws-secrets-manager, gcp-secret-manager or azure-key-vault'
          : undefined,
    },
  );
}

/**
 * The schema of a `secrets:` entry, built on first use (zod schemas cost
 * start-up time to build; a run without a config file never needs this one).
 */
export const secretProviderSchema = lazily(buildSecretProviderSchema);

/** One validated `secrets:` entry. */
export type SecretProviderConfig = z.output<ReturnType<typeof buildSecretProviderSchema>>;
/** A bootstrap value reference. */
export type BootstrapRef = z.output<ReturnType<typeof buildBootstrapField>>;
