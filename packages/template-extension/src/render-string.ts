import type { Scope } from '@credflow/credentials-core';
import type { Environment } from 'nunjucks';
import { limitErrorOf, RenderBudget, type RenderLimits } from './limits/render-limits.js';
import { nunjucksOf as internalsOf } from './nunjucks/adapter.js';
import type { NjTemplate } from './nunjucks-internals.js';
import { registrationOf } from './registration.js';
import { bindFrame } from './render-frames.js';
import { type RenderFrame, RenderState, type UsedCredential } from './render-state.js';
import { asForbiddenError, TemplateForbiddenError } from './sandbox/template-forbidden-error.js';
import { parseNunjucksError, TemplateError, type TemplateRenderError, TemplateSandboxError } from './template-error.js';

export interface RenderOptions {
  /** Names the template in errors; default `<string>`. */
  name?: string;
  /** Called once per distinct sensitive value (token or secret) the render produced, as it is produced. */
  onSensitiveValue?: (value: string) => void;
  /**
   * Shares tokens, secrets and reports across several renders (e.g. every
   * property of one task, so a credential with `cache.enabled: false` is
   * minted once per task). Made with {@link createRenderSession}.
   */
  session?: RenderSession;
  /**
   * The tenant and namespace the render acts for: which credentials and
   * secrets `credential()`/`secret()` see. Given by the host, never by the
   * template; without it, the registration's resolver reads it from `ctx`
   * (default `ctx.flow.tenantId`/`ctx.flow.namespace`) once, before rendering.
   */
  scope?: Scope;
}

/** Opaque state shared by the renders of one session. */
export type RenderSession = RenderState;

/** A session for {@link render}'s `session` option. */
export function createRenderSession(
  env: Environment,
  options: {
    onSensitiveValue?: (value: string) => void;
    /**
     * Values that are sensitive before the session starts (a flow's SECRET
     * inputs, secrets earlier tasks produced): what a template derives from
     * them is reported through `onSensitiveValue` too.
     */
    sensitiveValues?: Iterable<string>;
  } = {},
): RenderSession {
  const reg = registrationOf(env);
  if (!reg)
    throw new TemplateError(
      '<session>',
      undefined,
      undefined,
      'call registerCredentials(env, { store }) before rendering',
    );
  return new RenderState(reg.store, options.onSensitiveValue, options.sensitiveValues);
}

/** A render's output and what it handed out. */
export interface RenderResult {
  output: string;
  /** Every value `credential()` and `secret()` returned: mask these. */
  sensitiveValues: string[];
  /** The credentials the render used (to drop their cached tokens after a 401). */
  credentials: UsedCredential[];
}

const MAX_COMPILED = 500;
const compiled = new WeakMap<Environment, Map<string, NjTemplate>>();

/**
 * The compiled template for `src` under `name`, from the environment's
 * cache: the analysis (`credflow validate`, and the checks before a flow
 * runs) and the render share it, so a template is compiled once.
 */
export function templateFor(env: Environment, src: string, name: string): NjTemplate {
  let byEnv = compiled.get(env);
  if (!byEnv) {
    byEnv = new Map();
    compiled.set(env, byEnv);
  }
  const id = `${name}\u0000${src}`;
  let tmpl = byEnv.get(id);
  if (!tmpl) {
    const { Template } = internalsOf(env);
    tmpl = new Template(src, env, name);
    if (byEnv.size >= MAX_COMPILED) byEnv.delete(byEnv.keys().next().value as string);
    byEnv.set(id, tmpl);
  }
  return tmpl;
}

/**
 * Renders a template string asynchronously with `credential()` and
 * `secret()` available, and reports what they returned. Compiled templates
 * are cached per environment. Rejects with a {@link TemplateRenderError}
 * that names the template and line.
 */
export function render(
  env: Environment,
  src: string,
  ctx: Record<string, unknown> = {},
  options: RenderOptions = {},
): Promise<RenderResult> {
  const name = options.name ?? '<string>';
  return renderWith(env, name, ctx, options, (done) => done(null, templateFor(env, src, name)));
}

/**
 * Renders a named template from the environment's loader (e.g. a
 * `FileSystemLoader`), like {@link render}; templates it includes get the
 * same functions and report into the same result.
 */
