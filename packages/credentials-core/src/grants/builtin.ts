import { clientCredentialsGrantType } from './client-credentials.js';
import { gitHubAppGrantType } from './github-app/github-app.js';
import type { GrantType } from './grant.js';
import { jwtBearerGrantType } from './jwt-bearer.js';
import { privateKeyJwtGrantType } from './private-key-jwt.js';
import { tokenExchangeGrantType } from './token-exchange.js';

/** The credential types credflow ships with. */
export const builtinGrantTypes: readonly GrantType[] = [
  clientCredentialsGrantType,
  jwtBearerGrantType,
  privateKeyJwtGrantType,
  gitHubAppGrantType,
  tokenExchangeGrantType,
];
