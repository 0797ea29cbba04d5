// After tsc: the built package loads re2js (a flow input's `validator`)
// from the copy vendored in @credflow/template-extension, through its
// `./vendor/re2js` export (CommonJS, so input-types.ts's synchronous
// require() works), not from an re2js install (issue 30: a host app does
// not install it). The sources require the real re2js (a devDependency:
// vitest runs them). Fails if dist loads no re2js (this step is stale) or if
// the public declarations name it (../../scripts/vendor.mjs).
import { checkDeclarations, redirectImports } from '../../scripts/vendor.mjs';

const root = import.meta.dirname;
await redirectImports(root, { re2js: '@credflow/template-extension/vendor/re2js' });
await checkDeclarations(root, ['re2js']);
