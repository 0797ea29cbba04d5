import type { InputType } from '../inputs/input-types.js';
import type { OutputType } from './output-types.js';

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
  tasks: FlowTask[];
  errors: FlowTask[];
  /** Flow outputs; `type` converts the rendered value (Kestra's output types). */
  outputs: { id: string; value: unknown; type?: OutputType }[];
  /** Where it came from, for messages. */
  source: { file: string; lineOf(path: (string | number)[]): number | undefined };
}
