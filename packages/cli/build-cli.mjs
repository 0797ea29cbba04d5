// Bundles the CLI into dist/bin/ so it starts fast: one module graph load
// instead of hundreds of small files (zod alone is ~60 ms unbundled).
// nunjucks stays external: the template extension finds nunjucks' parser
// through Node's module cache, which a bundled copy would not be in.
import { rm } from 'node:fs/promises';
import { rolldown } from 'rolldown';

const out = new URL('./dist/bin/', import.meta.url);
await rm(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: { credflow: new URL('./dist/cli.js', import.meta.url).pathname },
  platform: 'node',
  external: [/^node:/, 'nunjucks', '@credflow/ui'],
  logLevel: 'warn',
});
await bundle.write({ dir: out.pathname, format: 'esm', minify: true, entryFileNames: '[name].js' });
await bundle.close();
