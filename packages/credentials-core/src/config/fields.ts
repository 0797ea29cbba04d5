import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { lazily } from '../lazily.js';
import { isSecureOrLoopbackUrl } from './loopback.js';
import { isValidSecretName } from './secret-ref.js';

/** An ISO-8601 duration string, parsed to milliseconds. */
export const durationField = lazily(() =>
  z.string({ error: 'expected an ISO-8601 duration such as PT1M' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `'${text.slice(0, 40)}' is not an ISO-8601 duration (examples: PT30S, PT1M, PT1H, P1D; years and months are not allowed)`,
      });
      return z.NEVER;
    }
    return ms;
  }),
);

/**
 * A reference to a secret: `{ secret: NAME, subkey?: KEY }`. A plain string
 * is refused with a message that says how to reference a secret.
 */
export const secretRefField = lazily(() =>
  z.strictObject(
    {
      secret: z
        .string({ error: 'expected the name of a secret' })
        .refine(isValidSecretName, "secret names use letters, digits, '_', '.' and '-'"),
      subkey: z.string().min(1).optional(),
    },
    {
      error: (iss) => {
        if (iss.code !== 'invalid_type') return undefined;
        return typeof iss.input === 'string' || typeof iss.input === 'number'
          ? 'plain values are not allowed in a sensitive field: reference a secret instead, e.g. { secret: MY_SECRET } (secrets come from the providers under `secrets:`)'
          : 'expected a secret reference such as { secret: MY_SECRET }';
      },
    },
  ),
);

/**
 * An https URL (http only on loopback, for local servers and tests; loopback
 * is decided by parsing the host as an IP address: `isLoopbackHost`).
 */
export const endpointField = lazily(() =>
  z.string({ error: 'expected a URL' }).superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${text.slice(0, 80)}' is not a valid URL` });
      return;
    }
    if (!isSecureOrLoopbackUrl(url)) {
      ctx.addIssue({ code: 'custom', message: 'must be an https:// URL (http:// is allowed only on loopback)' });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
    }
  }),
);

/**
 * A `superRefine` check for a mapping whose keys must not be ones credflow
 * sets itself (token request parameters, JWT claims): each such key is an
 * issue at its own path.
 */
export const refuseReservedKeys =
  (reserved: readonly string[]) =>
  (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const k of Object.keys(value)) {
      if (reserved.includes(k)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `'${k}' is set by credflow; use the matching field instead`,
        });
      }
    }
  };

/** Scopes as a list or a space-separated string, normalised to a list. */
export const scopesField = lazily(() =>
  z
    .union([z.string(), z.array(z.string().min(1))], { error: 'expected a list of scopes or a space-separated string' })
    .transform((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v)),
);

const buildCommonFields = () => ({
  /** `cache:` of every credential type. */
  cache: z
    .strictObject({
      enabled: z.boolean().default(true),
      refreshBeforeExpiry: durationField().prefault('PT1M'),
    })
    .prefault({}),
  timeout: durationField().prefault('PT30S'),
  defaultLifetime: durationField().prefault('PT1H'),
});

/** Fields every credential type takes, built on first use (only the config schema needs them). */
export const commonFields = lazily(buildCommonFields);
