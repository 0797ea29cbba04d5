import type { Scope } from '@credflow/credentials-core';
import { type RenderFrame, RenderState, STATE_KEY } from './render-state.js';

/** Resolves the scope of a render from its context. */
export type ScopeResolver = (ctx: Record<string, unknown>) => Scope;

/** Default: `flow.tenantId` (default `main`) and `flow.namespace` of the render context. */
export const scopeFromFlow: ScopeResolver = (ctx) => {
  const flow = ctx.flow as { tenantId?: unknown; namespace?: unknown } | undefined;
  const scope: Scope = {};
  if (typeof flow?.tenantId === 'string' && flow.tenantId) scope.tenantId = flow.tenantId;
  if (typeof flow?.namespace === 'string' && flow.namespace) scope.namespace = flow.namespace;
  return scope;
};

type Callback = (err: Error | null, value?: unknown) => void;
type FilterThis = { ctx: Record<string, unknown> };

interface Keywords {
  __keywords: true;
  [k: string]: unknown;
}

const isKeywords = (v: unknown): v is Keywords =>
  typeof v === 'object' && v !== null && (v as { __keywords?: unknown }).__keywords === true;

function splitArgs(name: string, raw: unknown[]): { cb: Callback; args: unknown[]; kwargs: Record<string, unknown> } {
  const cb = raw.at(-1);
  if (typeof cb !== 'function') {
    throw new Error(
      `${name}() cannot be used in this position (nunjucks cannot wait for it here): assign it first with <% set x = ${name}(...) %>`,
    );
  }
  const args = raw.slice(0, -1);
  const last = args.at(-1);
  const kwargs: Record<string, unknown> = {};
  if (isKeywords(last)) {
    args.pop();
    for (const [k, v] of Object.entries(last)) if (k !== '__keywords') kwargs[k] = v;
  }
  return { cb: cb as Callback, args, kwargs };
}

function frameOf(ctx: Record<string, unknown>, name: string): RenderFrame {
  const frame = ctx[STATE_KEY] as RenderFrame | undefined;
  if (frame && frame.state instanceof RenderState) return frame;
  throw new Error(
    `${name}() needs an asynchronous render: use renderString() from @credflow/template-extension (a synchronous env.renderString() cannot wait for a token)`,
  );
}

function fail(ctx: Record<string, unknown>, error: Error, line: number, column: number): void {
  const frame = ctx[STATE_KEY] as RenderFrame | undefined;
  if (frame && frame.state instanceof RenderState) frame.failure ??= { error, line, column };
}

/** Builds the async filters behind `credential()` and `secret()`. */
export function makeFunctions(resolveScope: ScopeResolver) {
  const settle = (frame: RenderFrame, line: number, column: number, p: string | Promise<string>, cb: Callback) => {
    // Plain strings, so filters (urlencode, ...) treat them as strings; direct
    // output is marked safe by the rewrite.
    if (typeof p === 'string') {
      cb(null, p);
      return;
    }
    p.then(
      (v) => cb(null, v),
      (error: Error) => {
        frame.failure ??= { error, line, column };
        cb(error);
      },
    );
  };

  function credential(this: FilterThis, line: number, column: number, ...raw: unknown[]): void {
    const { cb, args, kwargs } = splitArgs('credential', raw);
    try {
      const frame = frameOf(this.ctx, 'credential');
      const key = args[0];
      if (typeof key !== 'string' || key === '') {
        throw new Error(`credential() needs a credential key (a non-empty string), got ${describe(key)}`);
      }
      if (args.length > 1 || Object.keys(kwargs).length > 0) {
        throw new Error(`credential('${key}') takes exactly one argument, the credential key`);
      }
      const scope = resolveScope(this.ctx);
      settle(frame, line, column, frame.state.credential(key, scope), cb);
    } catch (err) {
      fail(this.ctx, err as Error, line, column);
      cb(err as Error);
    }
  }

  function secret(this: FilterThis, line: number, column: number, ...raw: unknown[]): void {
    const { cb, args, kwargs } = splitArgs('secret', raw);
    try {
      const frame = frameOf(this.ctx, 'secret');
      const name = args[0];
      const subkey = kwargs.subkey ?? args[1];
      if (typeof name !== 'string' || name === '') {
        throw new Error(`secret() needs a secret name (a non-empty string), got ${describe(name)}`);
      }
      if (subkey !== undefined && typeof subkey !== 'string') {
        throw new Error(`secret('${name}'): subkey must be a string, got ${describe(subkey)}`);
      }
      settle(frame, line, column, frame.state.secret(name, subkey), cb);
    } catch (err) {
      fail(this.ctx, err as Error, line, column);
      cb(err as Error);
    }
  }

  return { credential, secret };
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === 'string') return 'an empty string';
  return `a ${typeof v}`;
}
