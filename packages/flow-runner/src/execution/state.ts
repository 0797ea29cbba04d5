/** Kestra's states of an execution and of its task runs. */
/** CANCELLED: an execution its flow's `concurrency` (behavior CANCEL) did not let run. */
export const STATES = ['CREATED', 'RUNNING', 'SUCCESS', 'WARNING', 'FAILED', 'SKIPPED', 'KILLED', 'CANCELLED'] as const;
export type State = (typeof STATES)[number];

/** Whether a state is final. */
export function isTerminated(state: State): boolean {
  return state !== 'CREATED' && state !== 'RUNNING';
}

/**
 * The state of a group of task runs as Kestra computes it
 * (`Execution.guessFinalState`): KILLED, else FAILED, else WARNING, else
 * SUCCESS; `allowFailure` turns FAILED into WARNING (SUCCESS with
 * `allowWarning`), `allowWarning` turns WARNING into SUCCESS.
 */
export function guessFinalState(
  states: readonly State[],
  allowFailure = false,
  allowWarning = false,
): 'SUCCESS' | 'WARNING' | 'FAILED' | 'KILLED' {
  const state = states.includes('KILLED')
    ? 'KILLED'
    : states.includes('FAILED')
      ? 'FAILED'
      : states.includes('WARNING')
        ? 'WARNING'
        : 'SUCCESS';
  if (state === 'FAILED' && allowFailure) return allowWarning ? 'SUCCESS' : 'WARNING';
  if (state === 'WARNING' && allowWarning) return 'SUCCESS';
  return state;
}

/** Whether a task run in this state stops the tasks after it (Kestra: a failed or killed sibling). */
export function isFailure(state: State): boolean {
  return state === 'FAILED' || state === 'KILLED';
}
