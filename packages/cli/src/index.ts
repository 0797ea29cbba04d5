export { main } from './cli.js';
export type { CliIo } from './io.js';
