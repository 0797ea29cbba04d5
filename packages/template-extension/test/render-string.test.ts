import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  type AuthServer,
  clientCredentialsClient,
  type LoopbackServer,
  sendJson,
  startAuthServer,
  startLoopbackServer,
} from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRenderSession,
  registerCredentials,
  render,
  renderString,
  renderTemplate,
  TemplateRenderError,
} from '../src/index.js';

const SECRET = 'client-secret-for-template-tests';
const env = {
  SECRET_CLIENT: Buffer.from(SECRET).toString('base64'),
  SECRET_PLAIN: Buffer.from('plain-secret-value').toString('base64'),
  SECRET_SA: Buffer.from(JSON.stringify({ private_key: 'pem-body-value', client_email: 'robot@x' })).toString('base64'),
};

let as: AuthServer;
let odd: LoopbackServer;
let store: CredentialStore;
const ODD_TOKEN = `tok&<>"'=+/${'x'.repeat(8)}`;

const client = (id: string) => clientCredentialsClient(id, SECRET);

function credentials(tokenEndpoint: string, oddEndpoint: string) {
  const cc = (id: string, extra = '') =>
    `{ type: client_credentials, tokenEndpoint: "${tokenEndpoint}", clientId: ${id}, clientSecret: { secret: CLIENT }${extra} }`;
  return `
credentials:
  api: ${cc('c-api')}
  other: ${cc('c-other')}
  nocache: ${cc('c-nocache', ', cache: { enabled: false }')}
  odd: { type: client_credentials, tokenEndpoint: "${oddEndpoint}", clientId: x, clientSecret: { secret: CLIENT } }
namespaces:
  company.team:
    credentials:
      team: ${cc('c-team')}
tenants:
  acme:
    credentials:
      api: ${cc('c-acme')}
`;
}

beforeAll(async () => {
  as = await startAuthServer({ clients: ['c-api', 'c-other', 'c-nocache', 'c-team', 'c-acme'].map(client) });
  odd = await startLoopbackServer((_q, res) => sendJson(res, 200, { access_token: ODD_TOKEN, token_type: 'Bearer' }));
  store = CredentialStore.fromYaml(credentials(as.tokenEndpoint, `${odd.url}/token`), {
    secretProviders: [new EnvSecretProvider({ env })],
  });
});
afterAll(async () => {
  await as?.close();
  await odd?.close();
});

function newEnv(opts: nunjucks.ConfigureOptions = { autoescape: false }) {
  return registerCredentials(new nunjucks.Environment(null, opts), { store });
}

