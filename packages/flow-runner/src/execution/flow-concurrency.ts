/** Kestra's flow `concurrency`: at most `limit` executions of the flow run at once. */
export interface FlowConcurrency {
  limit: number;
  /** What an execution over the limit does: wait its turn (QUEUE), end CANCELLED, or end FAILED. */
  behavior: 'QUEUE' | 'CANCEL' | 'FAIL';
}

interface Slots {
  running: number;
  /** Executions waiting their turn, first come first served. */
  queue: (() => void)[];
}

// Per flow (tenant, namespace, id), for the whole process: a host app's concurrent runFlow calls and the
// subflow executions of one run count alike, as Kestra counts every execution of the flow.
const slots = new Map<string, Slots>();

/** What {@link enterFlowSlot} decided: run (then `release` once ended), or why the execution does not run. */
export type SlotDecision = { release: () => void } | { refused: 'CANCEL' | 'FAIL' | 'KILLED' };

/**
 * Takes one of the `limit` slots of flow `key` for an execution. Over the
 * limit, QUEUE waits for a slot (`onQueued` is told how many run), CANCEL
 * and FAIL refuse at once (Kestra's `ExecutorService.checkConcurrencyLimit`);
 * a cancel (`signal`) while queued refuses with KILLED.
 */
export async function enterFlowSlot(
  key: string,
  concurrency: FlowConcurrency,
  signal: AbortSignal,
  onQueued: (running: number) => void,
): Promise<SlotDecision> {
  let s = slots.get(key);
  if (!s) {
    s = { running: 0, queue: [] };
    slots.set(key, s);
  }
  const flow = s;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    const next = flow.queue.shift();
    if (next)
      next(); // the slot passes to the next in line
    else if (--flow.running === 0) slots.delete(key);
  };
  if (flow.running < concurrency.limit) {
    flow.running++;
    return { release };
  }
  if (concurrency.behavior !== 'QUEUE') return { refused: concurrency.behavior };
  onQueued(flow.running);
  if (signal.aborted) return { refused: 'KILLED' };
  return new Promise<SlotDecision>((resolve) => {
    const turn = () => {
      signal.removeEventListener('abort', onAbort);
      resolve({ release });
    };
    const onAbort = () => {
      flow.queue.splice(flow.queue.indexOf(turn), 1);
      resolve({ refused: 'KILLED' });
    };
    flow.queue.push(turn);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
