import { describe, expect, it } from 'vitest';
import { CredentialStore } from '../../src/store.js';

// Review of issue 26: `credentials list` and the UI's list printed a token endpoint in full, query string
// included, where an operator had put a client secret (`?client_secret=…`).
describe('credential summaries', () => {
  it('show an endpoint without its query string or fragment (user info is refused at load)', () => {
    const store = CredentialStore.fromYaml(`credentials:
  q: { type: client_credentials, tokenEndpoint: "https://idp.example/token?client_secret=query-secret-value-42", clientId: c, clientSecret: { secret: S } }
  f: { type: client_credentials, tokenEndpoint: "https://idp.example/t#frag", clientId: c, clientSecret: { secret: S } }
  plain: { type: client_credentials, tokenEndpoint: "https://idp.example/oauth/token", clientId: c, clientSecret: { secret: S } }
`);
    const shown = Object.fromEntries(store.list().map((c) => [c.key, c.endpoint]));
    expect(shown).toEqual({
      q: 'https://idp.example/token',
      f: 'https://idp.example/t',
      plain: 'https://idp.example/oauth/token',
    });
  });
});
