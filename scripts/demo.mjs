// `pnpm demo`: the newcomer's first command. Starts, on loopback only, a real
// OAuth 2.0 authorization server (oidc-provider), a Google-style token
// endpoint, a GitHub-style App API and a protected API; writes a
// credflow.yaml for them to a temporary folder; runs every sample flow in
// flows/ with `credflow run`; prints the results; stops everything.
// No account anywhere is needed, and no token or secret is printed.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoEnvironment } from '@credflow/testkit';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/cli/dist/bin/credflow.js');
/** Flows that fail on purpose, to show `errors:`. */
const EXPECTED_FAILURES = new Set(['errors.yaml']);
/** Flows of the newer methods: they call the HTTPS API that checks certificate-bound tokens. */
const HTTPS_FLOWS = new Set(['client-secret-jwt.yaml', 'mtls.yaml', 'token-exchange.yaml']);

const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);

function credflow(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const demo = await startDemoEnvironment();
const dir = await mkdtemp(join(tmpdir(), 'credflow-demo-'));
let failures = 0;
try {
  const config = join(dir, 'credflow.yaml');
  await writeFile(config, demo.configYaml);
  // The HTTPS servers' certificates come from a CA made for this run: Request tasks trust it as an operator would.
  const caFile = join(dir, 'demo-ca.pem');
  await writeFile(caFile, demo.caCertificate);
  const env = { ...demo.secretEnv, NODE_EXTRA_CA_CERTS: caFile };
  console.log(bold('credflow demo'));
  console.log(`  authorization server (oidc-provider)  ${demo.auth.issuer}`);
  console.log(`  Google-style token endpoint           ${demo.google.tokenEndpoint}`);
  console.log(`  GitHub-style App API                  ${demo.github.url}`);
  console.log(`  protected API                         ${demo.api.url}`);
  console.log(`  oidc-provider over HTTPS (mTLS)       ${demo.httpsAuth.issuer}`);
  console.log(`  API for certificate-bound tokens      ${demo.mtlsApi.url}`);
  console.log(`  config                                ${config}\n`);

  const listed = await credflow(['credentials', 'list', '--config', config], env);
  console.log(`${bold('$ credflow credentials list')}\n${listed.stdout}`);
  for (const key of ['demo_oauth', 'demo_hs', 'demo_mtls']) {
    const tested = await credflow(['credentials', 'test', key, '--config', config], env);
    console.log(`${bold(`$ credflow credentials test ${key}`)}\n${tested.stdout}`);
    if (tested.code !== 0) failures++;
  }

  const flows = (await readdir(join(root, 'flows'))).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of flows) {
    const args = ['run', join('flows', file), '--config', config];
    if (file !== 'hello.yaml') args.push('--input', `api=${HTTPS_FLOWS.has(file) ? demo.mtlsApi.url : demo.api.url}`);
    const r = await credflow(args, env);
    const expected = EXPECTED_FAILURES.has(file) ? 1 : 0;
    const ok = r.code === expected;
    if (!ok) failures++;
    console.log(`${bold(`$ credflow ${args.join(' ')}`)}\n${r.stderr.trimEnd()}`);
    console.log(
      `  -> exit ${r.code}${expected ? ' (this flow fails on purpose: see its errors: task)' : ''}${ok ? '' : '  UNEXPECTED'}\n`,
    );
    const everything = r.stdout + r.stderr;
    for (const v of [...demo.secretValues, ...demo.api.seenTokens]) {
      if (everything.includes(v)) {
        failures++;
        console.log('  LEAK: a secret or token appeared in the output');
      }
    }
  }
  console.log(
    `token requests: oidc-provider ${demo.auth.mints}, oidc-provider over HTTPS ${demo.httpsAuth.mints}, Google-style ${demo.google.mints}, GitHub-style ${demo.github.mints}`,
  );
  console.log(
    failures
      ? bold(`demo finished with ${failures} problem(s)`)
      : bold('demo finished: every flow behaved as expected'),
  );
} finally {
  await demo.close();
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failures ? 1 : 0;
