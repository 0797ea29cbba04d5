// Vendors luxon and re2js into dist/vendor/ after tsc, so a host app does not
// install them (issue 30: luxon alone is 4.5 MB installed, for the code of
// a few classes). The sources import the real libraries (vitest runs them,
// types come from the libraries' own declarations); here each library is
// bundled down to what dist imports from it, its licence is copied next to
// it, and the imports in dist are rewritten to the bundled file. Both are
// still loaded lazily: only dist/stdlib/dates.js (imported on the first
// template naming a date function) and the regex engine's dynamic import
// reach them.
//
// re2js is bundled as CommonJS: flow-runner loads it synchronously with
// require() (a flow's input `validator`), through this package's
// `./vendor/re2js` export, so one copy serves both.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = import.meta.dirname;
const dist = join(root, 'dist');
const vendorDir = join(dist, 'vendor');
const require = createRequire(join(root, 'package.json'));

/** What is vendored: the bundled file, its format, the licence file in the library's package. */
const VENDORED = {
  luxon: { file: 'luxon.js', format: 'esm', license: 'LICENSE.md' },
  re2js: { file: 're2js.cjs', format: 'cjs', license: 'LICENSE' },
};
const NAMES = Object.keys(VENDORED).join('|');
/** `import {…} from 'lib'`, `export {…} from 'lib'` (group 1: the clause), `import('lib')`, `require('lib')` / `createRequire(…)('lib')`. */
const IMPORT = new RegExp(
  `\\b(?:import|export)\\s*([^'";]*?)\\s*from\\s*(['"])(${NAMES})\\2|\\bimport\\s*\\(\\s*(['"])(${NAMES})\\4\\s*\\)|(?:\\brequire|\\))\\s*\\(\\s*(['"])(${NAMES})\\6\\s*\\)`,
  'g',
);

async function* jsFiles(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== vendorDir) yield* jsFiles(p);
    } else if (e.name.endsWith('.js')) yield p;
  }
}

/** The names imported from `clause` (`{ A, B as C }`), or undefined for a namespace/default import (everything). */
function importedNames(clause) {
  const braces = /^(?:type\s+)?\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return undefined;
  return braces[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('type '))
    .map((s) => s.split(/\s+as\s+/)[0]);
}

/** The directory and version of the installed package `lib` (its package.json may not be exported). */
async function packageOf(lib) {
  for (let dir = dirname(require.resolve(lib)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = await readFile(join(dir, 'package.json'), 'utf8').then(JSON.parse, () => undefined);
    if (pkg?.name === lib) return { dir, version: pkg.version };
  }
  throw new Error(`build-vendor: no package.json of ${lib}`);
}

// 1. What dist imports from each library.
await rm(vendorDir, { recursive: true, force: true });
const used = new Map(); // library -> Set of names, or 'all'
const files = new Map(); // file -> text
for await (const file of jsFiles(dist)) {
  const text = await readFile(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const lib = m[3] ?? m[5] ?? m[7];
    const names = m[3] ? importedNames(m[1]) : undefined;
    const known = used.get(lib);
    if (!names || known === 'all') used.set(lib, 'all');
    else used.set(lib, new Set([...(known ?? []), ...names]));
    files.set(file, text);
  }
}
for (const lib of Object.keys(VENDORED)) {
  if (!used.has(lib)) throw new Error(`build-vendor: dist imports nothing from ${lib}: remove it from VENDORED`);
}

// 2. Bundle each library down to those names, with its licence next to it.
await mkdir(vendorDir, { recursive: true });
for (const [lib, { file, format, license }] of Object.entries(VENDORED)) {
  const names = used.get(lib);
  const entry = `\0vendor:${lib}`;
  const { dir: pkgDir, version } = await packageOf(lib);
  const bundle = await rolldown({
    input: entry,
    platform: 'node',
    logLevel: 'warn',
    treeshake: true,
    plugins: [
      {
        name: 'vendor-entry',
        resolveId: (id) => (id === entry ? entry : id === lib ? fileURLToPath(import.meta.resolve(lib)) : null),
        load: (id) =>
          id === entry
            ? names === 'all'
              ? `export * from '${lib}';`
              : `export { ${[...names].join(', ')} } from '${lib}';`
            : null,
      },
    ],
  });
  const licenseFile = `${file.replace(/\.c?js$/, '')}.${license}`;
  await bundle.write({
    file: join(vendorDir, file),
    format,
    minify: false,
    comments: { legal: true, annotation: false, jsdoc: false },
    banner: `/*! ${lib} ${version}, bundled into @credflow/template-extension at build time (only what it uses); licence: ./${licenseFile} */`,
  });
  await bundle.close();
  await copyFile(join(pkgDir, license), join(vendorDir, licenseFile));
}

// 3. Point dist's imports at the bundled files.
for (const [file, text] of files) {
  const to = (lib) => {
    const rel = relative(dirname(file), join(vendorDir, VENDORED[lib].file)).replaceAll('\\', '/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  const out = text.replace(IMPORT, (whole, _clause, q1, lib1, q2, lib2, q3, lib3) => {
    const lib = lib1 ?? lib2 ?? lib3;
    const q = q1 ?? q2 ?? q3;
    return whole.replace(`${q}${lib}${q}`, `${q}${to(lib)}${q}`);
  });
  await writeFile(file, out);
}
for await (const file of jsFiles(dist)) {
  const left = [...(await readFile(file, 'utf8')).matchAll(IMPORT)];
  if (left.length) throw new Error(`build-vendor: ${file} still imports ${left.map((m) => m[0]).join(', ')}`);
}

// 4. No declaration a host app's compiler reads names a vendored library (it is not installed).
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
