/**
 * Every error class in the sources has one fixed code, extends
 * CredflowError (directly or through an abstract base), and its code is in
 * the "Error codes" table of docs/error-codes.md. Read from the source text, so a class
 * added anywhere without a code or a table row fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = ['credentials-core', 'template-extension', 'flow-runner', 'ui', 'cli'].flatMap((p) =>
  sources(join(root, 'packages', p, 'src')).filter((f) => !f.includes('/page/')),
);
/** `class X extends Y {` ... up to the next class or the end: enough to find the class's own `code`. */
const classes = files.flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/export (abstract )?class (\w+) extends (\w+) \{([\s\S]*?)(?=\nexport |\n\/\*\*|$)/g)].map(
    (m) => ({
      file: file.slice(root.length),
      abstract: Boolean(m[1]),
      name: m[2] as string,
      base: m[3] as string,
      codes: [...(m[4] as string).matchAll(/readonly code = '(ERR_[A-Z_]+)'/g)].map((c) => c[1] as string),
    }),
  );
});
const byName = new Map(classes.map((c) => [c.name, c]));
const errorClasses = classes.filter((c) => {
  for (let k: (typeof classes)[number] | undefined = c; k; k = byName.get(k.base)) {
    if (k.base === 'Error' || k.base === 'CredflowError') return true;
  }
  return false;
});
/** Internal plumbing, thrown and caught inside nunjucks or one module: never reaches a caller. */
// RenderLimitError and RegexError are thrown inside a render and reach callers as a TemplateError (ERR_TEMPLATE).
const INTERNAL = new Set([
  'LocatedTemplateError',
  'PatternError',
  'TransientStatus',
  'RenderLimitError',
  'RegexError',
  'DerivedValueTooLargeError',
  'JqError', // converted to a stdlib error (ERR_TEMPLATE) before it leaves the jq filter
]);
// The table's page (moved out of the README, issue 29): the whole page is the table and its notes.
const table = readFileSync(join(root, 'docs', 'error-codes.md'), 'utf8');

it('finds the error classes (the scan works)', () => {
  expect(errorClasses.map((c) => c.name)).toEqual(
    expect.arrayContaining(['ConfigError', 'OAuthResponseError', 'TemplateError', 'FlowError', 'UiConflictError']),
  );
  expect(errorClasses.length).toBeGreaterThan(40);
});

it('gives every concrete error class exactly one fixed code, and abstract ones none', () => {
  const wrong = errorClasses
    .filter((c) => !INTERNAL.has(c.name))
    .filter((c) => (c.abstract ? c.codes.length !== 0 : c.codes.length !== 1))
    .map((c) => `${c.file}: ${c.name} has ${c.codes.length} codes`);
  expect(wrong).toEqual([]);
});

it('derives every error class from CredflowError', () => {
  const direct = errorClasses
    .filter((c) => c.base === 'Error' && c.name !== 'CredflowError' && !INTERNAL.has(c.name))
    .map((c) => `${c.file}: ${c.name} extends Error`);
  expect(direct).toEqual([]);
});

it('lists every code in the docs/error-codes.md table, and no code there that no class has', () => {
  const codes = new Set(errorClasses.flatMap((c) => c.codes));
  const missing = [...codes].filter((code) => !table.includes(`\`${code}\``));
  expect(missing).toEqual([]);
  const rows = [...table.matchAll(/^\| `(ERR_[A-Z_]+)` \| `(\w+)`/gm)].map((m) => [m[1], m[2]]);
  expect(rows.length).toBeGreaterThan(30);
  for (const [code, cls] of rows) expect(byName.get(cls as string)?.codes, `${code} ${cls}`).toContain(code);
});

it('never constructs the abstract bases or passes a code at run time', () => {
  const bad = files.filter((f) =>
    /new (CredflowError|TokenEndpointError|SecretError|YamlFileError|UiError|TemplateRenderError)\(/.test(
      readFileSync(f, 'utf8'),
    ),
  );
  expect(bad).toEqual([]);
});
