import { z } from 'zod';
import { refuseReservedKeys, scopesField } from '../config/fields.js';
import { lazily } from '../lazily.js';

/**
 * Token request parameters several grants send besides their own: `scope`
 * (RFC 6749 section 3.3), `audience`, `resource` (RFC 8707) and operator-set
 * extra parameters.
 */

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
export const resourceField = lazily(() =>
  z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (typeof v === 'string' ? [v] : v)),
);

export const extraParamsField = lazily(() =>
  z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .superRefine(refuseReservedKeys(RESERVED_PARAMS))
    .transform((v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]))),
);

/** The request parameters of a validated definition. */
export interface RequestParamsDefinition {
  scopes?: string[];
  audience?: string;
  resource?: string[];
  extraParams?: Record<string, string>;
}

/** `scopes`, `audience`, `resource` and `extraParams`, each optional: the fields of {@link RequestParamsDefinition}. */
export const requestParamFields = lazily(() => ({
  scopes: scopesField().optional(),
  audience: z.string().min(1).optional(),
  resource: resourceField().optional(),
  extraParams: extraParamsField().optional(),
}));

/** Adds `scope`, `audience`, `resource` and extra parameters to a token request form. */
export function addRequestParams(form: URLSearchParams, def: RequestParamsDefinition): void {
  if (def.scopes?.length) form.set('scope', def.scopes.join(' '));
  if (def.audience) form.set('audience', def.audience);
  for (const r of def.resource ?? []) form.append('resource', r);
  for (const [k, v] of Object.entries(def.extraParams ?? {})) form.set(k, v);
}
