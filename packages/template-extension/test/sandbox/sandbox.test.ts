import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import {
  type AuthServer,
  clientCredentialsClient,
  TEMPLATE_ESCAPES as ESCAPES,
  startAuthServer,
} from '@credflow/testkit';
import fc from 'fast-check';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCredentials, render, TemplateRenderError } from '../../src/index.js';

const CLIENT_SECRET = 'sandbox-client-secret-value';
const CANARY = 'canary-env-value-that-must-never-be-read';
const MARKER = join(tmpdir(), `credflow-sandbox-${process.pid}`);
let as: AuthServer;
let store: CredentialStore;
const tokens = { main: '', acme: '' };

const client = (id: string) => clientCredentialsClient(id, CLIENT_SECRET);

beforeAll(async () => {
  process.env.SECRET_CANARY = CANARY;
  as = await startAuthServer({ clients: [client('c-main'), client('c-acme')] });
  const cc = (id: string) =>
    `{ type: client_credentials, tokenEndpoint: "${as.tokenEndpoint}", clientId: ${id}, clientSecret: { secret: CLIENT } }`;
  store = CredentialStore.fromYaml(
    `credentials:\n  api: ${cc('c-main')}\ntenants:\n  acme:\n    credentials:\n      api: ${cc('c-acme')}\n`,
    {
      secretProviders: [
        new EnvSecretProvider({ env: { SECRET_CLIENT: Buffer.from(CLIENT_SECRET).toString('base64') } }),
      ],
    },
  );
  // Both tokens are cached: an escape that reached the store would find them.
  tokens.main = await store.getToken('api', { tenantId: 'main' });
  tokens.acme = await store.getToken('api', { tenantId: 'acme' });
});
afterAll(async () => {
  delete process.env.SECRET_CANARY;
  await as?.close();
});

const data = () => ({
  data: { nested: { a: 1 }, fn: () => 'called', list: [1, 2] },
  keys: { c: 'constructor', p: '__proto__' },
  flow: { tenantId: 'main', namespace: 'company.team' },
});

/** What an escape could have reached; none of it may appear or happen. */
function assertNothingReached(output: string) {
  for (const v of [CANARY, CLIENT_SECRET, tokens.main, tokens.acme]) expect(output).not.toContain(v);
  expect((globalThis as { __credflow_pwned?: unknown }).__credflow_pwned).toBeUndefined();
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(existsSync(MARKER)).toBe(false);
}

async function outcome(src: string): Promise<{ output?: string; error?: TemplateRenderError }> {
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  env.addGlobal('fromJson', (t: string) => JSON.parse(t));
  try {
    return { output: (await render(env, src, data(), { scope: { tenantId: 'main' } })).output };
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateRenderError);
    return { error: err as TemplateRenderError };
  }
}

