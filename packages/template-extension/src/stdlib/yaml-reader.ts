/**
 * `yaml(text)`'s parser (the `yaml` package, about 100 kB): imported before
 * the first template that names `yaml` renders (see lazy-yaml.ts).
 */
import { parseAllDocuments } from 'yaml';
import { type Callee, stdlibError } from './arguments.js';
import { toPlainData } from './plain-data.js';

const callee: Callee = { kind: 'function', name: 'yaml' };

/**
 * The longest YAML text parsed: the `yaml` package takes up to several
 * seconds per megabyte (a key repeated many times is its slowest case), and
 * a parse cannot be interrupted, so a larger text would hold the process
 * past the render's time limit.
 */
export const MAX_YAML_TEXT = 500_000;
/** The longest JSON text `yaml()` reads (JSON is YAML; `JSON.parse` reads 10 MB in a fraction of a second). */
export const MAX_JSON_TEXT = 10_000_000;

const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * A text that is a JSON object or list read as JSON, which YAML 1.2 reads
 * to the same data (a key given twice keeps its last value in both); any
 * other text, {@link NOT_JSON}.
 */
function jsonValue(text: string): unknown {
  if (text.length > MAX_JSON_TEXT) return NOT_JSON;
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The first line of a parser's message, without the source excerpt it appends (it may quote data). */
const firstLine = (message: string): string => (message.split('\n')[0] ?? '').replace(/:$/, '');

/**
 * Parses YAML text (its first document) into plain data, with YAML 1.2's
 * core schema: `true`/`false`, `null`/`~`, integers and floats; dates and
 * times stay text. Anchors and aliases are read (at most 100 aliases), a
 * key given twice keeps its last value.
 */
export function parseYaml(text: string): unknown {
  const json = jsonValue(text);
  if (json !== NOT_JSON) return toPlainData(json);
  if (text.length > MAX_YAML_TEXT) {
    throw stdlibError(
      callee,
      `the text is longer than ${MAX_YAML_TEXT} characters (YAML; a JSON text may have up to ${MAX_JSON_TEXT})`,
    );
  }
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return null;
  const error = doc.errors[0];
  if (error) throw stdlibError(callee, `invalid yaml: ${firstLine(error.message)}`);
  try {
    return toPlainData(doc.toJS({ maxAliasCount: 100 }));
  } catch (err) {
    throw stdlibError(callee, `invalid yaml: ${firstLine((err as Error).message)}`);
  }
}
