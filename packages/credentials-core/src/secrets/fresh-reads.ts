import { AsyncLocalStorage } from 'node:async_hooks';

const fresh = new AsyncLocalStorage<true>();

/** Runs `fn` with every secret read inside it going past the secret caches. */
export function readFresh<T>(fn: () => Promise<T>): Promise<T> {
  return fresh.run(true, fn);
}

/** Whether the current async chain runs under {@link readFresh}. */
export function isFreshRead(): boolean {
  return fresh.getStore() === true;
}
