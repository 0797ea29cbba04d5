import type { FlowConcurrency } from '../execution/flow-concurrency.js';
import type { InputType } from '../inputs/input-types.js';
import type { TemplateSyntax } from './flow-syntax.js';
import type { OutputType } from './output-types.js';
import type { Retry } from './task-properties.js';

/** One task as written in the flow (values may be templates). */
export interface FlowTask {
  id: string;
  type: string;
  description?: string;
  [property: string]: unknown;
}

export interface FlowInput {
  id: string;
  type: InputType;
  defaults?: unknown;
  required?: boolean;
  description?: string;
}

/** A loaded, validated flow. */
export interface Flow {
  id: string;
  namespace: string;
  description?: string;
  inputs: FlowInput[];
  variables: Record<string, unknown>;
  /** Revision as written (Kestra keeps one per saved version). */
  revision?: number;
  /** Labels of every execution (Kestra: a mapping or a list of key/value). */
  labels: Record<string, string>;
  tasks: FlowTask[];
  /** Run after a failure of `tasks`. */
  errors: FlowTask[];
  /** Run after `tasks` (and `errors`), whatever the state. */
  finally: FlowTask[];
  /** Run once the execution's state is known (`execution.state`); they do not change it. */
  afterExecution: FlowTask[];
  /** Declared triggers: checked, not run by `credflow run`. */
  triggers: { id: string; type: string }[];
  /** A disabled flow is not run. */
  disabled: boolean;
  /** The retry of every runnable task that has none (nor a parent task with one). */
  retry?: Retry;
  /** At most `limit` executions of the flow at once in this process (Kestra's flow `concurrency`). */
  concurrency?: FlowConcurrency;
  /** Flow outputs; `type` converts the rendered value (Kestra's output types). */
  outputs: { id: string; value: unknown; type?: OutputType }[];
  /** The template syntax its file is written in, when it holds templates (see `flow-syntax.ts`). */
  syntax?: TemplateSyntax;
  /** Where it came from, for messages. */
  source: { file: string; lineOf(path: (string | number)[]): number | undefined };
}
