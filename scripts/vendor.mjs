// Vendoring, shared by the builds of the published packages (issue 30: what
// a host app installs). A vendored library is not a dependency: after tsc,
// the package's dist/vendor/ gets the library's code bundled down to what
// dist imports from it, next to the licence of every package in the bundle,
// and dist's imports are pointed at the bundle. The sources keep importing
// the real library (a devDependency: the tests run against it, its own
// declarations type the sources, an upgrade is a lockfile change and a
// build). No declaration a host's compiler reads may name a vendored library
// (it is not installed): the build fails if one does.
//
// - vendorLibraries: all of the above, for credentials-core (lru-cache,
//   Octokit) and template-extension (luxon, re2js).
// - redirectImports and checkDeclarations: for a package that loads a copy
//   vendored by another (flow-runner, template-extension's re2js).
//
// rolldown is the calling package's devDependency, resolved from its folder.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Licences a bundled package may carry: permissive ones whose only condition is that the notice travels with the code. */
const LICENCES = new Set(['MIT', 'ISC', 'BlueOak-1.0.0']);
const LICENCE_FILE = /^(?:licen[cs]e|copying)(?:\.md|\.txt)?$/i;

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Loads of `libraries` in built JavaScript: `import {…} from 'lib'` and
 * `export {…} from 'lib'` (group 1: the clause), `import('lib')`,
 * `require('lib')` and `createRequire(…)('lib')`. The quote is group 2, 4
 * or 6, the library group 3, 5 or 7.
 */
function loadsOf(libraries) {
  const names = libraries.map(escapeRegExp).join('|');
  return new RegExp(
    `\\b(?:import|export)\\s*([^'";]*?)\\s*from\\s*(['"])(${names})\\2|\\bimport\\s*\\(\\s*(['"])(${names})\\4\\s*\\)|(?:\\brequire|\\))\\s*\\(\\s*(['"])(${names})\\6\\s*\\)`,
    'g',
  );
}

/** The .js (or `ext`) files under `dir`, `skip` left out. */
async function* filesUnder(dir, ext = '.js', skip = undefined) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== skip) yield* filesUnder(p, ext, skip);
    } else if (e.name.endsWith(ext)) yield p;
  }
}

/** The names imported by `clause` (`{ A, B as C }`), or undefined for a namespace or default import (everything). */
function importedNames(clause) {
  const braces = /^(?:type\s+)?\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return undefined;
  return braces[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('type '))
    .map((s) => s.split(/\s+as\s+/)[0]);
}

/**
 * Points every load of a library in `root`'s dist/ (vendor/ left out) at
 * `targets[lib](file)`; fails if a library is loaded nowhere (the step is
 * stale) or if a load is left. Returns the files changed.
 */
export async function redirectImports(root, targets) {
  const dist = join(root, 'dist');
  const libraries = Object.keys(targets);
  const pattern = loadsOf(libraries);
  const seen = new Set();
  const changed = [];
  for await (const file of filesUnder(dist, '.js', join(dist, 'vendor'))) {
    const text = await readFile(file, 'utf8');
    const out = text.replace(pattern, (whole, _clause, q1, lib1, q2, lib2, q3, lib3) => {
      const lib = lib1 ?? lib2 ?? lib3;
      const q = q1 ?? q2 ?? q3;
      seen.add(lib);
      const to = targets[lib];
      return whole.replace(`${q}${lib}${q}`, `${q}${typeof to === 'function' ? to(file) : to}${q}`);
    });
    if (out === text) continue;
    await writeFile(file, out);
    changed.push(file);
  }
  for (const lib of libraries) {
    if (!seen.has(lib)) throw new Error(`vendor: ${relative(root, dist)} loads nothing from ${lib}: remove it`);
  }
  return changed;
}

/**
 * Fails if a declaration in `root`'s dist/ names one of `libraries` (an
 * import, `import()`, `require()` or `/// <reference types>`): every .d.ts
 * when `every`, else those a host's compiler reads (reached from the
 * `types` of the package's exports).
 */
export async function checkDeclarations(root, libraries, { every = false } = {}) {
  const dist = join(root, 'dist');
  const named = (spec) => libraries.find((lib) => spec === lib || spec.startsWith(`${lib}/`));
  const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|<reference\s+types\s*=\s*)['"]([^'"]+)['"]/g;
  const queue = [];
  if (every) {
    for await (const file of filesUnder(dist, '.d.ts')) queue.push(file);
  } else {
    const { exports } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    for (const target of Object.values(exports)) {
      if (typeof target === 'object' && target.types) queue.push(join(root, target.types));
    }
  }
  const seen = new Set();
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const [, spec] of text.matchAll(specifiers)) {
      if (spec.startsWith('.')) {
        if (!every) queue.push(join(dirname(file), spec.replace(/\.(c|m)?js$/, '.d.$1ts')));
        continue;
      }
      const lib = named(spec);
      if (lib) {
        throw new Error(
          `vendor: ${relative(root, file)} names ${spec}, which is vendored (not installed): declare the types used in a local file`,
        );
      }
    }
  }
}

