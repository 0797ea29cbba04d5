// `@credflow/template-extension/internal`: what credflow's own packages share
// beyond the public API. Not for host apps: these names may change in any release.
export { type NunjucksModules, registerNunjucksModules } from './nunjucks-internals.js';
