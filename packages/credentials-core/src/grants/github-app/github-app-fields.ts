import { z } from 'zod';
import { endpointField, secretRefField } from '../../config/fields.js';
import type { SecretRef } from '../../config/secret-ref.js';
import type { CredentialCommon } from '../../config/types.js';
import { lazily } from '../../lazily.js';
import { signingIssues } from '../jwt-fields.js';

export type Level = 'read' | 'write' | 'admin';

/** A validated `github_app` definition. */
export interface GitHubAppDefinition extends CredentialCommon {
  type: 'github_app';
  /** The numeric app id; or {@link clientId}. */
  appId?: string;
  /** The app's client id (`Iv23...`), which GitHub recommends as the JWT issuer. */
  clientId?: string;
  privateKey?: SecretRef;
  /** A host-provided signer's name (store option `signers`), instead of privateKey. */
  signer?: string;
  installationId?: number;
  owner?: string;
  repositories?: string[];
  permissions?: Record<string, Level>;
  baseUrl: string;
}

/** The type's own fields, built on first use (see lazily()). */
export const gitHubAppFields = lazily(() => ({
  appId: z
    .union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be the numeric app id')])
    .transform(String)
    .optional(),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the app's client id (e.g. Iv23li...)")
    .optional(),
  privateKey: secretRefField().optional(),
  signer: z.string().min(1).max(100).optional(),
  installationId: z.number().int().positive().optional(),
  owner: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub organisation or user login')
    .optional(),
  repositories: z
    .array(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name (without owner)'))
    .min(1)
    .optional(),
  permissions: z.record(z.string().regex(/^[a-z_]+$/), z.enum(['read', 'write', 'admin'])).optional(),
  baseUrl: endpointField()
    .transform((u) => u.replace(/\/+$/, ''))
    .prefault('https://api.github.com'),
}));

/** Checks across the fields: a key or a signer, an issuer, and one way to find the installation. */
export function gitHubAppIssues(def: GitHubAppDefinition): { path: string[]; message: string }[] {
  return [
    ...signingIssues(def),
    ...(def.appId === undefined && def.clientId === undefined
      ? [{ path: ['appId'], message: 'set appId, or clientId (the JWT issuer GitHub recommends)' }]
      : []),
    ...(def.installationId === undefined && def.owner === undefined
      ? [{ path: ['installationId'], message: 'set installationId, or owner to look the installation up' }]
      : def.installationId !== undefined && def.owner !== undefined
        ? [{ path: ['owner'], message: 'set installationId or owner, not both' }]
        : []),
  ];
}
