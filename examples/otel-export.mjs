// credflow run --otel against a loopback OTLP collector: runs a small flow
// with the credflow command, its spans and metrics exported over OTLP/HTTP
// (JSON), and prints the span tree and the metrics the collector received.
//
//   pnpm build && node examples/otel-export.mjs
//
// The collector is a minimal node:http server that decodes OTLP/JSON (what
// @opentelemetry/exporter-*-otlp-http send); a local token endpoint stands
// in for your identity provider. With a real collector, set
// OTEL_EXPORTER_OTLP_ENDPOINT and run `credflow run --otel flow.yaml`.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBody, sendJson, startLoopbackServer } from '@credflow/testkit';

const CLI = fileURLToPath(new URL('../packages/cli/dist/bin/credflow.js', import.meta.url));
const clientSecret = 'otel-example-client-secret-0123456789';

/** Every OTLP request body the collector received, by path, as JSON. */
const received = { '/v1/traces': [], '/v1/metrics': [] };
const collector = createServer(async (req, res) => {
  const body = JSON.parse((await readBody(req)) || '{}');
  received[req.url]?.push(body);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
const collectorUrl = `http://127.0.0.1:${collector.address().port}`;

let minted = 0;
const idp = await startLoopbackServer(async (req, res) => {
  await readBody(req);
  if (req.url?.startsWith('/refuse')) return sendJson(res, 400, { error: 'invalid_scope' });
  minted++;
  sendJson(res, 200, { access_token: `example-token-${minted}-abcdef`, token_type: 'Bearer', expires_in: 600 });
});

const dir = await mkdtemp(join(tmpdir(), 'credflow-otel-example-'));
await writeFile(
  join(dir, 'credflow.yaml'),
  `credentials:
  partner_api: { type: client_credentials, tokenEndpoint: "${idp.url}/token", clientId: partner, clientSecret: { secret: PARTNER } }
  legacy: { type: client_credentials, tokenEndpoint: "${idp.url}/refuse", clientId: legacy, clientSecret: { secret: PARTNER } }
`,
);
await writeFile(
  join(dir, 'flow.yaml'),
  `id: otel_example
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: "token of << credential('partner_api') | length >> characters"
  - id: second
    type: io.kestra.plugin.core.log.Log
    message: "again: << credential('partner_api') | length >> characters (from the cache)"
  - id: legacy_call
    type: io.kestra.plugin.core.log.Log
    message: "<< credential('legacy') >>"
errors:
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: the legacy credential was refused
`,
);

const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [CLI, 'run', join(dir, 'flow.yaml'), '--config', join(dir, 'credflow.yaml'), '--otel'],
    {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_SERVICE_NAME: 'credflow-example',
        SECRET_PARTNER: Buffer.from(clientSecret).toString('base64'),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  child.on('exit', resolve);
});

// The span tree, from the OTLP/JSON the collector decoded.
const spans = received['/v1/traces'].flatMap((b) =>
  (b.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])),
);
const attr = (s, key) => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.doubleValue;
};
const children = (id) => spans.filter((s) => (s.parentSpanId || undefined) === id);
const label = (s) =>
  [
    s.name,
    attr(s, 'credflow.task.id') ?? attr(s, 'credflow.credential.key') ?? attr(s, 'credflow.flow.id'),
    attr(s, 'credflow.outcome'),
  ]
    .filter((x) => x !== undefined)
    .join(' ');
const print = (s, depth) => {
  console.log(`${'  '.repeat(depth)}${label(s)}`);
  for (const c of children(s.spanId)) print(c, depth + 1);
};
console.log(`\ncredflow exited with ${code}; the collector received ${spans.length} spans:`);
for (const root of children(undefined)) print(root, 1);
const metrics = received['/v1/metrics'].flatMap((b) =>
  (b.resourceMetrics ?? []).flatMap((r) => (r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? [])),
);
console.log(`and these metrics: ${[...new Set(metrics.map((m) => m.name))].sort().join(', ')}`);

await idp.close();
collector.close();
// For the test next to this file: what the collector got, to scan for secrets and tokens.
if (process.env.CREDFLOW_EXAMPLE_DUMP) {
  await writeFile(process.env.CREDFLOW_EXAMPLE_DUMP, JSON.stringify({ received, minted, clientSecret }));
}
