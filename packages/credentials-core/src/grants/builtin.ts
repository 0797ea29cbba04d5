import { clientCredentialsGrantType } from './client-credentials.js';
import type { GrantType } from './grant.js';

/** The credential types credflow ships with. */
export const builtinGrantTypes: readonly GrantType[] = [clientCredentialsGrantType];