/** The folder, name, version and licence of the package holding `file`. */
async function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = await readFile(join(dir, 'package.json'), 'utf8').then(JSON.parse, () => undefined);
    if (pkg?.name && pkg.version) {
      const license = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type;
      return { dir, name: pkg.name, version: pkg.version, license };
    }
  }
  throw new Error(`vendor: no package.json above ${file}`);
}

/**
 * Vendors libraries into `root`'s dist/vendor/ (see the top of this file).
 * `bundles` maps a bundle's file name (`.cjs`: CommonJS, else ESM) to the
 * libraries it holds: libraries bundled together share their dependencies'
 * code. `every`: see {@link checkDeclarations}.
 */
export async function vendorLibraries(root, bundles, { every = false } = {}) {
  const require = createRequire(join(root, 'package.json'));
  const { rolldown } = await import(pathToFileURL(require.resolve('rolldown')).href);
  const { name: owner } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const dist = join(root, 'dist');
  const vendorDir = join(dist, 'vendor');
  const libraries = Object.values(bundles).flat();
  const pattern = loadsOf(libraries);

  // 1. What dist imports from each library: some names, or everything.
  const used = new Map(); // library -> Set of names, or 'all'
  for await (const file of filesUnder(dist, '.js', vendorDir)) {
    for (const m of (await readFile(file, 'utf8')).matchAll(pattern)) {
      const lib = m[3] ?? m[5] ?? m[7];
      const names = m[3] ? importedNames(m[1]) : undefined;
      const known = used.get(lib);
      if (!names || known === 'all') used.set(lib, 'all');
      else used.set(lib, new Set([...(known ?? []), ...names]));
    }
  }
  for (const lib of libraries) {
    // Checked before dist/vendor/ is touched: run again on a dist already pointed at it, this step leaves it whole.
    if (!used.has(lib)) {
      throw new Error(
        `vendor: dist imports nothing from ${lib}: stop vendoring it (or, if dist was vendored already, run tsc first)`,
      );
    }
  }

  // 2. Each bundle: its libraries down to those names, the licences of the packages it holds next to it.
  await rm(vendorDir, { recursive: true, force: true });
  await mkdir(vendorDir, { recursive: true });
  const bundleOf = new Map();
  for (const [file, libs] of Object.entries(bundles)) {
    for (const lib of libs) bundleOf.set(lib, file);
    // A file in the package's folder (never written), so the libraries resolve from its node_modules.
    const entry = join(root, `vendor-entry-${file.replace(/\W/g, '-')}.js`);
    const source = libs
      .map((lib) => {
        const names = used.get(lib);
        return names === 'all' ? `export * from '${lib}';` : `export { ${[...names].join(', ')} } from '${lib}';`;
      })
      .join('\n');
    const bundle = await rolldown({
      input: entry,
      cwd: root,
      platform: 'node',
      logLevel: 'warn',
      treeshake: true,
      plugins: [
        {
          name: 'vendor-entry',
          resolveId: (id) => (id === entry ? entry : null),
          load: (id) => (id === entry ? source : null),
        },
      ],
    });
    const { output } = await bundle.generate({
      format: file.endsWith('.cjs') ? 'cjs' : 'esm',
      minify: false,
      comments: { legal: true, annotation: false, jsdoc: false },
    });
    await bundle.close();
    const [chunk, ...more] = output;
    if (chunk?.type !== 'chunk' || more.length) {
      throw new Error(`vendor: ${file} bundles into ${output.map((o) => o.fileName).join(', ')}, not one file`);
    }
    const packages = new Map();
    for (const id of Object.keys(chunk.modules)) {
      if (id === entry || id.startsWith('\0')) continue;
      const pkg = await packageOf(id);
      packages.set(pkg.name, pkg);
    }
    const notices = [];
    for (const pkg of [...packages.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!LICENCES.has(pkg.license)) {
        throw new Error(
          `vendor: ${pkg.name} ${pkg.version} (in ${file}) is licensed ${pkg.license}, not one of ${[...LICENCES].join(', ')}`,
        );
      }
      const licence = (await readdir(pkg.dir)).find((f) => LICENCE_FILE.test(f));
      if (!licence) throw new Error(`vendor: ${pkg.name} ${pkg.version} (in ${file}) ships no licence file`);
      const copy = `${pkg.name.replace(/^@/, '').replace('/', '-')}.${licence}`;
      await copyFile(join(pkg.dir, licence), join(vendorDir, copy));
      notices.push(`${pkg.name} ${pkg.version} (${pkg.license}, ./${copy})`);
    }
    const banner = `/*! Bundled into ${owner} at build time, only what it uses: ${notices.join(', ')} */\n`;
    await writeFile(join(vendorDir, file), banner + chunk.code);
  }

  // 3. dist's imports point at the bundles.
  await redirectImports(
    root,
    Object.fromEntries(
      libraries.map((lib) => [
        lib,
        (from) => {
          const rel = relative(dirname(from), join(vendorDir, bundleOf.get(lib))).replaceAll('\\', '/');
          return rel.startsWith('.') ? rel : `./${rel}`;
        },
      ]),
    ),
  );

  // 4. No declaration names a vendored library.
  await checkDeclarations(root, libraries, { every });
}
