import { resolve } from 'node:path';
import { z } from 'zod';
import { lazily } from '../lazily.js';

/**
 * `audit:` in `credflow.yaml`: where to write one JSON line per mint
 * (SPEC section 9). `file` is a path (relative to the config file) or
 * `stdout` / `stderr`.
 */
export interface AuditConfig {
  /** An absolute path once loaded, or `stdout` / `stderr`. */
  file: string;
}

const buildAuditConfigSchema = () =>
  z.strictObject({
    file: z
      .string({ error: 'expected a file path, stdout or stderr' })
      .min(1, 'expected a file path, stdout or stderr'),
  });

/** The `audit:` block's schema, built on first use (a run without a config file never needs it). */
export const auditConfigSchema = lazily(buildAuditConfigSchema);

/** The block as loaded: a relative path resolved against the config file's directory. */
export function toAuditConfig(
  parsed: z.infer<ReturnType<typeof buildAuditConfigSchema>>,
  baseDir: string,
): AuditConfig {
  const f = parsed.file;
  return { file: f === 'stdout' || f === 'stderr' ? f : resolve(baseDir, f) };
}
