import { type Context, context, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { type MintContext, withMintContext } from './mint-context.js';
import { failSpan, SPAN, tracer } from './tracing.js';

/** The execution a runner is starting. */
export interface ExecutionInfo {
  flowId: string;
  namespace: string;
  tenantId: string;
  executionId: string;
}

/**
 * The span of one flow execution and the context its tasks run in, so a
 * trace reads execution → task → mint → HTTP and the audit log names the
 * flow, execution and task of each mint.
 */
export interface ExecutionTrace {
  /** Runs one task in a `credflow.task` span (ERROR when the task run's `state` is `FAILED`). */
  task<T extends { state: string }>(task: { taskId: string; type: string }, fn: () => Promise<T>): Promise<T>;
  /** Runs other work of the execution (rendering its outputs) inside its span and context. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends the execution's span. */
  end(state: string): void;
}

/** Opens the `credflow.flow.execution` span, a child of the caller's active span. */
export function startExecutionTrace(info: ExecutionInfo): ExecutionTrace {
  const span = tracer().startSpan(SPAN.execution, {
    attributes: {
      [ATTR.flowId]: info.flowId,
      [ATTR.flowNamespace]: info.namespace,
      [ATTR.tenant]: info.tenantId,
      [ATTR.executionId]: info.executionId,
    },
  });
  const ctx: Context = trace.setSpan(context.active(), span);
  const ids: MintContext = { flowId: info.flowId, flowNamespace: info.namespace, executionId: info.executionId };
  return {
    task: (task, fn) =>
      context.with(ctx, () =>
        withMintContext({ ...ids, taskId: task.taskId }, () =>
          tracer().startActiveSpan(
            SPAN.task,
            { attributes: { [ATTR.taskId]: task.taskId, [ATTR.taskType]: task.type } },
            async (taskSpan) => {
              try {
                const run = await fn();
                if (run.state === 'FAILED') failSpan(taskSpan, 'TASK_FAILED');
                else {
                  taskSpan.setAttribute(ATTR.outcome, 'success');
                  taskSpan.setStatus({ code: SpanStatusCode.OK });
                }
                return run;
              } catch (err) {
                failSpan(taskSpan, 'TASK_FAILED');
                throw err;
              } finally {
                taskSpan.end();
              }
            },
          ),
        ),
      ),
    run: (fn) => context.with(ctx, () => withMintContext(ids, fn)),
    end: (state) => {
      if (state === 'SUCCESS') {
        span.setAttribute(ATTR.outcome, 'success');
        span.setStatus({ code: SpanStatusCode.OK });
      } else failSpan(span, 'FLOW_FAILED');
      span.end();
    },
  };
}
