// Types for the nunjucks modules template-environment.ts registers (nunjucks
// ships no types for its internals): each is `module.exports` of that file.
declare module 'nunjucks/src/environment.js' {
  const environment: import('@credflow/template-extension/internal').NunjucksModules['environment'];
  export default environment;
}
declare module 'nunjucks/src/parser.js' {
  const parser: import('@credflow/template-extension/internal').NunjucksModules['parser'];
  export default parser;
}
declare module 'nunjucks/src/nodes.js' {
  const nodes: import('@credflow/template-extension/internal').NunjucksModules['nodes'];
  export default nodes;
}
declare module 'nunjucks/src/lib.js' {
  const lib: import('@credflow/template-extension/internal').NunjucksModules['lib'];
  export default lib;
}
declare module 'nunjucks/src/runtime.js' {
  const runtime: import('@credflow/template-extension/internal').NunjucksModules['runtime'];
  export default runtime;
}
