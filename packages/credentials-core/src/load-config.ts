import { loadConfigWith, parseConfigWith } from './config/load-config.js';
import type { CredflowConfig } from './config/types.js';
import { builtinGrantTypes } from './grants/builtin.js';
import type { GrantType } from './grants/grant.js';

export interface LoadConfigOptions {
  /** Credential types the config may use; default: the built-in ones. */
  grantTypes?: readonly GrantType[];
}

/**
 * Reads and validates a `credflow.yaml`. Every problem is reported with the
 * file, the YAML path and the line. Sits above `config/` and `grants/`: it
 * hands the grant types to config loading, so config never imports grants.
 */
export function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<CredflowConfig> {
  return loadConfigWith(file, { grantTypes: options.grantTypes ?? builtinGrantTypes });
}

/** Validates config text; `file` only labels messages, `baseDir` resolves relative paths. */
export function parseConfig(
  text: string,
  options: LoadConfigOptions & { file?: string; baseDir?: string } = {},
): CredflowConfig {
  return parseConfigWith(text, { ...options, grantTypes: options.grantTypes ?? builtinGrantTypes });
}