describe('the template sandbox', () => {
  it(`refuses each of the ${ESCAPES.length} published escapes with ERR_TEMPLATE_FORBIDDEN`, async () => {
    expect(ESCAPES.length).toBeGreaterThanOrEqual(50);
    const notRefused: string[] = [];
    for (const src of ESCAPES) {
      const { output, error } = await outcome(src);
      assertNothingReached(`${output ?? ''}${error?.message ?? ''}${String(error?.cause ?? '')}`);
      if (error?.code !== 'ERR_TEMPLATE_FORBIDDEN') notRefused.push(`${src} -> ${output ?? error?.message}`);
      else {
        expect(error.message).toMatch(/^template '<string>' line \d+: '.+' is not allowed: /);
      }
    }
    expect(notRefused).toEqual([]);
  });

  it('names the expression as written and its line', async () => {
    const { error } = await outcome('ok\n\n<% set k = "constructor" %>\n<< data.nested[k] >>');
    expect(error?.code).toBe('ERR_TEMPLATE_FORBIDDEN');
    expect(error?.line).toBe(4);
    expect(error?.message).toBe(
      "template '<string>' line 4: 'data.nested[k]' is not allowed: templates cannot read 'constructor'",
    );
  });

  it('never quotes a computed key: it may hold a rendered secret', async () => {
    const { error } = await outcome("<< data[secret('CLIENT')] >>");
    // An unknown key is undefined (not a sandbox matter), so the render succeeds or fails without the value.
    expect(`${error?.message ?? ''}`).not.toContain(CLIENT_SECRET);
    const fn = await outcome("<< range[secret('CLIENT')] >>");
    expect(fn.error?.code).toBe('ERR_TEMPLATE_FORBIDDEN');
    expect(fn.error?.message).toContain("'range[secret(…)]' is not allowed");
    expect(fn.error?.message).not.toContain(CLIENT_SECRET);
  });

  it('refuses or ends in undefined every generated member chain, with static and computed keys', async () => {
    const roots = [
      'range',
      'cycler',
      'joiner',
      'cycler()',
      'joiner()',
      '""',
      '"abc"',
      '[]',
      '[1]',
      '{}',
      '{a: 1}',
      '(1)',
      'loop',
      'data',
      'data.nested',
      'data.list',
      '("a" | upper)',
      '([1] | reverse)',
    ];
    const members = [
      'constructor',
      '__proto__',
      'prototype',
      'call',
      'apply',
      'bind',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
      '__lookupGetter__',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'map',
      'concat',
      'push',
      'toUpperCase',
      'split',
      'at',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...roots),
        fc.array(fc.record({ m: fc.constantFrom(...members), computed: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (root, chain, call) => {
          const path = chain.map(({ m, computed }) => (computed ? `[k_${m}]` : `.${m}`)).join('');
          const sets = chain.map(({ m }) => `<% set k_${m} = "${m}" %>`).join('');
          const expr = `${root}${path}${call ? '()' : ''}`;
          const src = root === 'loop' ? `${sets}<% for i in [1] %><< ${expr} >><% endfor %>` : `${sets}<< ${expr} >>`;
          const { output, error } = await outcome(src);
          assertNothingReached(`${output ?? ''}${error?.message ?? ''}`);
          // Either refused, or the chain met a member that plain data does not have (undefined, as in nunjucks).
          // Reading or calling what is undefined is an ordinary template error (strict variables).
          if (error?.code === 'ERR_TEMPLATE')
            expect(error.message, src).toMatch(
              /unable to call '.+': it is undefined|' is undefined \(use|cannot be read: its object is/,
            );
          else if (error) expect(error.code, `${src} -> ${error.message}`).toBe('ERR_TEMPLATE_FORBIDDEN');
          else expect(output, src).toBe('');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps ordinary templates working: data, helpers, macros, filters, tests, loops', async () => {
    const cases: [string, string][] = [
      ['<< data.nested.a >>|<< data["nested"]["a"] >>|<< data.list[1] >>|<< data.list.length >>', '1|1|2|2'],
      ['<< "abc".length >>|<< "abc"[1] >>|<< ("ab" | upper) >>|<< data.missing ?? "-" >>', '3|b|AB|-'],
      // Pebble's loop.index counts from 0, as in Kestra.
      ['<% for i in range(3) %><< loop.index >><< "," if not loop.last >><% endfor %>', '0,1,2'],
      ['<% set c = cycler("a", "b") %><< c.next() >><< c.next() >><< c.next() >>|<< c.current >>', 'aba|a'],
      ['<% set j = joiner("-") %><< j() >>a<< j() >>b<< j() >>c', 'a-b-c'],
      ['<% macro m(x, y=2) %>[<< x >><< y >>]<% endmacro %><< m(1) >><< m(3, y=4) >>', '[12][34]'],
      ['<% macro w() %>(<< caller() >>)<% endmacro %><% call w() %>in<% endcall %>', '(in)'],
      ['<< fromJson("{\\"a\\": [1, 2]}").a | join("+") >>', '1+2'],
      ['<< 6 is divisibleby(3) >>|<< data.nested is defined >>|<< data.nope is defined >>', 'true|true|false'],
      ['<% for k, v in data.nested %><< k >>=<< v >><% endfor %>', 'a=1'],
      ['<< data.list | join(",") >>|<< {b: 2, a: 1} | dictsort | first | first >>', '1,2|a'],
      ['<< "a-b" | replace("-", "+") >>', 'a+b'],
      ["<< credential('api') | length >>", String(tokens.main.length)],
    ];
    for (const [src, expected] of cases) {
      const { output, error } = await outcome(src);
      expect(error?.message, src).toBeUndefined();
      expect(output, src).toBe(expected);
    }
  });
});
