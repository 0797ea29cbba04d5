import { CredentialStore, EnvSecretProvider, Masker } from '@credflow/credentials-core';
import { scanForLeaks } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderSession, registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

// Issue 26, item 1: values parsed out of a JSON secret were printed in clear.
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
const PASSWORD = 'hunter2-password-7f3a9c';
const SA = JSON.stringify({
  type: 'service_account',
  private_key_id: 'b1f0e2d3c4a5968778695a4b3c2d1e0f',
  private_key: PRIVATE_KEY,
  pw: PASSWORD,
  pin: 48213579,
});
const NEEDLES = [PRIVATE_KEY.trim(), PASSWORD, 'b1f0e2d3c4a5968778695a4b3c2d1e0f', '48213579'];

let env: nunjucks.Environment;

beforeAll(() => {
  const store = CredentialStore.fromYaml('credentials: {}\n', {
    secretProviders: [new EnvSecretProvider({ env: { SECRET_GCP_SA: Buffer.from(SA).toString('base64') } })],
  });
  env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  registerStandardLibrary(env);
});

/** Renders, masks the output with what the render reported, and scans it with the independent scanner. */
async function maskedOutput(src: string, options: { known?: string[] } = {}): Promise<string> {
  const masker = new Masker();
  const session = createRenderSession(env, {
    onSensitiveValue: masker.add,
    ...(options.known ? { sensitiveValues: options.known } : {}),
  });
  const { output } = await render(
    env,
    src,
    { flow: { tenantId: 'main' }, inputs: { pw: options.known?.[0] } },
    { session },
  );
  return masker.mask(output);
}

describe('values derived from a secret are sensitive (SPEC section 4)', () => {
  it.each([
    ["<< json(secret('GCP_SA')).private_key >>", PRIVATE_KEY.trim()],
    ["<< (secret('GCP_SA') | fromJson).pw >>", PASSWORD],
    ["<< fromJson(secret('GCP_SA')).private_key_id >>", 'b1f0e2d3c4a5968778695a4b3c2d1e0f'],
    ["<< (secret('GCP_SA') | fromJson).pw | upper >>", PASSWORD.toUpperCase()],
    ["<< (secret('GCP_SA') | fromJson).pw | base64encode | base64encode >>", PASSWORD],
    ["<< (secret('GCP_SA') | fromJson).pw | urlencode | urlencode >>", PASSWORD],
    ["<< (secret('GCP_SA') | fromJson).pw | escape >>", PASSWORD],
    ["<< (secret('GCP_SA') | fromJson).pw | reverse >>", [...PASSWORD].reverse().join('')],
    ["<< (secret('GCP_SA') | fromJson).pin >>", '48213579'],
    ["<< (secret('GCP_SA') | fromJson).pw | replace({'-': '_'}) >>", PASSWORD.replaceAll('-', '_')],
    ["<< (secret('GCP_SA') | fromJson).pw | split('-') | join(' ') >>", PASSWORD.replaceAll('-', ' ')],
    ["<% set sa = secret('GCP_SA') | fromJson %><< {'k': sa.pw} | toJson >>", PASSWORD],
  ])('%s prints nothing of the secret', async (src, derived) => {
    const out = await maskedOutput(src);
    expect(out).toContain('******');
    expect(scanForLeaks(out, [...NEEDLES, derived])).toEqual([]);
  });

  it('the field names of a JSON secret are not masked (they are structure, not content)', async () => {
    const out = await maskedOutput("<< secret('GCP_SA') | fromJson | keys | join(',') >>");
    expect(out).toBe('type,private_key_id,private_key,pw,pin');
  });

  it('values known before the render (SECRET inputs of type JSON) are tracked too', async () => {
    const input = JSON.stringify({ user: 'svc', password: 'input-password-91cd' });
    const out = await maskedOutput('<< (inputs.pw | fromJson).password >>', { known: [input] });
    expect(out).toBe('******');
  });

  it('renders that touch no secret report nothing', async () => {
    const r = await render(env, "<< {'a': 'plain-value-xyz'} | toJson | upper >>", { flow: { tenantId: 'main' } });
    expect(r.sensitiveValues).toEqual([]);
  });
});
