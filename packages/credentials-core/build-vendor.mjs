// Vendors lru-cache into dist/vendor/ after tsc, so a host app does not
// install it (issue 30: 3.8 MB installed for one class); how, in
// ../../scripts/vendor.mjs. The bundle is the file Node loads from the
// lru-cache package (its minified ESM build for Node), so the token cache's
// hit path runs the same code; it stays a static import (every cache
// lookup needs it).
import { vendorLibraries } from '../../scripts/vendor.mjs';

await vendorLibraries(import.meta.dirname, { 'lru-cache.js': ['lru-cache'] }, { every: true });
