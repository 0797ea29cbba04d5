import type { z } from 'zod';
import type { CredentialCommon } from './types.js';

/**
 * What config loading needs of one credential type: its `type` name, the
 * zod shape of its own fields, which of them must be secret references, and
 * its checks across fields. A `GrantType` (grants/grant.ts) is one; config
 * takes them as a parameter, so it never imports the grants.
 */
export interface CredentialTypeSchema<D extends CredentialCommon = CredentialCommon> {
  readonly type: D['type'];
  /** zod shape of the type's own fields (besides `type`, `cache`, `timeout`, `defaultLifetime`). */
  readonly fields: z.ZodRawShape;
  /** Fields that must be secret references. */
  readonly sensitiveFields: readonly string[];
  /** Checks across fields, run at config load; each problem names its field path. */
  validate?(def: D): { path: string[]; message: string }[];
}
