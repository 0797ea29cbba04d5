/**
 * Install weight of a host app that embeds credential() (SPEC section 1):
 * @credflow/credentials-core and @credflow/template-extension packed as
 * published, installed with nunjucks by npm into a new project outside the
 * repository. The optional integrations (cloud SDKs, ioredis) are optional
 * peer dependencies: not installed here, and a config naming one fails at
 * load with the install command.
 *
 * Measured (file bytes under node_modules, every package copy counted):
 * before issue 30, 103.4 MB and 218 packages; after, 29.9 MB and 31
 * packages (google-auth-library 10 alone: 11.3 MB, 23 packages); 34.0 MB
 * and 32 packages later, then 29.3 MB and 30 with jq-web and ion-js
 * (the `jq` filter and `fromIon()`) optional peer dependencies of
 * template-extension too; 24.2 MB and 28 packages with luxon and re2js
 * vendored into template-extension's dist (only the code it uses, 0.36 MB,
 * loaded on first use) instead of installed (4.5 + 0.9 MB). Then (24.0 MB
 * from a clean build) 23.2 MB with no source maps or declaration maps
 * published; 19.5 MB and 27 packages with lru-cache vendored into
 * credentials-core's dist (25 kB for 3.8 MB); 13.2 MB and 11 packages with
 * Octokit vendored there too (69 kB, loaded on the first GitHub App mint,
 * for 16 packages and 6.4 MB, 5.3 MB of it @octokit/openapi-types). The
 * bounds below fail the test if it grows back.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGitHubApiServer } from '@credflow/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeWeight,
  type InstallWeight,
  installWeight,
  npmProject,
  packWorkspace,
  sh,
} from './pack-install-helpers.js';

/** Bounds of the host-app set: today's figures (13.2 MB, 11 packages) plus a little room; 103 MB / 218 packages before issue 30. */
const MAX_MB = 13.5;
const MAX_PACKAGES = 11;
/** What only an integration a config names may bring. */
const OPTIONAL =
  /^(@aws-sdk\/|@aws-crypto\/|@smithy\/|@google-cloud\/|@grpc\/|google-gax$|protobufjs$|@azure\/|@azure-rest\/|ioredis$|@opentelemetry\/sdk-|jq-web$|ion-js$)/;

/**
 * Libraries bundled into a package's dist/vendor/ at build time, never
 * installed: luxon and re2js by template-extension, lru-cache and Octokit
 * (every @octokit package) by credentials-core.
 */
const VENDORED = /^(?:luxon|re2js|lru-cache|@octokit\/.+)$/;
const VENDOR_DIR = 'node_modules/@credflow/template-extension/dist/vendor';
const CORE_VENDOR_DIR = 'node_modules/@credflow/credentials-core/dist/vendor';

let project: string;
let weight: InstallWeight;

/**
 * Runs `node args` in the project (without pnpm's NODE_PATH, which would
 * find the repository's copies) with a module hook that prints every file
 * module loaded, in order: what it printed, and the files it loaded from a
 * folder of the project.
 */
