import { z } from 'zod';
import { durationField, secretRefField } from '../config/fields.js';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.js';

/** Fields shared by the JWT-signing credential types. */
export const signingFields = {
  privateKey: secretRefField,
  certificate: secretRefField.optional(),
  keyId: z.union([z.string().min(1), secretRefField]).optional(),
  algorithm: z.enum(SIGNING_ALGORITHMS, { error: `expected one of ${SIGNING_ALGORITHMS.join(', ')}` }).default('RS256'),
  assertionLifetime: durationField
    .refine((ms) => ms >= 1000 && ms <= 3_600_000, 'must be between PT1S and PT1H')
    .prefault('PT5M'),
};
