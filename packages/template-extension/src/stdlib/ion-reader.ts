/**
 * `fromIon()`'s parser (ion-js, about 400 kB): imported before the first
 * template that names `fromIon` renders (see ion.ts).
 */
import { type dom, IonTypes, load } from 'ion-js';
import { type Callee, stdlibError } from './arguments.js';
import { setOwnProperty } from './own-property.js';

const callee: Callee = { kind: 'function', name: 'fromIon' };
/** The longest Ion text parsed: ion-js takes over a second per megabyte, and a parse cannot be interrupted. */
export const MAX_ION_TEXT = 1_000_000;

function plain(value: dom.Value | null, depth: number): unknown {
  if (depth > 1000) throw stdlibError(callee, 'the data is nested too deeply');
  if (value === null || value.isNull()) return null;
  switch (value.getType()) {
    case IonTypes.BOOL:
      return value.booleanValue();
    case IonTypes.INT: {
      const big = value.bigIntValue();
      if (big === null) return null;
      return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
    }
    case IonTypes.FLOAT:
    case IonTypes.DECIMAL:
      return value.numberValue();
    case IonTypes.TIMESTAMP:
      return value.timestampValue()?.getDate().toISOString() ?? null;
    case IonTypes.STRING:
    case IonTypes.SYMBOL:
      return value.stringValue();
    case IonTypes.BLOB:
    case IonTypes.CLOB:
      return Buffer.from(value.uInt8ArrayValue() ?? new Uint8Array()).toString('base64');
    case IonTypes.LIST:
    case IonTypes.SEXP:
      return value.elements().map((item) => plain(item, depth + 1));
    case IonTypes.STRUCT: {
      const out: Record<string, unknown> = {};
      for (const [name, field] of value.fields()) {
        setOwnProperty(out, name, plain(field, depth + 1));
      }
      return out;
    }
    default:
      return null;
  }
}

/** Parses Ion text (its first value) into plain data; invalid Ion is an error that quotes none of the text. */
export function parseIon(text: string): unknown {
  if (text.length > MAX_ION_TEXT) throw stdlibError(callee, `the text is longer than ${MAX_ION_TEXT} characters`);
  let value: dom.Value | null;
  try {
    value = load(text);
  } catch (err) {
    throw stdlibError(callee, `invalid ion: ${String((err as Error).message ?? err).split('\n')[0]}`);
  }
  return plain(value, 0);
}