async function runRecordingLoads(args: string[], env: Record<string, string> = {}) {
  const hooks = `export async function load(url, context, next) {
    if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n');
    return next(url, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const r = await sh(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args],
    project,
    {
      NODE_PATH: '',
      ...env,
    },
  );
  const loaded = [...r.out.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] ?? '');
  expect(loaded.length, r.out).toBeGreaterThan(3);
  return {
    code: r.code,
    out: r.out,
    /** What it printed, the LOADED lines left out. */
    output: r.out.replace(/^LOADED \S+\n/gm, '').trim(),
    /** Files loaded from `dir` (relative to the project), in order. */
    loadedFrom: (dir: string) => {
      const base = `${pathToFileURL(join(project, dir)).href}/`;
      return loaded.filter((u) => u.startsWith(base)).map((u) => u.slice(base.length));
    },
  };
}

beforeAll(async () => {
  const tarballs = await packWorkspace(['credentials-core', 'template-extension']);
  project = await npmProject({
    nunjucks: '3.2.4',
    '@credflow/credentials-core': `file:${tarballs.get('credentials-core')}`,
    '@credflow/template-extension': `file:${tarballs.get('template-extension')}`,
  });
  weight = await installWeight(project);
  console.log(`host-app set (credentials-core, template-extension, nunjucks): ${describeWeight(weight)}`);
  console.log(`  ${weight.packages.join(' ')}`);
}, 600_000);

describe('a host app embedding credential() with env/file secrets', () => {
  it(`installs at most ${MAX_MB} MB and ${MAX_PACKAGES} packages, none of the optional integrations`, () => {
    expect(weight.packages.filter((p) => OPTIONAL.test(p))).toEqual([]);
    expect(weight.packages.filter((p) => VENDORED.test(p))).toEqual([]);
    expect(weight.bytes / 1e6).toBeLessThanOrEqual(MAX_MB);
    expect(weight.packages.length).toBeLessThanOrEqual(MAX_PACKAGES);
  });

  it('a config naming an integration that is not installed fails at load with the install command', async () => {
    await writeFile(
      join(project, 'cloud.yaml'),
      'secrets:\n  - type: aws-secrets-manager\n    region: eu-west-1\ncredentials: {}\n',
    );
    await writeFile(
      join(project, 'redis.yaml'),
      'cache:\n  shared:\n    type: redis\n    url: { env: R }\n    encryptionKey: { secret: K }\ncredentials: {}\n',
    );
    await writeFile(
      join(project, 'load.mjs'),
      [
        "import { CredentialStore } from '@credflow/credentials-core';",
        'try {',
        '  await CredentialStore.fromFile(process.argv[2]);',
        "  console.log('loaded');",
        '} catch (err) {',
        "  console.log(err.code + ': ' + err.message);",
        '}',
        '',
      ].join('\n'),
    );
    const cloud = await sh(process.execPath, ['load.mjs', 'cloud.yaml'], project);
    expect(cloud.out).toContain('ERR_CONFIG_INVALID');
    expect(cloud.out).toContain('cloud.yaml:2: secrets[0].type:');
    expect(cloud.out).toContain('npm install @aws-sdk/client-secrets-manager@^3');
    const redis = await sh(process.execPath, ['load.mjs', 'redis.yaml'], project);
    expect(redis.out).toContain('redis.yaml:3: cache.shared.type:');
    expect(redis.out).toContain('npm install ioredis@^5');
    console.log(cloud.out.trim());
  });

  it('a template calling jq or fromIon() without its library fails with the install command; the rest renders', async () => {
    await writeFile(
      join(project, 'render.mjs'),
      [
        "import nunjucks from 'nunjucks';",
        "import { CredentialStore } from '@credflow/credentials-core';",
        "import { registerCredentials, registerStandardLibrary, renderString } from '@credflow/template-extension';",
        "const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: CredentialStore.fromYaml('') });",
        'registerStandardLibrary(env);',
        'for (const src of ["<< \'ok\' | upper >>", "<< [1] | jq(\'.[0]\') >>", "<< fromIon(\'{a:1}\').a >>"]) {',
        '  try {',
        '    console.log(await renderString(env, src));',
        '  } catch (err) {',
        '    console.log(err.message);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    // Without pnpm's NODE_PATH (set while tests run under pnpm), which would find the repository's copy.
    const r = await sh(process.execPath, ['render.mjs'], project, { NODE_PATH: '' });
    expect(r.out).toContain('OK');
    expect(r.out).toContain('npm install jq-web@~0.6.2');
    expect(r.out).toContain('npm install ion-js@^5.2.1');
    console.log(r.out.trim());
  });

  it('renders dates and regular expressions with the vendored luxon and re2js, each loaded by the first template that needs it', async () => {
    for (const f of ['luxon.js', 'luxon.LICENSE.md', 're2js.cjs', 're2js.LICENSE']) {
      expect(existsSync(join(project, VENDOR_DIR, f)), f).toBe(true);
    }
    await writeFile(
      join(project, 'lazy.mjs'),
      [
        "import nunjucks from 'nunjucks';",
        "import { CredentialStore } from '@credflow/credentials-core';",
        "import { registerCredentials, registerStandardLibrary, renderString } from '@credflow/template-extension';",
        "const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store: CredentialStore.fromYaml('') });",
        'registerStandardLibrary(env);',
        'console.log(await renderString(env, process.argv[2]));',
        '',
      ].join('\n'),
    );
    const render = async (src: string) => {
      const r = await runRecordingLoads(['lazy.mjs', src]);
      expect(r.code, r.out).toBe(0);
      return { output: r.output, vendored: r.loadedFrom(VENDOR_DIR) };
    };
    expect(await render("<< 'ok' | upper >>")).toEqual({ output: 'OK', vendored: [] });
    expect(
      await render('<< "2013-09-08T17:19:12Z" | date("yyyy-MM-dd HH:mm xxx", timeZone="Europe/Paris") >>'),
    ).toEqual({ output: '2013-09-08 19:19 +02:00', vendored: ['luxon.js'] });
    expect(await render("<< 'a1b22c333' | replace({'[0-9]+': '-'}, regexp=true) >>")).toEqual({
      output: 'a-b-c-',
      vendored: ['re2js.cjs'],
    });
  });

  it('mints a GitHub App token with the vendored Octokit, loaded on the first mint; no @octokit package is installed', async () => {
    expect(existsSync(join(project, 'node_modules/@octokit'))).toBe(false);
    for (const f of [
      'lru-cache.js',
      'lru-cache.LICENSE.md',
      'octokit.js',
      'octokit-auth-app.LICENSE',
      'octokit-request.LICENSE',
    ]) {
      expect(existsSync(join(project, CORE_VENDOR_DIR, f)), f).toBe(true);
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const gh = await startGitHubApiServer({
      appId: 4242,
      publicKey: String(publicKey.export({ type: 'spki', format: 'pem' })),
      installations: [
        {
          id: 77,
          account: { login: 'acme', type: 'Organization' },
          permissions: { contents: 'read' },
          repositories: ['site'],
        },
      ],
    });
    try {
      // The installation is found by owner (octokit's request), then its token minted (octokit's app auth).
      await writeFile(
        join(project, 'github.yaml'),
        `credentials:\n  gh:\n    type: github_app\n    baseUrl: ${gh.url}\n    appId: 4242\n    owner: acme\n    privateKey: { secret: GH_KEY }\n`,
      );
      await writeFile(
        join(project, 'github.mjs'),
        [
          "import { CredentialStore } from '@credflow/credentials-core';",
          "const store = await CredentialStore.fromFile('github.yaml');",
          "if (process.argv[2] === 'mint') {",
          "  const token = await store.getToken('gh', { tenantId: 'main' });",
          "  const r = await fetch(process.argv[3] + '/installation/repositories', { headers: { authorization: 'token ' + token } });",
          "  console.log(r.status, (await r.json()).repositories?.map((x) => x.full_name).join(' '));",
          "} else console.log('loaded');",
          '',
        ].join('\n'),
      );
      const env = {
        SECRET_GH_KEY: Buffer.from(String(privateKey.export({ type: 'pkcs8', format: 'pem' }))).toString('base64'),
      };
      const load = await runRecordingLoads(['github.mjs'], env);
      expect(load.code, load.out).toBe(0);
      expect({ output: load.output, vendored: load.loadedFrom(CORE_VENDOR_DIR) }).toEqual({
        output: 'loaded',
        vendored: ['lru-cache.js'],
      });
      const mint = await runRecordingLoads(['github.mjs', 'mint', gh.url], env);
      expect(mint.code, mint.out).toBe(0);
      // The token minted works on the server's protected endpoint.
      expect({ output: mint.output, vendored: mint.loadedFrom(CORE_VENDOR_DIR) }).toEqual({
        output: '200 acme/site',
        vendored: ['lru-cache.js', 'octokit.js'],
      });
      expect(gh.lookups.length).toBe(1);
      expect(gh.mints).toBe(1);
    } finally {
      await gh.close();
    }
  });
});
