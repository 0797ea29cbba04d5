// Vendors lru-cache and Octokit into dist/vendor/ after tsc, so a host app
// installs neither (issue 30): lru-cache is 3.8 MB installed for one class,
// and @octokit/auth-app brings @octokit/types and its 5.3 MB of
// @octokit/openapi-types, declarations only. How, in ../../scripts/vendor.mjs.
//
// - lru-cache.js: the file Node loads from the lru-cache package (its
//   minified ESM build for Node), so the token cache's hit path runs the
//   same code; a static import (every cache lookup needs it).
// - octokit.js: @octokit/auth-app's createAppAuth and @octokit/request's
//   request in one bundle (they share @octokit/request and its
//   dependencies), reached only by dist/grants/github-app/octokit.js, which
//   the GitHub App grant imports on its first mint. GitHub App stays a core
//   credential type that needs no extra install.
//
// Every emitted declaration is checked (`every`): src/grants/github-app/
// octokit-types.ts declares the Octokit types the grant uses.
import { vendorLibraries } from '../../scripts/vendor.mjs';

await vendorLibraries(
  import.meta.dirname,
  { 'lru-cache.js': ['lru-cache'], 'octokit.js': ['@octokit/auth-app', '@octokit/request'] },
  { every: true },
);
