import { type CredentialStore, CredflowError, type Scope } from '@credflow/credentials-core';
import type { z } from 'zod';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What a running task may use. */
export interface TaskContext {
  taskId: string;
  log(level: LogLevel, message: string): void;
  store: CredentialStore;
  /** The execution's scope (tenant, namespace), for a task that looks a credential up (Request's `auth.mtls`). */
  scope?: Scope;
  /** Aborted when the execution is cancelled. */
  signal: AbortSignal;
}

/**
 * A task failure with a message meant for the user. A problem with one
 * property names it (`property`, e.g. `uri` or `options.timeout`) and says
 * what is wrong, never quoting the rendered value: a value cut short or
 * quoted from a template can hold part of a secret no masker recognises.
 */
export class TaskError extends CredflowError {
  readonly code = 'ERR_TASK_FAILED';
  /** The property at fault, as a dotted path below the task, when there is one. */
  readonly property: string | undefined;
  /** What is wrong, without the property name. */
  readonly reason: string;

  constructor(message: string, options?: { cause?: unknown; property?: string }) {
    super(options?.property ? `${options.property}: ${message}` : message, { cause: options?.cause });
    this.property = options?.property;
    this.reason = message;
  }
}

/**
 * A task type. `fields` validates the task as written (values may still be
 * templates); `run` gets the properties after rendering.
 */
export interface TaskType {
  /** Kestra type name, e.g. `io.kestra.plugin.core.log.Log`. */
  readonly type: string;
  /** Other names accepted for the type (older Kestra names). */
  readonly aliases?: readonly string[];
  readonly fields: z.ZodRawShape;
  run(props: Record<string, unknown>, ctx: TaskContext): Promise<Record<string, unknown>>;
  /** Whether outputs show the API refused the credentials (HTTP 401), so fresh ones are worth one retry. */
  unauthorized?(outputs: Record<string, unknown>): boolean;
  /** Fails the task from its outputs (e.g. a non-2xx response) after any retry. */
  check?(outputs: Record<string, unknown>, props: Record<string, unknown>): void;
}
