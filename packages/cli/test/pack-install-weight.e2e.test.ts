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
 * loaded on first use) instead of installed (4.5 + 0.9 MB). The bounds below
 * fail the test if it grows back.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeWeight,
  type InstallWeight,
  installWeight,
  npmProject,
  packWorkspace,
  sh,
} from './pack-install-helpers.js';

/** Bounds of the host-app set: today's figures plus a little room, far below the 103 MB / 218 packages of before. */
const MAX_MB = 24.5;
const MAX_PACKAGES = 28;
/** What only an integration a config names may bring. */
const OPTIONAL =
  /^(@aws-sdk\/|@aws-crypto\/|@smithy\/|@google-cloud\/|@grpc\/|google-gax$|protobufjs$|@azure\/|@azure-rest\/|ioredis$|@opentelemetry\/sdk-|jq-web$|ion-js$)/;

/** Libraries template-extension bundles into dist/vendor/ at build time: never installed. */
const VENDORED = ['luxon', 're2js'];
const VENDOR_DIR = 'node_modules/@credflow/template-extension/dist/vendor';

let project: string;
let weight: InstallWeight;

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
    expect(weight.packages.filter((p) => VENDORED.includes(p))).toEqual([]);
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
    // Every file module the process loads, printed by a module hook.
    const hooks = `export async function load(url, context, next) {
      if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n');
      return next(url, context);
    }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    const vendor = pathToFileURL(join(project, VENDOR_DIR)).href;
    const render = async (src: string) => {
      const r = await sh(
        process.execPath,
        ['--import', `data:text/javascript,${encodeURIComponent(register)}`, 'lazy.mjs', src],
        project,
        { NODE_PATH: '' },
      );
      const loaded = [...r.out.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] ?? '');
      const output = r.out.replace(/^LOADED \S+\n/gm, '').trim();
      expect(r.code, r.out).toBe(0);
      expect(loaded.length, r.out).toBeGreaterThan(3);
      return { output, vendored: loaded.filter((u) => u.startsWith(vendor)).map((u) => u.slice(vendor.length + 1)) };
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
});
