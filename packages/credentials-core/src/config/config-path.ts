/**
 * Where the config file is: the explicit path, else `$CREDFLOW_CONFIG`,
 * else `./credflow.yaml`.
 */
export function findConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.CREDFLOW_CONFIG || 'credflow.yaml';
}
