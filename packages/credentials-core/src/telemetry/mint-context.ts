import { AsyncLocalStorage } from 'node:async_hooks';

/** Which flow, execution and task a mint was made for: what the audit log records. */
export interface MintContext {
  flowId?: string;
  /** The flow's namespace (the caller's, which may differ from the credential's). */
  flowNamespace?: string;
  executionId?: string;
  taskId?: string;
}

const storage = new AsyncLocalStorage<MintContext>();

/**
 * Runs `fn` so that mints it causes are attributed to `context` in the
 * audit log. Nested calls add to the outer context (an execution, then
 * one of its tasks). A mint shared by concurrent callers is attributed to
 * the caller that started it.
 */
export function withMintContext<T>(context: MintContext, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer === undefined ? context : { ...outer, ...context }, fn);
}

/** The context of the running code, if any. */
export function currentMintContext(): MintContext | undefined {
  return storage.getStore();
}
