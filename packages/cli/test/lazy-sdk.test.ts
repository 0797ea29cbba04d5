// Lazy loading in the *bundled* CLI (dist/bin, built by build-cli.mjs): the
// cloud SDKs, Octokit and the OpenTelemetry SDK must be loaded only when a
// command needs them. Each command runs as a child process with a load hook
// (`node --import`, module.register) that records the URL of every module
// loaded (not merely resolved); CommonJS modules required by CommonJS are
// added from the require cache at exit. A URL under
// node_modules names its package; a chunk of dist/bin is named by the
// package names its code carries (Octokit's and the OpenTelemetry SDK's own
// strings: rolldown puts them in chunks of their own, imported on demand).
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AwsSecretsManagerServer,
  type LoopbackServer,
  readBody,
  sendJson,
  startAwsSecretsManagerServer,
  startLoopbackServer,
} from '@credflow/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './cli-helpers.js';

const BIN = pathToFileURL(join(CLI, '..', '/')).href;
/** What a command that does not use them must never load. */
const HEAVY = [/^@aws-sdk\//, /^@google-cloud\//, /^@azure\//, /^@octokit\//, /^@opentelemetry\/sdk-/];
const SDKS = [
  '@aws-sdk/client-secrets-manager',
  '@google-cloud/secret-manager',
  '@azure/keyvault-secrets',
  '@azure/identity',
];
/**
 * Strings of the cloud SDKs' own code (AWS shape ids, GCP's service name,
 * Key Vault's headers, Azure Identity's variables): in no dist/bin file while
 * the SDKs are left to Node, loaded from node_modules on demand.
 */
const SDK_CODE = /com\.amazonaws\.secretsmanager|google\.cloud\.secretmanager\.v1|x-ms-keyvault-|AZURE_CLIENT_ID/;
/** Package names a dist/bin chunk's own code carries (minified code keeps these strings). */
const CHUNK_MARKER = /@octokit\/[a-z-]+|@opentelemetry\/sdk-[a-z-]+/g;

const REGISTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
const file = process.env.CREDFLOW_TEST_MODULE_LOG;
register('./record-hooks.mjs', import.meta.url, { data: { file } });
process.on('exit', () => {
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((p) => pathToFileURL(p).href);
  appendFileSync(file, cjs.map((u) => u + '\\n').join(''));
});
`;
const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, nextLoad) {
  appendFileSync(file, url + '\\n');
  return nextLoad(url, context);
}
`;

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every module URL loaded or required (node: built-ins left out). */
  urls: string[];
  /** Packages loaded: from node_modules paths, and from the markers of the dist/bin chunks loaded. */
  packages: Set<string>;
}

let dir: string;
let aws: AwsSecretsManagerServer;
let collector: LoopbackServer;
let runs = 0;
const chunkPackages = new Map<string, string[]>();

async function packagesOfChunk(url: string): Promise<string[]> {
  let found = chunkPackages.get(url);
  if (found === undefined) {
    const code = await readFile(fileURLToPath(url), 'utf8');
    found = [...new Set(code.match(CHUNK_MARKER) ?? [])];
    chunkPackages.set(url, found);
  }
  return found;
}

/** Runs the bundled CLI with the recording hook; returns what it printed and loaded. */
async function credflow(args: string[], env: Record<string, string> = {}): Promise<Loaded> {
  const log = join(dir, `modules-${++runs}.log`);
  await writeFile(log, '');
  const { code, stdout, stderr } = await new Promise<Omit<Loaded, 'urls' | 'packages'>>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'record.mjs')).href, CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: dir, CREDFLOW_TEST_MODULE_LOG: log, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const urls = [...new Set((await readFile(log, 'utf8')).split('\n'))].filter(
    (u) => u.startsWith('file:') && !u.endsWith('/record-hooks.mjs') && !u.endsWith('/record.mjs'),
  );
  const packages = new Set<string>();
  for (const url of urls) {
    const inModules = [...decodeURIComponent(url).matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].at(-1);
    if (inModules?.[1]) packages.add(inModules[1]);
    else if (url.startsWith(BIN)) for (const p of await packagesOfChunk(url)) packages.add(p);
  }
  return { code, stdout, stderr, urls, packages };
}

const heavy = (r: Loaded) => [...r.packages].filter((p) => HEAVY.some((h) => h.test(p))).sort();
/** The modules a run loaded, for an assertion's message. */
const loaded = (r: Loaded) => `modules loaded:\n${r.urls.join('\n')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-lazy-sdk-'));
  await writeFile(join(dir, 'record.mjs'), REGISTER);
  await writeFile(join(dir, 'record-hooks.mjs'), HOOKS);
  aws = await startAwsSecretsManagerServer({
    region: 'eu-west-1',
    keys: { AKIDLAZYTEST: { secretAccessKey: 'lazy-test-secret-access-key', allow: ['credflow/main/'] } },
  });
  aws.put('credflow/main/LAZY_CLIENT_SECRET', 'lazy-client-secret-value');
  // A collector that takes what --otel exports (and answers as an OTLP/HTTP receiver).
  collector = await startLoopbackServer(async (req, res) => {
    await readBody(req);
    sendJson(res, 200, {});
  });
});

afterAll(async () => {
  await aws?.close();
  await collector?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const credential = (secretName: string) =>
  `credentials:\n  lazy:\n    type: client_credentials\n    tokenEndpoint: http://127.0.0.1:9/token\n    clientId: lazy\n    clientSecret: { secret: ${secretName} }\n`;