async function failure(p: Promise<unknown>): Promise<TemplateRenderError> {
  const err = await p.then(
    () => {
      throw new Error('expected the render to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemplateRenderError);
  return err as TemplateRenderError;
}

describe('credential() in templates', () => {
  it('renders the access token', async () => {
    const token = await store.getToken('api');
    expect(await renderString(newEnv(), "Bearer << credential('api') >>")).toBe(`Bearer ${token}`);
    expect(await as.introspect(token)).toMatchObject({ active: true, clientId: 'c-api' });
  });

  it('takes dynamic arguments', async () => {
    const token = await store.getToken('api');
    expect(await renderString(newEnv(), '<< credential(vars.key) >>', { vars: { key: 'api' } })).toBe(token);
    expect(await renderString(newEnv(), "<< credential('a' ~ 'pi') >>")).toBe(token);
  });

  it('works in if conditions', async () => {
    const e = newEnv();
    expect(await renderString(e, "<% if credential('api') %>yes<% else %>no<% endif %>")).toBe('yes');
    expect(await renderString(e, "<% if credential('api') | length > 10 %>long<% endif %>")).toBe('long');
    expect(await renderString(e, "<% if credential('api') == 'x' %>same<% else %>different<% endif %>")).toBe(
      'different',
    );
  });

  it('works in for loops, over dynamic keys', async () => {
    const [a, o] = [await store.getToken('api'), await store.getToken('other')];
    expect(
      await renderString(newEnv(), '<% for k in keys %>[<< credential(k) >>]<% endfor %>', { keys: ['api', 'other'] }),
    ).toBe(`[${a}][${o}]`);
  });

  it('works in set, concatenation, filters and as another function argument', async () => {
    const token = await store.getToken('api');
    const e = newEnv();
    e.addGlobal('wrap', (v: unknown) => `(${String(v)})`);
    expect(await renderString(e, "<% set t = credential('api') %>[<< t >>]")).toBe(`[${token}]`);
    expect(await renderString(e, "<< 'Bearer ' ~ credential('api') >>")).toBe(`Bearer ${token}`);
    expect(await renderString(e, "<< 'Bearer ' + credential('api') >>")).toBe(`Bearer ${token}`);
    expect(await renderString(e, "<< credential('api') | length >>")).toBe(String(token.length));
    expect(await renderString(e, "<< credential('api') | upper | lower >>")).toBe(token.toLowerCase());
    expect(await renderString(e, "<< wrap(credential('api')) >>")).toBe(`(${token})`);
    expect(await renderString(e, "<< {'h': credential('api')}.h >>")).toBe(token);
  });

  it('does not call a credential in a branch that is not taken', async () => {
    expect(await renderString(newEnv(), "a<% if false %><< credential('does_not_exist') >><% endif %>b")).toBe('ab');
    const token = await store.getToken('api');
    const e = newEnv();
    expect(await renderString(e, "a << credential('does_not_exist') if off else 'x' >> b", { off: false })).toBe(
      'a x b',
    );
    expect(
      await renderString(e, "<< 'k=' >><< credential('api') if on >>|<< credential('nope') if not on >>", { on: true }),
    ).toBe(`k=${token}|`);
    expect(await renderString(e, "<< 'y' if off else credential('api') >>", { off: false })).toBe(token);
  });

  it('fails clearly inside a macro, a block set, a filter block and a call block', async () => {
    const cases = [
      ["<% macro m() %><< credential('api') >><% endmacro %><< m() >>", 'inside a macro'],
      ["<% set x %><< credential('api') >><% endset %><< x >>", 'inside a block set or filter block'],
      ["<% filter upper %><< credential('api') >><% endfilter %>", 'inside a block set or filter block'],
      [
        "<% macro m() %><< caller() >><% endmacro %><% call m() %><< secret('PLAIN') >><% endcall %>",
        'inside a call block',
      ],
    ];
    for (const [src, where] of cases) {
      const err = await failure(renderString(newEnv(), src as string, {}, { name: 'macro.yaml' }));
      expect(err.message).toContain(where);
      expect(err.message).toMatch(/^template 'macro\.yaml' line 1: /);
    }
  });

  it('fails clearly where nunjucks cannot wait (a switch expression)', async () => {
    const err = await failure(
      renderString(newEnv(), "<% switch credential('api') %><% case 'x' %>x<% default %>y<% endswitch %>"),
    );
    expect(err.message).toContain('credential() cannot be used in this position');
  });

  it('gives a clear error from the synchronous env.renderString instead of null', () => {
    expect(() => newEnv().renderString("<< credential('api') >>", {})).toThrow(
      /credential\(\) is not available here: it works only in renders made with render\(\)\/renderString\(\) of @credflow\/template-extension/,
    );
  });

  it('names the key, the scope and the template line of an unknown credential', async () => {
    const err = await failure(
      renderString(
        newEnv(),
        "line 1\nline 2\n<< credential('nope') >>",
        { flow: { tenantId: 'acme', namespace: 'x.y' } },
        {
          name: 'flows/hello.yaml',
        },
      ),
    );
    expect(err.code).toBe('ERR_TEMPLATE');
    expect((err.cause as { code?: string }).code).toBe('ERR_CREDENTIAL_NOT_FOUND');
    expect(err.line).toBe(3);
    expect(err.message).toBe(
      "template 'flows/hello.yaml' line 3: Cannot find credential 'nope' for tenant 'acme' and namespace 'x.y' (looked in: namespace 'x.y', tenant 'acme').",
    );
  });

  it('reports bad arguments clearly', async () => {
    expect((await failure(renderString(newEnv(), '<< credential() >>'))).message).toContain(
      'credential() needs a credential key (a non-empty string), got undefined',
    );
    expect((await failure(renderString(newEnv(), '<< credential(3) >>'))).message).toContain('got a number');
    expect((await failure(renderString(newEnv(), "<< credential('api', 'x') >>"))).message).toContain(
      'takes exactly one argument',
    );
  });

  it('makes one token request for 1,000 concurrent renders on a cold cache', async () => {
    const cold = CredentialStore.fromYaml(credentials(as.tokenEndpoint, `${odd.url}/token`), {
      secretProviders: [new EnvSecretProvider({ env })],
    });
    const e = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: cold });
    const before = as.mints;
    const outs = await Promise.all(
      Array.from({ length: 1000 }, () => renderString(e, "Authorization: Bearer << credential('api') >>")),
    );
    expect(as.mints - before).toBe(1);
    expect(new Set(outs).size).toBe(1);
  });

  it('cannot have a token mangled by autoescape', async () => {
    const e = newEnv({ autoescape: true });
    expect(await renderString(e, "<< credential('odd') >>")).toBe(ODD_TOKEN);
    expect(await renderString(e, "<% set t = credential('odd') %><< t | safe >>")).toBe(ODD_TOKEN);
    expect(await renderString(newEnv(), "<< credential('odd') | urlencode >>")).toBe(encodeURIComponent(ODD_TOKEN));
    expect(await renderString(e, "Bearer << credential('odd') >> << '<b>' >>")).toBe(`Bearer ${ODD_TOKEN} &lt;b&gt;`);
  });

  it('reads the scope from flow.tenantId and flow.namespace, or from a resolver', async () => {
    const team = await store.getToken('team', { namespace: 'company.team' });
    const acme = await store.getToken('api', { tenantId: 'acme' });
    const e = newEnv();
    expect(await renderString(e, "<< credential('team') >>", { flow: { namespace: 'company.team' } })).toBe(team);
    expect(await renderString(e, "<< credential('api') >>", { flow: { tenantId: 'acme' } })).toBe(acme);
    await failure(renderString(e, "<< credential('team') >>", { flow: { namespace: 'company' } }));
    await failure(
      renderString(e, "<< credential('team') >>", { flow: { tenantId: 'acme', namespace: 'company.team' } }),
    );
    const fixed = registerCredentials(new nunjucks.Environment(null), { store, scope: { tenantId: 'acme' } });
    expect(await renderString(fixed, "<< credential('api') >>", { flow: { tenantId: 'main' } })).toBe(acme);
  });

  it('shares one token per credential within a render when the cache is off', async () => {
    const before = as.mints;
    const out = await renderString(
      newEnv(),
      "<< credential('nocache') >>|<< credential('nocache') >>|<< credential('nocache') >>",
    );
    expect(as.mints - before).toBe(1);
    const [a, b, c] = out.split('|');
    expect(a).toBe(b);
    expect(b).toBe(c);
    await renderString(newEnv(), "<< credential('nocache') >>");
    expect(as.mints - before).toBe(2);
  });
});

describe('render sessions', () => {
  it('share one token across renders of a session, even with the cache off', async () => {
    const e = newEnv();
    const seen: string[] = [];
    const session = createRenderSession(e, { onSensitiveValue: (v) => seen.push(v) });
    const before = as.mints;
    const a = await renderString(e, "<< credential('nocache') >>", {}, { session });
    const b = await render(e, "x << credential('nocache') >>", {}, { session });
    expect(as.mints - before).toBe(1);
    expect(b.output).toBe(`x ${a}`);
    expect(seen).toEqual([a]);
    expect(b.credentials).toEqual([{ key: 'nocache', tenantId: 'main' }]);
  });
});

describe('renderTemplate()', () => {
  it('renders loader templates and their includes, reporting every value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credflow-tpl-'));
    await writeFile(join(dir, 'main.njk'), "A << credential('api') >>\n<% include 'part.njk' %>");
    await writeFile(join(dir, 'part.njk'), "\nB << secret('PLAIN') >>\n<< credential('nope') if fail else 'ok' >>");
    const e = registerCredentials(new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: false }), {
      store,
    });
    const token = await store.getToken('api');
    const r = await renderTemplate(e, 'main.njk', { fail: false });
    expect(r.output).toBe(`A ${token}\n\nB plain-secret-value\nok`);
    expect(r.sensitiveValues.sort()).toEqual([token, 'plain-secret-value'].sort());
    const err = await failure(renderTemplate(e, 'main.njk', { fail: true }));
    expect(err.message).toMatch(/^template 'main\.njk' line 3: Cannot find credential 'nope'/);
    await expect(renderTemplate(e, 'missing.njk')).rejects.toThrow("template 'missing.njk'");
  });
});

