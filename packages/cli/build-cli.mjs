// Bundles the CLI into dist/bin/ so it starts fast, in two steps.
//
// 1. One module graph, CommonJS chunks: `credflow.cjs` holds what every
//    command needs; what only some commands need (the UI's server, Octokit,
//    the OpenTelemetry SDK, undici, Ion, script tasks) is in chunks loaded on
//    first use. nunjucks is bundled in (its two dozen CommonJS files cost
//    ~35 ms to load one by one); the template extension patches the parser of
//    the nunjucks it imports, here the bundled copy. chokidar (nunjucks' watch
//    mode, never used) stays out, as do the cloud SDKs (loaded from
//    node_modules on demand). What `run` imports statically (config, store,
//    flows, templates, the executor) is one chunk: Node resolves, reads and
//    compiles each chunk on its own, and two dozen small ones cost ~6 ms of
//    a run's start more than one.
// 2. V8's code cache for each chunk (src/code-cache.ts): a warm-up run of
//    `--help`, `validate` and `run` (both template syntaxes, a credential
//    minted from a loopback token endpoint) compiles what a run needs, and
//    the bytecode is saved beside each chunk. dist/bin/credflow.js (the
//    `credflow` command) hands it back to V8.
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';

const out = fileURLToPath(new URL('./dist/bin/', import.meta.url));
const entry = join(out, 'credflow.cjs');
await rm(out, { recursive: true, force: true });
/** The modules of the run chunk, once known (see runChunkModules). */
let runChunk;
const bundle = await rolldown({
  input: { credflow: fileURLToPath(new URL('./dist/cli.js', import.meta.url)) },
  platform: 'node',
  external: [/^node:/, '@credflow/ui', 'chokidar'],
  // CommonJS has no import.meta.resolve; credentials-core uses it to find its own folder.
  transform: { define: { 'import.meta.resolve': '__credflowImportMetaResolve' } },
  plugins: [dynamicImportsThroughLauncher()],
  logLevel: 'warn',
  // The run chunk takes only its own modules (includeDependenciesRecursively: false, below), which needs this.
  preserveEntrySignatures: 'allow-extension',
  onLog(level, log, handler) {
    // A dynamic import of a module the run chunk holds (did-you-mean helpers, the OpenTelemetry API) loads that chunk.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the message's colour codes
    const target = /([^\s\u001b]+) is dynamically imported by /.exec(log.message.replace(/\u001b\[\d+m/g, ' '))?.[1];
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT' && target && runChunk?.has(resolve(target))) return;
    handler(level, log);
  },
});
const output = {
  dir: out,
  format: 'cjs',
  minify: true,
  entryFileNames: '[name].cjs',
  chunkFileNames: '[name]-[hash].cjs',
  banner: (chunk) =>
    chunk.code?.includes('__credflowImportMetaResolve') === false
      ? ''
      : "var __credflowImportMetaResolve=(s)=>require('node:url').pathToFileURL(require.resolve(s)).href;",
};
runChunk = runChunkModules(await bundle.generate(output));
await bundle.write({
  ...output,
  codeSplitting: { groups: [{ name: 'run', test: (id) => runChunk.has(id), includeDependenciesRecursively: false }] },
});
await bundle.close();

/**
 * The modules of the run chunk, from a first split: those of every chunk
 * `run` loads before it starts the flow (its command's chunk and what that
 * imports statically), less the chunks `--help` loads (the entry's).
 */
function runChunkModules({ output }) {
  const chunks = new Map(output.filter((c) => c.type === 'chunk').map((c) => [c.fileName, c]));
  const closure = (names) => {
    const seen = new Set();
    for (const stack = [...names]; stack.length > 0; ) {
      const name = stack.pop();
      if (!seen.has(name)) {
        seen.add(name);
        stack.push(...(chunks.get(name)?.imports ?? []));
      }
    }
    return seen;
  };
  const entry = closure(['credflow.cjs']);
  const command = [...chunks.values()].find((c) => c.moduleIds.some((id) => id.endsWith('/dist/commands/run.js')));
  if (!command) throw new Error('credflow build: no chunk holds the run command');
  const modules = new Set();
  for (const name of closure([command.fileName])) {
    if (!entry.has(name)) for (const id of chunks.get(name)?.moduleIds ?? []) modules.add(id);
  }
  return modules;
}

/** The command's entry: the launcher of src/code-cache.ts, run on the bundle beside it. */
const LAUNCHER = `import { join } from 'node:path';
import { runBundle } from ${JSON.stringify(fileURLToPath(new URL('./dist/code-cache.js', import.meta.url)))};
runBundle(join(__dirname, 'credflow.cjs'), process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
`;

// The command itself: CommonJS (dist/bin/package.json says so), so starting it does not set up Node's ESM
// loader; the launcher (src/code-cache.ts) is bundled into it.
await writeFile(join(out, 'package.json'), '{ "type": "commonjs" }\n');
await writeFile(join(out, 'launcher-entry.mjs'), LAUNCHER);
const launcher = await rolldown({
  input: join(out, 'launcher-entry.mjs'),
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
});
await launcher.write({
  file: join(out, 'credflow.js'),
  format: 'cjs',
  minify: true,
  banner:
    "#!/usr/bin/env node\n// The credflow command: runs the bundle (credflow.cjs) with V8's code cache (src/code-cache.ts).",
});
await launcher.close();
await rm(join(out, 'launcher-entry.mjs'));
await chmod(join(out, 'credflow.js'), 0o755);

// The warm-up, in a process of its own started as the CLI is (no extra V8 flags, or V8 would refuse the cache).
const work = await mkdtemp(join(tmpdir(), 'credflow-warmup-'));
try {
  const warm = spawnSync(process.execPath, ['--input-type=module', '-e', warmUp(entry)], {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1', SECRET_WARM_SECRET: 'd2FybS11cA==' },
    timeout: 60_000,
  });
  if (warm.status !== 0)
    throw new Error(`credflow build: the code-cache warm-up failed:\n${warm.stdout}${warm.stderr}`);
  process.stdout.write(warm.stdout);
} finally {
  await rm(work, { recursive: true, force: true });
}

/**
 * Node 20 loses a script's dynamic-import callback when V8 takes its code
 * cache from another process (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING): each
 * `import(x)` left in a chunk (the cloud SDKs, the UI, file URLs) calls the
 * launcher's own `import` instead, passed in as `__credflowImport`
 * (src/code-cache.ts); a chunk loaded without the launcher uses its own.
 */
function dynamicImportsThroughLauncher() {
  return {
    name: 'credflow-dynamic-imports',
    renderChunk(code) {
      const starts = [];
      const walk = (node) => {
        if (Array.isArray(node)) for (const n of node) walk(n);
        else if (node && typeof node === 'object') {
          if (node.type === 'ImportExpression') starts.push([node.start, node.source.start]);
          for (const key in node) if (key !== 'type') walk(node[key]);
        }
      };
      walk(parseAst(code));
      if (starts.length === 0) return null;
      let out = code;
      for (const [start, sourceStart] of starts.sort((a, b) => b[0] - a[0])) {
        if (!/^import\s*\($/.test(code.slice(start, sourceStart)))
          throw new Error(`credflow build: unexpected import() at ${start}`);
        out = `${out.slice(0, start)}(typeof __credflowImport>"u"?(s=>import(s)):__credflowImport)(${out.slice(sourceStart)}`;
      }
      return { code: out, map: null };
    },
  };
}

/** The warm-up program: a token endpoint on loopback, a config and two flows, then each command once. */
function warmUp(bundleEntry) {
  const codeCache = new URL('./dist/code-cache.js', import.meta.url).href;
  return `
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { writeFileSync } from 'node:fs';
import { installCodeCache, writeCodeCache } from ${JSON.stringify(codeCache)};
const entry = ${JSON.stringify(bundleEntry)};
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: 'warm-up-token-' + Date.now(), token_type: 'Bearer', expires_in: 3600 }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = 'http://127.0.0.1:' + server.address().port + '/token';
writeFileSync('credflow.yaml', 'secrets:\\n  - type: env\\ncredentials:\\n  warm:\\n    type: client_credentials\\n    tokenEndpoint: ' + url + '\\n    clientId: warm\\n    clientSecret: { secret: WARM_SECRET }\\n    scopes: [read]\\n');
writeFileSync('native.yaml', [
  'id: warm', 'namespace: credflow.warm',
  'inputs:', '  - id: user', '    type: STRING', '    defaults: world', '  - id: times', '    type: INT', '    defaults: 2',
  'variables:', '  greeting: Hello',
  'tasks:',
  '  - id: greet', '    type: io.kestra.plugin.core.log.Log', '    message: "<< vars.greeting >>, << inputs.user | upper >>! << credential(\\'warm\\') | length >>"',
  '  - id: compose', '    type: io.kestra.plugin.core.debug.Return',
  '    format: "<% for i in range(inputs.times) %><< vars.greeting | lower >> <% endfor %><< now() | date(\\'yyyy\\') >>"',
  '  - id: values', '    type: io.kestra.plugin.core.output.OutputValues', '    values:',
  '      user: "<< inputs.user | default(\\'x\\') | trim >>"', '      words: "<< outputs.compose.value | trim | replace(\\'Hello\\', \\'hi\\') >>"',
  'outputs:', '  - id: message', '    type: STRING', '    value: "<< outputs.values.values.words >> << inputs.user >>"',
].join('\\n') + '\\n');
writeFileSync('pebble.yaml', [
  'id: warm_pebble', 'namespace: credflow.warm',
  'tasks:',
  '  - id: each', '    type: io.kestra.plugin.core.flow.ForEach', '    values: ["a", "b"]', '    tasks:',
  '      - id: log', '        type: io.kestra.plugin.core.log.Log', '        message: "{{ taskrun.value }} {{ flow.namespace | split(\\'.\\') | join(\\'/\\') }} {{ {\\'k\\': 1} | json }}"',
  '  - id: auth', '    type: io.kestra.plugin.core.log.Log', '    message: "Bearer {{ credential(\\'warm\\') is defined ? \\'yes\\' : \\'no\\' }}"',
].join('\\n') + '\\n');
const use = installCodeCache(dirname(entry));
const { main } = createRequire(entry)(entry);
const io = { stdout() {}, stderr() {}, env: process.env, color: false, tty: false };
for (const args of [['--help'], ['validate', 'native.yaml', 'pebble.yaml'], ['run', 'native.yaml', '--json'], ['run', 'pebble.yaml']]) {
  const code = await main(args, io);
  if (code !== 0) { process.stderr.write('warm-up: credflow ' + args.join(' ') + ' exited ' + code + '\\n'); process.exit(1); }
}
const written = writeCodeCache(use);
process.stdout.write('credflow build: V8 code cache written for ' + written.length + ' chunk(s)\\n');
process.exit(0);
`;
}
