import { isMap, parseDocument } from 'yaml';
import { DefinitionError, type FieldIssue } from './ui-errors.js';

/** What the page sends for a definition: values from its widgets, and YAML text for what it edits as YAML. */
export interface DefinitionInput {
  definition?: unknown;
  /** Per field: the value as YAML text (empty: remove the field). */
  yamlFields?: unknown;
  /** More fields as one YAML mapping (the fields the form has no widget for). */
  otherYaml?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function parseYaml(text: string, path: string, issues: FieldIssue[]): { value: unknown } | undefined {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    const first = doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML';
    issues.push({ path, message: `not valid YAML: ${first}` });
    return undefined;
  }
  return { value: doc.toJSON() };
}

/** The definition the page means: its values, with the YAML-edited fields parsed and merged in. */
export function definitionFrom(input: DefinitionInput): Record<string, unknown> {
  if (!isRecord(input.definition))
    throw new DefinitionError([{ path: '', message: 'the definition must be an object' }]);
  const def: Record<string, unknown> = { ...input.definition };
  const issues: FieldIssue[] = [];
  if (input.yamlFields !== undefined) {
    if (!isRecord(input.yamlFields)) throw new DefinitionError([{ path: '', message: 'yamlFields must be an object' }]);
    for (const [field, text] of Object.entries(input.yamlFields)) {
      if (typeof text !== 'string') {
        issues.push({ path: field, message: 'expected YAML text' });
        continue;
      }
      if (text.trim() === '') {
        delete def[field];
        continue;
      }
      const parsed = parseYaml(text, field, issues);
      if (parsed) def[field] = parsed.value;
    }
  }
  if (input.otherYaml !== undefined) {
    if (typeof input.otherYaml !== 'string')
      throw new DefinitionError([{ path: 'otherYaml', message: 'expected YAML text' }]);
    if (input.otherYaml.trim() !== '') {
      const doc = parseDocument(input.otherYaml, { uniqueKeys: true });
      if (doc.errors.length || !isMap(doc.contents)) {
        issues.push({
          path: 'otherYaml',
          message: doc.errors.length
            ? `not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`
            : 'expected fields as `name: value` lines',
        });
      } else {
        for (const [k, v] of Object.entries(doc.toJSON() as Record<string, unknown>)) {
          if (Object.hasOwn(def, k))
            issues.push({ path: 'otherYaml', message: `'${k}' is also set in the form above` });
          else def[k] = v;
        }
      }
    }
  }
  if (issues.length) throw new DefinitionError(issues);
  return def;
}
