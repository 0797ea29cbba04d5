/** Kestra's flow `concurrency`: at most `limit` executions of the flow run at once. */
export interface FlowConcurrency {
  limit: number;
  /** What an execution over the limit does: wait its turn (QUEUE), end CANCELLED, or end FAILED. */
  behavior: 'QUEUE' | 'CANCEL' | 'FAIL';
}

interface Slots {
  running: number;
  /** The executions holding a slot, by id (an execution without an id holds one too, unnamed). */
  holders: Set<string>;
  /** Executions waiting their turn, first come first served. */
  queue: (() => void)[];
}

// Per flow (tenant, namespace, id), for the whole process: a host app's concurrent runFlow calls and the
// subflow executions of one run count alike, as Kestra counts every execution of the flow.
const slots = new Map<string, Slots>();

/**
 * What {@link enterFlowSlot} decided: run (then `release` once ended), or why
 * the execution does not run. `DEADLOCK`: every slot is held by an execution
 * that waits for this one (a flow that calls itself as a subflow, or two that
 * call each other), so queueing would never end.
 */
export type SlotDecision = { release: () => void } | { refused: 'CANCEL' | 'FAIL' | 'KILLED' | 'DEADLOCK' };

/** Who asks for a slot: its execution id, and the ids of the executions waiting for it to end (its parents). */
export interface SlotClaimant {
  id: string;
  ancestors: ReadonlySet<string>;
}

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
  claimant: SlotClaimant = { id: '', ancestors: new Set() },
): Promise<SlotDecision> {
  let s = slots.get(key);
  if (!s) {
    s = { running: 0, holders: new Set(), queue: [] };
    slots.set(key, s);
  }
  const flow = s;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    flow.holders.delete(claimant.id);
    const next = flow.queue.shift();
    if (next)
      next(); // the slot passes to the next in line
    else if (--flow.running === 0) slots.delete(key);
  };
  if (flow.running < concurrency.limit) {
    flow.running++;
    if (claimant.id) flow.holders.add(claimant.id);
    return { release };
  }
  if (concurrency.behavior !== 'QUEUE') return { refused: concurrency.behavior };
  // Every slot held by an execution that waits for this one: the queue would never move.
  if (flow.holders.size === flow.running && [...flow.holders].every((h) => claimant.ancestors.has(h))) {
    return { refused: 'DEADLOCK' };
  }
  onQueued(flow.running);
  if (signal.aborted) return { refused: 'KILLED' };
  return new Promise<SlotDecision>((resolve) => {
    const turn = () => {
      signal.removeEventListener('abort', onAbort);
      if (claimant.id) flow.holders.add(claimant.id);
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