export function renderTemplate(
  env: Environment,
  name: string,
  ctx: Record<string, unknown> = {},
  options: Omit<RenderOptions, 'name'> = {},
): Promise<RenderResult> {
  return renderWith(env, name, ctx, options, (done) =>
    env.getTemplate(name, false, (err, tmpl) =>
      done(err ?? (tmpl ? null : new Error(`template '${name}' not found`)), tmpl),
    ),
  );
}

/** Gets a template (compiled string or loader template) and renders it with a render frame. */
function renderWith(
  env: Environment,
  name: string,
  ctx: Record<string, unknown>,
  options: Omit<RenderOptions, 'name'>,
  getTemplate: (done: (err: Error | null, tmpl?: NjTemplate | null) => void) => void,
): Promise<RenderResult> {
  const reg = registrationOf(env);
  if (!reg) {
    return Promise.reject(
      new TemplateError(name, undefined, undefined, 'call registerCredentials(env, { store }) before rendering'),
    );
  }
  const state = options.session ?? new RenderState(reg.store, options.onSensitiveValue);
  let frame: RenderFrame;
  try {
    frame = {
      state,
      scope: frameScope(options.scope ?? reg.resolveScope(ctx)),
      budget: new RenderBudget(reg.limits),
      failure: undefined,
    };
  } catch (err) {
    return Promise.reject(new TemplateError(name, undefined, undefined, 'the render scope could not be read', err));
  }
  // A copy of the context: nunjucks writes top-level `set`s into it, and it keys the frame.
  const vars: Record<string, unknown> = { ...ctx };
  bindFrame(vars, frame);
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(toRenderError(err, name, frame, reg.limits));
    try {
      getTemplate((err, tmpl) => {
        if (err || !tmpl) {
          fail(err);
          return;
        }
        try {
          tmpl.render(vars, (e, res) => {
            const output = res ?? '';
            if (!e && output.length > reg.limits.maxOutputBytes) {
              fail(
                frame.budget.reached(
                  'maxOutputBytes',
                  `the output (${output.length} characters) is longer than the limit of ${reg.limits.maxOutputBytes}`,
                ),
              );
            } else if (e) fail(e);
            else
              resolve({
                output,
                sensitiveValues: [...state.values],
                credentials: [...state.credentials.values()],
              });
          });
        } catch (e) {
          fail(e);
        }
      });
    } catch (err) {
      fail(err); // compile errors of a template string
    }
  });
}

/**
 * The render's own copy of the scope the host gave (or the resolver read),
 * its tenant and namespace as strings, empty ones left out; each read once.
 * Built property by property: an object spread of conditional literals
 * (`{ ...(t ? { tenantId } : {}), ...(n ? { namespace } : {}) }`) goes
 * through V8's runtime on every render (the second spread alone cost more
 * than the rest of a plain render in a micro-benchmark on Node 20).
 */
function frameScope(given: Scope): Scope {
  const scope: Scope = {};
  const tenantId = given.tenantId;
  if (tenantId) scope.tenantId = String(tenantId);
  const namespace = given.namespace;
  if (namespace) scope.namespace = String(namespace);
  return scope;
}

/** Like {@link render}, resolving to the output only. */
export async function renderString(
  env: Environment,
  src: string,
  ctx: Record<string, unknown> = {},
  options: RenderOptions = {},
): Promise<string> {
  return (await render(env, src, ctx, options)).output;
}

/** A nunjucks error (compile or render) as a {@link TemplateRenderError}; exported for the analysis. */
export function toRenderError(
  err: unknown,
  name: string,
  frame?: RenderFrame,
  limits?: RenderLimits,
): TemplateRenderError {
  if (frame?.failure) {
    const { error, line, column } = frame.failure;
    const Failed = error instanceof TemplateForbiddenError ? TemplateSandboxError : TemplateError;
    return new Failed(name, line, column, error.message, error);
  }
  const forbidden = asForbiddenError(err);
  if (forbidden) {
    return new TemplateSandboxError(name, forbidden.lineno, forbidden.colno, forbidden.message, forbidden);
  }
  const parsed = parseNunjucksError((err as Error)?.message ?? String(err));
  const limit = limits ? limitErrorOf(err, frame?.budget, limits) : undefined;
  if (limit)
    return new TemplateError(name, limit.line ?? parsed.line, limit.column ?? parsed.column, limit.message, limit);
  return new TemplateError(name, parsed.line, parsed.column, parsed.message, err);
}
