// External signers: the private key stays in your KMS or HSM, credflow never
// sees it. A credential names a signer (`signer: corp-kms` instead of
// `privateKey`) and the host app registers it with the store; credflow writes
// the assertion's header and claims and asks the signer only for the
// signature of the JWS signing input (like octokit's createJwt and MSAL's
// clientAssertion callback, but the cache, claims and masking stay credflow's).
//
//   node examples/external-signer.mjs
//
// So that it runs anywhere, the "KMS" here is a key pair in this process and
// a local oidc-provider stands in for your identity provider. With AWS KMS,
// `sign` would be:
//   const out = await kms.send(new SignCommand({ KeyId, Message: signingInput,
//     MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
//   return out.Signature; // DER: credflow converts it to JOSE's R || S
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { CredentialStore } from '@credflow/credentials-core';
import { startAuthServer } from '@credflow/testkit';
import { exportJWK } from 'jose';

// Stand-in for the KMS key: only `kmsSign` can use it.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kmsSign = async (message) => sign('sha256', message, privateKey); // DER, as KMS APIs return

const idp = await startAuthServer({
  scopes: ['api:read'],
  clients: [
    {
      client_id: 'kms-signed-client',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [{ ...(await exportJWK(createPublicKey(privateKey))), alg: 'ES256', kid: 'kms-key-1' }] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
  ],
});

try {
  const store = CredentialStore.fromYaml(
    `credentials:
  api:
    type: private_key_jwt
    tokenEndpoint: ${idp.tokenEndpoint}
    clientId: kms-signed-client
    signer: corp-kms          # no privateKey: the host's signer signs
    scopes: [api:read]
`,
    {
      signers: {
        'corp-kms': {
          algorithm: 'ES256',
          keyId: 'kms-key-1',
          sign: (signingInput) => kmsSign(signingInput),
        },
      },
    },
  );
  const info = await store.test('api');
  const token = await store.getToken('api');
  const active = (await idp.introspect(token)).active;
  console.log(
    `[external-signer] ${info.type} token for kms-signed-client: ${info.tokenType}, ${info.expiresIn} s, introspection active: ${active}`,
  );
} finally {
  await idp.close();
}