describe('the bundled CLI loads heavy SDKs only when a command needs them', () => {
  it('the chunk markers still find Octokit and the OpenTelemetry SDK in dist/bin (else the checks below prove nothing)', async () => {
    const files = (await readdir(fileURLToPath(BIN))).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'));
    const all = new Set<string>();
    for (const f of files) for (const p of await packagesOfChunk(new URL(f, BIN).href)) all.add(p);
    expect([...all].some((p) => p.startsWith('@octokit/'))).toBe(true);
    expect([...all].some((p) => p.startsWith('@opentelemetry/sdk-'))).toBe(true);
    // The cloud SDKs are left to Node (loaded from node_modules on demand), never bundled in.
    for (const f of files) expect(await readFile(new URL(f, BIN), 'utf8'), f).not.toMatch(SDK_CODE);
  });

  it('credflow --help loads none of them', async () => {
    const r = await credflow(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.urls.length).toBeGreaterThan(0);
    expect(heavy(r), loaded(r)).toEqual([]);
  });

  it('credflow run flows/hello.yaml with an env-only config (one github_app credential, unused) loads none of them', async () => {
    const config = join(dir, 'env-only.yaml');
    await writeFile(
      config,
      `secrets:\n  - type: env\n${credential('LAZY_CLIENT_SECRET')}  gh:\n    type: github_app\n    appId: 1\n    installationId: 2\n    privateKey: { secret: GH_KEY }\n`,
    );
    const r = await credflow(['run', 'flows/hello.yaml', '--config', config, '--json'], {
      SECRET_LAZY_CLIENT_SECRET: Buffer.from('x').toString('base64'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual({ message: 'hello hello world' });
    expect(r.urls.some((u) => u.startsWith(BIN))).toBe(true);
    expect(heavy(r), loaded(r)).toEqual([]);
    // nunjucks is bundled (its two dozen CommonJS files cost ~35 ms to load one by one).
    expect(
      r.urls.filter((u) => u.includes('/node_modules/nunjucks/')),
      loaded(r),
    ).toEqual([]);
  });

  it('credflow secrets check with an aws-secrets-manager provider loads @aws-sdk/client-secrets-manager, and no other SDK', async () => {
    const config = join(dir, 'aws.yaml');
    await writeFile(
      config,
      `secrets:\n  - type: aws-secrets-manager\n    region: eu-west-1\n    prefix: credflow/main/\n    endpoint: ${aws.url}\n${credential('LAZY_CLIENT_SECRET')}`,
    );
    const gets = aws.gets;
    const r = await credflow(['secrets', 'check', '--config', config], {
      AWS_ACCESS_KEY_ID: 'AKIDLAZYTEST',
      AWS_SECRET_ACCESS_KEY: 'lazy-test-secret-access-key',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/LAZY_CLIENT_SECRET +ok +aws-secrets-manager/);
    expect(r.stdout + r.stderr).not.toContain('lazy-client-secret-value');
    expect(aws.gets - gets).toBe(1);
    expect(r.packages.has('@aws-sdk/client-secrets-manager'), loaded(r)).toBe(true);
    // AWS's own packages only: no other cloud SDK, no Octokit, no OpenTelemetry SDK.
    expect(
      heavy(r).filter((p) => !p.startsWith('@aws-sdk/')),
      loaded(r),
    ).toEqual([]);
  });

  it('a github_app credential in use loads Octokit (the marker check works on a real run)', async () => {
    const config = join(dir, 'gh.yaml');
    await writeFile(
      config,
      'secrets:\n  - type: env\ncredentials:\n  gh:\n    type: github_app\n    baseUrl: http://127.0.0.1:9\n    appId: 1\n    installationId: 2\n    privateKey: { secret: GH_KEY }\n    timeout: PT2S\n',
    );
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    // Nothing listens on port 9: the mint fails, after Octokit was loaded to make it.
    const r = await credflow(['credentials', 'test', 'gh', '--config', config], {
      SECRET_GH_KEY: Buffer.from(String(key)).toString('base64'),
    });
    expect(r.code).not.toBe(0);
    expect(heavy(r).filter((p) => p.startsWith('@octokit/')).length, loaded(r)).toBeGreaterThan(0);
    for (const sdk of SDKS) expect(r.packages.has(sdk), sdk).toBe(false);
  });

  it('credflow run --otel loads the OpenTelemetry SDK (and only then)', async () => {
    const r = await credflow(['run', 'flows/hello.yaml', '--otel'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(heavy(r).filter((p) => p.startsWith('@opentelemetry/sdk-')).length, loaded(r)).toBeGreaterThan(0);
    for (const sdk of SDKS) expect(r.packages.has(sdk), sdk).toBe(false);
  });
});
