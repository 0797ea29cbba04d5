/**
 * The `jq` filter as registered: its implementation (jq.ts: the worker, the
 * program checks, jq's messages) is imported at the first call, so a run
 * whose templates never call `jq` does not load it. `jq` is asynchronous
 * already: the import is one more step before the worker.
 */
import { type Callee, stdlibError } from './arguments.js';

type Callback = (err: unknown, value?: unknown) => void;

const callee: Callee = { kind: 'filter', name: 'jq' };

let loading: Promise<typeof import('./jq.js')> | undefined;

/** `jq(expression)`: see jq.ts's `jqFilter`. */
export function jqFilter(this: unknown, input: unknown, ...raw: unknown[]): void {
  const cb = raw.at(-1);
  if (typeof cb !== 'function') {
    throw stdlibError(
      callee,
      'cannot be used here: it is asynchronous (not inside a macro or a set block); apply it outside and pass the value in',
    );
  }
  loading ??= import('./jq.js');
  loading.then(
    (m) => {
      try {
        m.jqFilter.call(this, input, ...raw);
      } catch (err) {
        (cb as Callback)(err);
      }
    },
    (err: unknown) => {
      loading = undefined;
      (cb as Callback)(err);
    },
  );
}
