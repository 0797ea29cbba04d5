import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

/**
 * Every field name an object schema anywhere inside `schema` accepts: the
 * vocabulary "did you mean" suggests from when a file has an unknown field
 * (`tokenEndpiont`, `clientID`).
 */
export function schemaKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (s: z.ZodType | undefined): void => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    const def = (s as unknown as { _zod?: { def?: Def } })._zod?.def;
    if (!def) return;
    if (def.shape) {
      for (const [k, v] of Object.entries(def.shape)) {
        keys.add(k);
        walk(v);
      }
    }
    for (const o of def.options ?? []) walk(o);
    walk(def.valueType);
    walk(def.element);
    walk(def.innerType);
    walk(def.in);
    walk(def.out);
    walk(def.left);
    walk(def.right);
    // z.lazy(): the schema it stands for, built once (calling def.getter would build another).
    if (def.type === 'lazy') walk((s as unknown as { _zod: { innerType?: z.ZodType } })._zod.innerType);
  };
  walk(schema);
  return keys;
}
