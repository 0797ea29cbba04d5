import type { Scope } from '@credflow/credentials-core';
import { formatPath } from '@credflow/credentials-core/internal';
import { createRenderSession, render, TemplateRenderError, type UsedCredential } from '@credflow/template-extension';
import type { Environment } from 'nunjucks';
import type { Flow } from '../flow/flow.js';
import { TaskError } from '../tasks/task-type.js';
import { hasTemplate } from './template-environment.js';

export interface RenderedProperties {
  value: unknown;
  credentials: UsedCredential[];
}

/**
 * Renders every string inside `value` (deeply) with the template context.
 * Strings without a template are kept as they are; rendered strings are
 * data, never rendered again. Every sensitive value produced goes to
 * `onSensitiveValue` at once, and so does every value a template derives
 * from one of `known` (the execution's sensitive values so far: SECRET
 * inputs, earlier tasks' secrets and tokens). `scope` is the execution's
 * tenant and namespace: nothing in a template changes it.
 */
export async function renderProperties(
  env: Environment,
  flow: Flow,
  value: unknown,
  path: (string | number)[],
  ctx: Record<string, unknown>,
  scope: Scope,
  onSensitiveValue: (v: string) => void,
  known?: Iterable<string>,
): Promise<RenderedProperties> {
  const credentials = new Map<string, UsedCredential>();
  // One session for all the strings of this value: a credential is fetched once
  // per task execution, even with `cache.enabled: false`.
  const session = createRenderSession(env, { onSensitiveValue, ...(known ? { sensitiveValues: known } : {}) });
  const walk = async (v: unknown, p: (string | number)[]): Promise<unknown> => {
    if (typeof v === 'string') {
      if (!hasTemplate(env, v)) return v;
      try {
        const r = await render(env, v, ctx, { name: `${flow.source.file}#${formatPath(p)}`, session, scope });
        for (const c of r.credentials) credentials.set(`${c.tenantId}\u0000${c.namespace ?? ''}\u0000${c.key}`, c);
        return r.output;
      } catch (err) {
        if (err instanceof TemplateRenderError) {
          const base = flow.source.lineOf(p);
          const line = base !== undefined && err.line !== undefined ? base + err.line - 1 : base;
          const cause = err.reason;
          throw new TaskError(
            `${formatPath(p)} (${flow.source.file}${line !== undefined ? ` line ${line}` : ''}): ${cause}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) out.push(await walk(v[i], [...p, i]));
      return out;
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await walk(x, [...p, k]);
      return out;
    }
    return v;
  };
  const rendered = await walk(value, path);
  return { value: rendered, credentials: [...credentials.values()] };
}
