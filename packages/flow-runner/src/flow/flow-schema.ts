import { NAMESPACE_PATTERN } from '@credflow/credentials-core/internal';
import { z } from 'zod';
import { coerceInput, INPUT_TYPES } from '../inputs/input-types.js';
import type { TaskType } from '../tasks/task-type.js';
import { OUTPUT_TYPES } from './output-types.js';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const id = (what: string) =>
  z.string({ error: `expected a ${what} id` }).regex(ID_PATTERN, `${what} ids use letters, digits, '_' and '-'`);

const inputSchema = z
  .strictObject({
    id: id('input'),
    type: z.enum(INPUT_TYPES, { error: `unknown input type: expected one of ${INPUT_TYPES.join(', ')}` }),
    defaults: z.unknown().optional(),
    required: z.boolean().optional(),
    description: z.string().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.defaults === undefined || input.defaults === null) return;
    try {
      coerceInput(input.type, input.defaults);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaults'],
        message: `does not fit type ${input.type}: ${(err as Error).message}`,
      });
    }
  });

/** Builds the flow schema for the given task types. */
export function buildFlowSchema(tasks: readonly TaskType[]) {
  const names = tasks.map((t) => t.type);
  const task = z.discriminatedUnion(
    'type',
    tasks.map((t) =>
      z.strictObject({
        id: id('task'),
        type: z.literal([t.type, ...(t.aliases ?? [])]),
        description: z.string().optional(),
        ...t.fields,
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
    {
      error: (iss) => {
        if (iss.code === 'invalid_union') return `unknown task type: expected one of ${names.join(', ')}`;
        if (iss.code === 'invalid_type') return 'expected a task (a mapping with id and type)';
        return undefined;
      },
    },
  );
  return z.strictObject({
    id: id('flow'),
    namespace: z.string().regex(NAMESPACE_PATTERN, 'namespaces are dot-separated names (e.g. company.team)'),
    description: z.string().optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    inputs: z.array(inputSchema).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    tasks: z.array(task).min(1, 'a flow needs at least one task'),
    errors: z.array(task).optional(),
    outputs: z
      .array(
        z.strictObject({
          id: id('output'),
          type: z
            .enum(OUTPUT_TYPES, { error: `unknown output type: expected one of ${OUTPUT_TYPES.join(', ')}` })
            .optional(),
          value: z.unknown(),
          description: z.string().optional(),
        }),
      )
      .optional(),
  });
}

/**
 * Duplicate task and input ids, found on the raw flow so they are reported
 * together with every other problem (zod skips refinements of invalid data).
 */
export function duplicateIds(raw: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const flow = (raw ?? {}) as Record<string, unknown>;
  const idOf = (v: unknown) =>
    v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : undefined;
  const seen = new Map<string, string>();
  for (const list of ['tasks', 'errors'] as const) {
    const items = Array.isArray(flow[list]) ? (flow[list] as unknown[]) : [];
    for (const [i, t] of items.entries()) {
      const tid = idOf(t);
      if (tid === undefined) continue;
      const first = seen.get(tid);
      if (first) out.push({ path: [list, i, 'id'], message: `duplicate task id '${tid}' (first used at ${first})` });
      else seen.set(tid, `${list}[${i}]`);
    }
  }
  const inputs = new Set<string>();
  for (const [i, input] of (Array.isArray(flow.inputs) ? (flow.inputs as unknown[]) : []).entries()) {
    const id = idOf(input);
    if (id === undefined) continue;
    if (inputs.has(id)) out.push({ path: ['inputs', i, 'id'], message: `duplicate input id '${id}'` });
    inputs.add(id);
  }
  return out;
}

export type ParsedFlow = z.output<ReturnType<typeof buildFlowSchema>>;
