import { config } from 'zod';

/**
 * Makes zod parse without generating code (`jitless`): for a process that
 * parses a config and a flow once, such as the `credflow` command, building
 * each object schema's generated fast path costs more than it saves (about
 * 5% of `credflow run`'s start-up). The setting is zod's and process-wide, so
 * only an application calls this, never a library embedding credflow.
 */
export function parseSchemasWithoutCodegen(): void {
  config({ jitless: true });
}
