// `pnpm demo`: the newcomer's first command. Starts, on loopback only, a real
// OAuth 2.0 authorization server (oidc-provider), a Google-style token
// endpoint, a GitHub-style App API, a protected API and a Vault-API server
// (KV version 2, AppRole) holding one credential's client secret; writes a
// credflow.yaml for them to a temporary folder; shows where every secret
// reference resolves (`credflow secrets check`); runs every sample flow in
// flows/ with `credflow run`; prints the results; stops everything.
// No account anywhere is needed, and no token or secret is printed: every
// output is scanned for them.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
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

/** Everything every credflow command printed, scanned for secrets and tokens at the end. */
const transcript = [];

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
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * What flows/flow-control.yaml must show (its `--json` document): WARNING (region ap fails on purpose,
 * its errors: task runs, allowFailure keeps the flow going), one run per region, the script's line
 * with the token masked, the script's own call to the API (HTTP 200, when curl is installed) and finally:.
 */
function checkFlowControl(stdout) {
  let e;
  try {
    e = JSON.parse(stdout);
  } catch {
    return { problem: 'no JSON document on stdout' };
  }
  const runs = (id) => e.taskRuns.filter((t) => t.taskId === id);
  const regions = runs('region').map((t) => `${t.value}:${t.state}`);
  if (e.state !== 'WARNING') return { problem: `state ${e.state}, expected WARNING` };
  if (regions.join(' ') !== 'eu:SUCCESS us:SUCCESS ap:WARNING') return { problem: `regions ${regions.join(' ')}` };
  if (runs('region_failed').length !== 1 || runs('done').length !== 1)
    return { problem: 'errors: or finally: did not run' };
  if (!e.logs.some((l) => l.taskId === 'script' && l.message === 'the script got a token: ******'))
    return { problem: "the script's line with the token (masked) is missing" };
  const status = e.outputs.scriptStatus;
  if (status !== '200' && status !== '0') return { problem: `the script's call to the API answered ${status}` };
  return {
    note: `  -> the script got the token in its env (its line shows ******)${status === '200' ? ' and called the API with it: HTTP 200' : ' (curl is not installed: no API call)'}`,
  };
}

const demo = await startDemoEnvironment();
const dir = await mkdtemp(join(tmpdir(), 'credflow-demo-'));
let failures = 0;
try {
  const config = join(dir, 'credflow.yaml');
  // Script tasks (flows/flow-control.yaml) run local processes: enabled here, as an operator would.
  await writeFile(config, `${demo.configYaml}\ntasks:\n  process:\n    enabled: true\n`);
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
  console.log(`  Vault API (KV v2, AppRole)            ${demo.vault.url}`);
  console.log(`  config                                ${config}\n`);

  const listed = await credflow(['credentials', 'list', '--config', config], env);
  console.log(`${bold('$ credflow credentials list')}\n${listed.stdout}`);
  // Where each secret reference resolves, in the scope of its credential (never the value): demo_vault's
  // from Vault (namespace credflow.demo.secure's own provider), tenant acme's from its ACME_SECRET_* variables.
  const checked = await credflow(['secrets', 'check', '--config', config], env);
  console.log(`${bold('$ credflow secrets check')}\n${checked.stdout}${checked.stderr}`);
  const fromVault = /^demo_vault +main\/credflow\.demo\.secure +clientSecret +DEMO_VAULT_CLIENT_SECRET +ok +vault /m;
  const fromAcme = /^demo_oauth +acme +clientSecret +DEMO_CLIENT_SECRET +ok +env ACME_SECRET_<NAME>/m;
  if (checked.code !== 0 || !fromVault.test(checked.stdout) || !fromAcme.test(checked.stdout)) {
    failures++;
    console.log('  UNEXPECTED: demo_vault should resolve from Vault and acme from ACME_SECRET_*\n');
  } else {
    console.log(
      `  -> demo_vault's client secret comes from Vault (${demo.vault.url}, secret/credflow/secure), only for namespace credflow.demo.secure;\n     tenant acme resolves through its own ACME_SECRET_* variables\n`,
    );
  }
  for (const key of ['demo_oauth', 'demo_hs', 'demo_mtls']) {
    const tested = await credflow(['credentials', 'test', key, '--config', config], env);
    console.log(`${bold(`$ credflow credentials test ${key}`)}\n${tested.stdout}`);
    if (tested.code !== 0) failures++;
  }

  const flows = (await readdir(join(root, 'flows'))).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of flows) {
    const args = ['run', join('flows', file), '--config', config];
    if (file !== 'hello.yaml') args.push('--input', `api=${HTTPS_FLOWS.has(file) ? demo.mtlsApi.url : demo.api.url}`);
    if (file === 'flow-control.yaml') args.push('--json');
    const r = await credflow(args, env);
    const expected = EXPECTED_FAILURES.has(file) ? 1 : 0;
    let ok = r.code === expected;
    let note = '';
    if (file === 'flow-control.yaml') {
      const c = checkFlowControl(r.stdout);
      if (c.problem) ok = false;
      note = c.problem ? `\n  UNEXPECTED (flow-control.yaml): ${c.problem}` : `\n${c.note}`;
    }
    if (!ok) failures++;
    console.log(`${bold(`$ credflow ${args.join(' ')}`)}\n${r.stderr.trimEnd()}`);
    console.log(
      `  -> exit ${r.code}${expected ? ' (this flow fails on purpose: see its errors: task)' : ''}${ok ? '' : '  UNEXPECTED'}${note}\n`,
    );
  }
  // Every secret (the AppRole's ids and the client secret in Vault among them), every token the API saw
  // and every Vault token a login handed out, in every output of every command above.
  const everything = transcript.join('\n');
  for (const v of [...demo.secretValues, ...demo.api.seenTokens, ...demo.vault.loginTokens]) {
    if (everything.includes(v)) {
      failures++;
      console.log('  LEAK: a secret or token appeared in the output');
    }
  }
  console.log(
    `token requests: oidc-provider ${demo.auth.mints}, oidc-provider over HTTPS ${demo.httpsAuth.mints}, Google-style ${demo.google.mints}, GitHub-style ${demo.github.mints}`,
  );
  console.log(`Vault: ${demo.vault.counts.logins} AppRole login(s), ${demo.vault.counts.reads} KV read(s)`);
  if (demo.vault.counts.reads === 0) {
    failures++;
    console.log('  UNEXPECTED: Vault served no read');
  }
  console.log(
    failures
      ? bold(`demo finished with ${failures} problem(s)`)
      : bold('demo finished: every flow behaved as expected'),
  );
} finally {
  await demo.close();
  // Kept, to read or to start from: it names the demo's loopback servers (stopped now) and
  // holds no secret (they were in the demo's environment only).
  console.log(`config kept at ${join(dir, 'credflow.yaml')} (its servers have stopped with the demo)`);
}
process.exitCode = failures ? 1 : 0;
