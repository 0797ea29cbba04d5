// After tsc: the built package loads re2js (a flow input's `validator`)
// from the copy vendored in @credflow/template-extension, through its
// `./vendor/re2js` export (CommonJS, so input-types.ts's synchronous
// require() works), not from an re2js install (issue 30: a host app does
// not install it). The sources require the real re2js (a devDependency:
// vitest runs them). Fails if dist loads no re2js (this step is stale) or if
// the public declarations name it.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const root = import.meta.dirname;
const dist = join(root, 'dist');
const VENDORED = { re2js: '@credflow/template-extension/vendor/re2js' };
/** `from 're2js'`, `import('re2js')`, `require('re2js')` / `createRequire(…)('re2js')`. */
const LOAD = /(\bfrom\s*|\bimport\s*\(\s*|(?:\brequire|\))\s*\(\s*)(['"])(re2js)\2/g;

async function* files(dir, ext) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p, ext);
    else if (e.name.endsWith(ext)) yield p;
  }
}

let rewritten = 0;
for await (const file of files(dist, '.js')) {
  const text = await readFile(file, 'utf8');
  if (text.search(LOAD) === -1) continue;
  const out = text.replace(LOAD, (_whole, before, q, lib) => {
    rewritten++;
    return `${before}${q}${VENDORED[lib]}${q}`;
  });
  await writeFile(file, out);
}
if (rewritten === 0) throw new Error('build-vendor: dist loads no re2js: remove this step');

// No declaration a host app's compiler reads names re2js (it is not installed).
const seen = new Set();
const queue = [join(dist, 'index.d.ts')];
while (queue.length) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/g)) {
    if (spec.startsWith('.')) queue.push(join(dirname(file), spec.replace(/\.js$/, '.d.ts')));
    else if (spec in VENDORED) throw new Error(`build-vendor: ${relative(root, file)} (public types) names ${spec}`);
  }
}
