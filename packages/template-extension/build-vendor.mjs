// Vendors luxon and re2js into dist/vendor/ after tsc, so a host app does not
// install them (issue 30: luxon alone is 4.5 MB installed, for the code of
// a few classes); how, in ../../scripts/vendor.mjs. Both are still loaded
// lazily: only dist/stdlib/dates.js (imported on the first template naming
// a date function) and the regex engine's dynamic import reach them.
//
// re2js is bundled as CommonJS: flow-runner loads it synchronously with
// require() (a flow's input `validator`), through this package's
// `./vendor/re2js` export, so one copy serves both.
import { vendorLibraries } from '../../scripts/vendor.mjs';

await vendorLibraries(import.meta.dirname, { 'luxon.js': ['luxon'], 're2js.cjs': ['re2js'] });
