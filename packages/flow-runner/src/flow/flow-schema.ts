import { formatPath, NAMESPACE_PATTERN, parseDuration } from '@credflow/credentials-core/internal';
import { z } from 'zod';
import {
  coerceInput,
  compileValidator,
  INPUT_TYPES,
  type InputType,
  ITEM_TYPES,
  parseDate,
  parseInstant,
  parseTime,
} from '../inputs/input-types.js';
import type { TaskType } from '../tasks/task-type.js';
import { OUTPUT_TYPES } from './output-types.js';
import { commonTaskFields, retrySchema } from './task-properties.js';
import { walkTasks } from './walk-tasks.js';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const id = (what: string) =>
  z.string({ error: `expected a ${what} id` }).regex(ID_PATTERN, `${what} ids use letters, digits, '_' and '-'`);

/** Which type-specific input properties go with which types. */
const INPUT_PROPERTY_TYPES: Record<string, readonly InputType[]> = {
  values: ['SELECT', 'ENUM', 'MULTISELECT'],
  options: ['MULTISELECT'],
  allowCustomValue: ['SELECT', 'MULTISELECT'],
  min: ['INT', 'FLOAT', 'DURATION'],
  max: ['INT', 'FLOAT', 'DURATION'],
  after: ['DATETIME', 'DATE', 'TIME'],
  before: ['DATETIME', 'DATE', 'TIME'],
  itemType: ['ARRAY', 'MULTISELECT'],
  validator: ['STRING'],
};

const inputSchema = z
  .strictObject({
    id: id('input'),
    type: z.enum(INPUT_TYPES, { error: `unknown input type: expected one of ${INPUT_TYPES.join(', ')}` }),
    defaults: z.unknown().optional(),
    prefill: z.unknown().optional(),
    required: z.boolean().optional(),
    description: z.string().optional(),
    displayName: z.string().optional(),
    values: z.array(z.string({ error: 'expected text values' })).optional(),
    options: z.array(z.string({ error: 'expected text values' })).optional(),
    allowCustomValue: z.boolean().optional(),
    isRadio: z.boolean().optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    after: z.string().optional(),
    before: z.string().optional(),
    validator: z.string().optional(),
    itemType: z.enum(INPUT_TYPES, { error: `unknown item type: expected one of ${ITEM_TYPES.join(', ')}` }).optional(),
  })
  .superRefine((input, ctx) => {
    for (const [prop, types] of Object.entries(INPUT_PROPERTY_TYPES)) {
      if ((input as Record<string, unknown>)[prop] !== undefined && !types.includes(input.type))
        ctx.addIssue({ code: 'custom', path: [prop], message: `only for inputs of type ${types.join(', ')}` });
    }
    if (input.isRadio !== undefined && input.type !== 'SELECT')
      ctx.addIssue({ code: 'custom', path: ['isRadio'], message: 'only for inputs of type SELECT' });
    if ((input.type === 'SELECT' || input.type === 'ENUM') && input.values === undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `required for a ${input.type} input` });
    if (input.type === 'MULTISELECT') {
      if (input.values !== undefined && input.options !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['options'],
          message: "use 'values' ('options' is its deprecated name), not both",
        });
      else if (input.values === undefined && input.options === undefined)
        ctx.addIssue({ code: 'custom', path: ['values'], message: 'required for a MULTISELECT input' });
      if (input.itemType !== undefined && input.itemType !== 'STRING')
        ctx.addIssue({ code: 'custom', path: ['itemType'], message: 'a MULTISELECT input has STRING items' });
    }
    if (input.type === 'ARRAY') {
      if (input.itemType === undefined)
        ctx.addIssue({ code: 'custom', path: ['itemType'], message: 'required for an ARRAY input' });
      else if (!ITEM_TYPES.includes(input.itemType))
        ctx.addIssue({
          code: 'custom',
          path: ['itemType'],
          message: `cannot be ${input.itemType}: expected one of ${ITEM_TYPES.join(', ')}`,
        });
    }
    for (const bound of ['min', 'max'] as const) {
      const value = input[bound];
      if (value === undefined) continue;
      if (input.type === 'DURATION' && (typeof value !== 'string' || parseDuration(value) === undefined))
        ctx.addIssue({ code: 'custom', path: [bound], message: 'expected an ISO-8601 duration, such as PT10S' });
      if ((input.type === 'INT' || input.type === 'FLOAT') && typeof value !== 'number')
        ctx.addIssue({ code: 'custom', path: [bound], message: 'expected a number' });
    }
    const key = (b: number | string) => (typeof b === 'number' ? b : (parseDuration(b) ?? Number.NaN));
    if (input.min !== undefined && input.max !== undefined && key(input.min) > key(input.max))
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'is greater than max' });
    for (const bound of ['after', 'before'] as const) {
      const text = input[bound];
      if (text === undefined || !['DATETIME', 'DATE', 'TIME'].includes(input.type)) continue;
      const parse = input.type === 'DATETIME' ? parseInstant : input.type === 'DATE' ? parseDate : parseTime;
      if (parse(text) === undefined)
        ctx.addIssue({ code: 'custom', path: [bound], message: `is not a valid ${input.type} value` });
    }
    if (input.validator !== undefined && input.type === 'STRING') {
      try {
        compileValidator(input.validator);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['validator'], message: (err as Error).message });
        return;
      }
    }
    if (input.defaults !== undefined && input.prefill !== undefined)
      ctx.addIssue({ code: 'custom', path: ['prefill'], message: "use 'defaults' or 'prefill', not both" });
    // Kestra (FileInputValidation): a FILE is given with each run, never by the flow.
    if (input.type === 'FILE') {
      for (const key of ['defaults', 'prefill'] as const) {
        if (input[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `no '${key}' can be set for inputs of type FILE` });
      }
      return;
    }
    for (const key of ['defaults', 'prefill'] as const) {
      const value = input[key];
      if (value === undefined || value === null) continue;
      try {
        coerceInput(input.type, value, input);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `does not fit type ${input.type}: ${(err as Error).message}`,
        });
      }
    }
  });

