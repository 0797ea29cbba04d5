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
  // per task execution, even with `cache.enabled: false`. Made at the first template:
  // most task runs of a big ForEach have none.
  let session: ReturnType<typeof createRenderSession> | undefined;
  const renderText = async (v: string, p: (string | number)[]): Promise<string> => {
    session ??= createRenderSession(env, { onSensitiveValue, ...(known ? { sensitiveValues: known } : {}) });
    try {
      const r = await render(env, v, ctx, { name: `${flow.source.file}#${formatPath(p)}`, session, scope });
      for (const c of r.credentials) credentials.set(`${c.tenantId}\u0000${c.namespace ?? ''}\u0000${c.key}`, c);
      return r.output;
    } catch (err) {
      if (err instanceof TemplateRenderError) {
        const base = flow.source.lineOf(p);
        const line = base !== undefined && err.line !== undefined ? base + err.line - 1 : base;
        throw new TaskError(
          `${formatPath(p)} (${flow.source.file}${line !== undefined ? ` line ${line}` : ''}): ${err.reason}`,
          { cause: err },
        );
      }
      throw err;
    }
  };
  const walk = async (v: unknown, p: (string | number)[]): Promise<unknown> => {
    if (!holdsTemplate(env, v)) return copyValue(v);
    if (typeof v === 'string') return renderText(v, p);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) out.push(await walk(v[i], [...p, i]));
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = await walk(x, [...p, k]);
    return out;
  };
  const rendered = await walk(value, path);
  return { value: rendered, credentials: [...credentials.values()] };
}

/** Whether a string inside `v` (deeply) is a template. */
function holdsTemplate(env: Environment, v: unknown): boolean {
  if (typeof v === 'string') return hasTemplate(env, v);
  if (Array.isArray(v)) return v.some((x) => holdsTemplate(env, x));
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) if (holdsTemplate(env, x)) return true;
  }
  return false;
}

/**
 * A copy of a value without templates, made without awaiting anything (a
 * task's constant properties, every run of a ForEach): each run gets its own
 * objects, as a rendered value is.
 */
function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x);
    return out;
  }
  return v;
}
