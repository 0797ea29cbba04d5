// Template: a cache-hit `Bearer << credential('k') >>` render against the same
// template with a plain variable, on the same environment.
import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import { registerCredentials, renderString } from '@credflow/template-extension';
import { sendJson, startLoopbackServer } from '@credflow/testkit';
import nunjucks from 'nunjucks';
import { Bench } from 'tinybench';

export async function templateBench() {
  const server = await startLoopbackServer((_q, res) =>
    sendJson(res, 200, { access_token: 'bench-token-value-0123456789', token_type: 'Bearer', expires_in: 3600 }),
  );
  try {
    const store = CredentialStore.fromYaml(
      `credentials:\n  k: { type: client_credentials, tokenEndpoint: "${server.url}/token", clientId: c, clientSecret: { secret: S } }\n`,
      { secretProviders: [new EnvSecretProvider({ env: { SECRET_S: 'cw==' } })] },
    );
    const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
    const token = await store.getToken('k');
    const ctx = { flow: { tenantId: 'main', namespace: 'company.team' }, token };
    const credentialTpl = "Bearer << credential('k') >>";
    const plainTpl = 'Bearer << token >>';
    if ((await renderString(env, credentialTpl, ctx)) !== (await renderString(env, plainTpl, ctx))) {
      throw new Error('the two templates must render the same');
    }
    // The sandbox's cost on member reads: two member chains (each read checked
    // by the sandbox) against the same values passed as plain variables.
    const memberTpl = 'Bearer << flow.namespace >>/<< data.items[1].name >>';
    const flatTpl = 'Bearer << ns >>/<< name >>';
    const mctx = { ...ctx, data: { items: [{ name: 'a' }, { name: 'b' }] }, ns: 'company.team', name: 'b' };
    if ((await renderString(env, memberTpl, mctx)) !== (await renderString(env, flatTpl, mctx))) {
      throw new Error('the member and plain renders must agree');
    }
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench
      .add('render: Bearer << token >> (plain variable)', () => renderString(env, plainTpl, ctx))
      .add("render: Bearer << credential('k') >> (cache hit)", () => renderString(env, credentialTpl, ctx))
      .add('render: << ns >>/<< name >> (plain variables)', () => renderString(env, flatTpl, mctx))
      .add('render: << flow.namespace >>/<< data.items[1].name >> (4 checked reads)', () =>
        renderString(env, memberTpl, mctx),
      );
    await bench.run();
    return { bench, ratio: ratioOf(bench, 1, 0), sandboxRatio: ratioOf(bench, 3, 2) };
  } finally {
    await server.close();
  }
}

/** Median time of task `a` over median time of task `b` (medians resist GC outliers). */
export function ratioOf(bench, a, b) {
  const ta = bench.tasks[a].result;
  const tb = bench.tasks[b].result;
  return ta.latency.p50 / tb.latency.p50;
}