describe('secret() in templates', () => {
  it('renders secrets and subkeys', async () => {
    const e = newEnv();
    expect(await renderString(e, "<< secret('PLAIN') >>")).toBe('plain-secret-value');
    expect(await renderString(e, "<< secret('SA', subkey='private_key') >>")).toBe('pem-body-value');
    expect(await renderString(e, "<< secret('SA', 'client_email') >>")).toBe('robot@x');
  });

  it('names a missing secret and the line', async () => {
    const err = await failure(renderString(newEnv(), "\n<< secret('NOPE') >>"));
    expect(err.code).toBe('ERR_TEMPLATE');
    expect((err.cause as { code?: string }).code).toBe('ERR_SECRET_NOT_FOUND');
    expect(err.message).toMatch(/^template '<string>' line 2: Cannot find secret 'NOPE'/);
  });
});

describe('render()', () => {
  it('reports every token and secret the render produced, and the credentials it used', async () => {
    const seen: string[] = [];
    const token = await store.getToken('api');
    const result = await render(
      newEnv(),
      "<< credential('api') >> << secret('PLAIN') >> << credential('api') >>",
      {},
      {
        onSensitiveValue: (v) => seen.push(v),
      },
    );
    expect(result.sensitiveValues.sort()).toEqual([token, 'plain-secret-value'].sort());
    expect(seen.sort()).toEqual(result.sensitiveValues);
    expect(result.credentials).toEqual([{ key: 'api', tenantId: 'main' }]);
  });

  it('never evaluates template text that arrives as data', async () => {
    const input = "<< credential('api') >> <% if true %>x<% endif %>";
    expect(await renderString(newEnv(), '<< inputs.user >>', { inputs: { user: input } })).toBe(input);
  });

  it('honours custom delimiters and leaves other environments alone', async () => {
    const token = await store.getToken('api');
    const curly = registerCredentials(new nunjucks.Environment(null), { store, delimiters: false });
    expect(await renderString(curly, "{{ credential('api') }}")).toBe(token);
    const custom = registerCredentials(new nunjucks.Environment(null), {
      store,
      delimiters: { variableStart: '[[', variableEnd: ']]' },
    });
    expect(await renderString(custom, "[[ credential('api') ]]")).toBe(token);
    const plain = new nunjucks.Environment(null);
    expect(() => plain.renderString("{{ credential('api') }}", {})).toThrow(/Unable to call `credential`/);
  });

  it('refuses an environment without the extension and reports syntax errors with the line', async () => {
    const err = await failure(renderString(new nunjucks.Environment(null), 'x'));
    expect(err.message).toContain('call registerCredentials(env, { store }) before rendering');
    const syntax = await failure(renderString(newEnv(), 'a\n<< credential( >>', {}, { name: 't.yaml' }));
    expect(syntax.message).toMatch(/^template 't\.yaml' line 2: /);
  });
});
