// Bundles the CLI into dist/bin/ so it starts fast: one module graph load
// instead of hundreds of small files (zod alone is ~60 ms unbundled; nunjucks'
// two dozen CommonJS files ~35 ms). The template extension patches the parser
// of the nunjucks it imports, here the bundled copy; chokidar (nunjucks' watch
// mode, never used) stays out.
import { rm } from 'node:fs/promises';
import { rolldown } from 'rolldown';

const out = new URL('./dist/bin/', import.meta.url);
await rm(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: { credflow: new URL('./dist/cli.js', import.meta.url).pathname },
  platform: 'node',
  external: [/^node:/, '@credflow/ui', 'chokidar'],
  logLevel: 'warn',
});
await bundle.write({ dir: out.pathname, format: 'esm', minify: true, entryFileNames: '[name].js' });
await bundle.close();
