import { z } from 'zod';
import { durationField, secretRefField } from '../config/fields.js';
import type { SecretRef } from '../config/secret-ref.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../keys/algorithms.js';
import { AssertionSigner } from '../keys/assertion-signer.js';
import { lazily } from '../lazily.js';
import type { GrantContext } from './grant.js';

/** Fields shared by the JWT-signing credential types. */
export const signingFields = lazily(() => ({
  privateKey: secretRefField().optional(),
  /** A host-provided signer's name (store option `signers`), instead of privateKey. */
  signer: z.string().min(1).max(100).optional(),
  certificate: secretRefField().optional(),
  keyId: z.union([z.string().min(1), secretRefField()]).optional(),
  algorithm: z.enum(SIGNING_ALGORITHMS, { error: `expected one of ${SIGNING_ALGORITHMS.join(', ')}` }).default('RS256'),
  assertionLifetime: durationField()
    .refine((ms) => ms >= 1000 && ms <= 3_600_000, 'must be between PT1S and PT1H')
    .prefault('PT5M'),
}));

/** The signing fields of a validated definition. */
export interface SigningDefinition {
  privateKey?: SecretRef;
  signer?: string;
  certificate?: SecretRef;
  keyId?: string | SecretRef;
  algorithm: SigningAlgorithm;
  assertionLifetime: number;
}

/** The assertion signer of a definition: one per grant, so its key is imported once. */
export function signerFor(def: SigningDefinition, ctx: GrantContext): AssertionSigner {
  return new AssertionSigner({
    credential: ctx.credential,
    algorithm: def.algorithm,
    ...(def.privateKey ? { privateKey: def.privateKey } : {}),
    ...(def.signer ? { signer: def.signer } : {}),
    ...(ctx.signer ? { signers: (name: string) => ctx.signer?.(name) } : {}),
    ...(def.certificate ? { certificate: def.certificate } : {}),
    ...(def.keyId ? { keyId: def.keyId } : {}),
    lifetimeMs: def.assertionLifetime,
    secrets: ctx.secrets,
    clock: ctx.clock,
    sensitive: ctx.sensitive,
  });
}

/** `privateKey` or `signer`, exactly one. */
export function signingIssues(def: { privateKey?: SecretRef; signer?: string }): { path: string[]; message: string }[] {
  if (def.privateKey && def.signer) return [{ path: ['signer'], message: 'set privateKey or signer, not both' }];
  if (!def.privateKey && !def.signer) {
    return [{ path: ['privateKey'], message: 'is required (or signer: the name of a signer the host registered)' }];
  }
  return [];
}
