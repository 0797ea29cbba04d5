import type { Scope } from '@credflow/credentials-core';
import type { ScopeResolver } from './registration.js';
import { frameOf } from './render-frames.js';
import type { RenderFrame } from './render-state.js';

export type { ScopeResolver } from './registration.js';

/** Default: `flow.tenantId` (default `main`) and `flow.namespace` of the render context. */
export const scopeFromFlow: ScopeResolver = (ctx) => {
  const flow = ctx.flow as { tenantId?: unknown; namespace?: unknown } | undefined;
  const scope: Scope = {};
  if (typeof flow?.tenantId === 'string' && flow.tenantId) scope.tenantId = flow.tenantId;
  if (typeof flow?.namespace === 'string' && flow.namespace) scope.namespace = flow.namespace;
  return scope;
};

export type Callback = (err: Error | null, value?: unknown) => void;

interface Keywords {
  __keywords: true;
  [k: string]: unknown;
}

const isKeywords = (v: unknown): v is Keywords =>
  typeof v === 'object' && v !== null && (v as { __keywords?: unknown }).__keywords === true;

export function splitArgs(
  name: string,
  raw: unknown[],
): { cb: Callback; args: unknown[]; kwargs: Record<string, unknown> } {
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
    for (const k of Object.keys(last)) if (k !== '__keywords') kwargs[k] = last[k];
  }
  return { cb: cb as Callback, args, kwargs };
}

export function requireFrame(context: unknown, name: string): RenderFrame {
  const frame = frameOf(context);
  if (frame) return frame;
  throw new Error(
    `${name}() is not available here: it works only in renders made with render()/renderString() of @credflow/template-extension (a synchronous env.renderString() cannot wait for it) and in templates they include or import 'with context' (a template imported without context has no tenant or namespace)`,
  );
}

/**
 * Hands the value to the template. nunjucks continues the template inside
 * `cb`; an error thrown there (after an asynchronous token) would otherwise
 * escape the render as an unhandled rejection, so it is passed back as the
 * render's error.
 */
function deliver(cb: Callback, value: string): void {
  try {
    cb(null, value);
  } catch (err) {
    cb(err as Error);
  }
}

/** Builds the async filters behind `credential()` and `secret()`; the scope is the render's, never the template's. */
export function makeFunctions() {
  const settle = (frame: RenderFrame, line: number, column: number, p: string | Promise<string>, cb: Callback) => {
    // Plain strings, so filters (urlencode, ...) treat them as strings; direct
    // output is marked safe by the rewrite.
    if (typeof p === 'string') {
      cb(null, p);
      return;
    }
    const started = Date.now();
    p.then(
      (v) => {
        frame.budget.waited(Date.now() - started);
        deliver(cb, v);
      },
      (error: Error) => {
        frame.failure ??= { error, line, column };
        cb(error);
      },
    );
  };

  function credential(this: unknown, line: number, column: number, ...raw: unknown[]): void {
    // The usual call, `credential('k')`: no arguments to split.
    if (raw.length === 2 && typeof raw[0] === 'string' && raw[0] !== '' && typeof raw[1] === 'function') {
      const cb = raw[1] as Callback;
      const frame = frameOf(this);
      if (frame !== undefined) {
        try {
          if (frame.state.values.size > 0) refuseSensitive(frame, 'credential', raw[0]);
          settle(frame, line, column, frame.state.credential(raw[0], frame.scope), cb);
        } catch (err) {
          frame.failure ??= { error: err as Error, line, column };
          cb(err as Error);
        }
        return;
      }
    }
    const { cb, args, kwargs } = splitArgs('credential', raw);
    let frame: RenderFrame | undefined;
    try {
      frame = requireFrame(this, 'credential');
      const key = args[0];
      if (typeof key !== 'string' || key === '') {
        throw new Error(`credential() needs a credential key (a non-empty string), got ${describe(key)}`);
      }
      refuseSensitive(frame, 'credential', key);
      if (args.length > 1 || Object.keys(kwargs).some((k) => k !== 'minValidity')) {
        throw new Error(
          "credential() takes exactly one argument, the credential key, and optionally minValidity (e.g. minValidity='PT15M')",
        );
      }
      // SPEC section 3: a token with less than minValidity left is not handed out.
      const { minValidity } = kwargs;
      if (minValidity !== undefined && typeof minValidity !== 'string') {
        throw new Error(
          `credential(): minValidity must be an ISO-8601 duration string such as 'PT15M', got ${describe(minValidity)}`,
        );
      }
      settle(frame, line, column, frame.state.credential(key, frame.scope, minValidity), cb);
    } catch (err) {
      if (frame) frame.failure ??= { error: err as Error, line, column };
      cb(err as Error);
    }
  }

  function secret(this: unknown, line: number, column: number, ...raw: unknown[]): void {
    const { cb, args, kwargs } = splitArgs('secret', raw);
    let frame: RenderFrame | undefined;
    try {
      frame = requireFrame(this, 'secret');
      const name = args[0];
      const subkey = kwargs.subkey ?? args[1];
      if (typeof name !== 'string' || name === '') {
        throw new Error(`secret() needs a secret name (a non-empty string), got ${describe(name)}`);
      }
      refuseSensitive(frame, 'secret', name);
      if (typeof subkey === 'string') refuseSensitive(frame, 'secret', subkey);
      if (subkey !== undefined && typeof subkey !== 'string') {
        throw new Error(`secret(): subkey must be a string, got ${describe(subkey)}`);
      }
      if (args.length > 2 || Object.keys(kwargs).some((k) => k !== 'subkey')) {
        throw new Error('secret() takes a name and an optional subkey');
      }
      settle(frame, line, column, frame.state.secret(name, subkey, frame.scope), cb);
    } catch (err) {
      if (frame) frame.failure ??= { error: err as Error, line, column };
      cb(err as Error);
    }
  }

  return { credential, secret };
}

/**
 * A name built from a token or secret (`secret(secret('A'))`) would be
 * quoted by "not found" messages: refuse it without quoting it.
 */
function refuseSensitive(frame: RenderFrame, fn: string, name: string): void {
  for (const v of frame.state.values) {
    if (name.includes(v)) throw new Error(`${fn}(): the name given holds a token or secret value; pass a literal name`);
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === 'string') return 'an empty string';
  return `a ${typeof v}`;
}
