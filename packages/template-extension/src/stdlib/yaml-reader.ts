/**
 * `yaml(text)`'s parser (the `yaml` package, about 100 kB): imported before
 * the first template that names `yaml` renders (see lazy-yaml.ts).
 */
import { parseAllDocuments } from 'yaml';
import { type Callee, stdlibError } from './arguments.js';
import { toPlainData } from './plain-data.js';

const callee: Callee = { kind: 'function', name: 'yaml' };

/** The first line of a parser's message, without the source excerpt it appends (it may quote data). */
const firstLine = (message: string): string => (message.split('\n')[0] ?? '').replace(/:$/, '');

/**
 * Parses YAML text (its first document) into plain data, with YAML 1.2's
 * core schema: `true`/`false`, `null`/`~`, integers and floats; dates and
 * times stay text. Anchors and aliases are read (at most 100 aliases), a
 * key given twice keeps its last value.
 */
export function parseYaml(text: string): unknown {
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