const labelValue = z.union([z.string(), z.number(), z.boolean()]);

/** `pluginDefaults` / `taskDefaults` entries. */
const pluginDefaultsSchema = z.array(
  z.strictObject({
    type: z.string({ error: 'expected a task type (or a package prefix of task types)' }),
    values: z.record(z.string(), z.unknown()),
    forced: z.boolean().optional(),
  }),
);

/** Triggers are read and checked, not run: an id, a type and the trigger's own properties. */
const triggerSchema = z.looseObject({
  id: id('trigger'),
  type: z
    .string({ error: 'expected a trigger type' })
    .regex(
      /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)+$/,
      'expected a trigger type (e.g. io.kestra.plugin.core.trigger.Schedule)',
    ),
  description: z.string().optional(),
  disabled: z.boolean().optional(),
});

/** Builds the schema of one task (nested tasks included) for the given task types. */
export function buildTaskSchema(tasks: readonly TaskType[]): z.ZodType {
  const names = tasks.map((t) => t.type);
  const lazy: z.ZodType = z.lazy(() => task);
  const task: z.ZodType = z.discriminatedUnion(
    'type',
    tasks.map((t) =>
      z.strictObject({
        id: id('task'),
        type: z.literal([t.type, ...(t.aliases ?? [])]),
        ...commonTaskFields,
        ...(t.taskLists ? { errors: z.array(lazy).optional() } : {}),
        ...(typeof t.fields === 'function' ? t.fields(lazy) : t.fields),
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
  return task;
}

/** Builds the flow schema for the given task types. */
export function buildFlowSchema(tasks: readonly TaskType[]) {
  const task = buildTaskSchema(tasks);
  return z.strictObject({
    id: id('flow'),
    namespace: z.string().regex(NAMESPACE_PATTERN, 'namespaces are dot-separated names (e.g. company.team)'),
    description: z.string().optional(),
    revision: z.number().int().min(1).optional(),
    disabled: z.boolean().optional(),
    /** Kestra's flow-level retry: the retry of every runnable task that has none of its own or of a parent's. */
    retry: retrySchema.optional(),
    concurrency: z
      .strictObject({
        limit: z.number({ error: 'expected a number of executions' }).int().min(1, 'at least 1 execution'),
        behavior: z
          .enum(['QUEUE', 'CANCEL', 'FAIL'], { error: 'expected one of QUEUE, CANCEL, FAIL' })
          .default('QUEUE'),
      })
      .optional(),
    labels: z
      .union([z.record(z.string(), labelValue), z.array(z.strictObject({ key: z.string(), value: labelValue }))])
      .optional(),
    inputs: z.array(inputSchema).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    tasks: z.array(task).min(1, 'a flow needs at least one task'),
    errors: z.array(task).optional(),
    finally: z.array(task).optional(),
    afterExecution: z.array(task).optional(),
    pluginDefaults: pluginDefaultsSchema.optional(),
    taskDefaults: pluginDefaultsSchema.optional(),
    triggers: z.array(triggerSchema).optional(),
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
  // Task ids are unique across the flow, nested tasks included (Kestra addresses outputs by task id).
  walkTasks(flow, (t, path) => {
    const tid = idOf(t);
    if (tid === undefined) return;
    const first = seen.get(tid);
    if (first) out.push({ path: [...path, 'id'], message: `duplicate task id '${tid}' (first used at ${first})` });
    else seen.set(tid, formatPath(path));
  });
  const triggers = new Set<string>();
  for (const [i, t] of (Array.isArray(flow.triggers) ? (flow.triggers as unknown[]) : []).entries()) {
    const tid = idOf(t);
    if (tid === undefined) continue;
    if (triggers.has(tid)) out.push({ path: ['triggers', i, 'id'], message: `duplicate trigger id '${tid}'` });
    triggers.add(tid);
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
