import { bindArguments, type Callee, stdlibError, unwrapSafe } from './arguments.js';
import { checkResultLength } from './budget.js';
import { lazyModule } from './lazy-module.js';
import { toYaml } from './yaml-writer.js';

/**
 * `yaml`: the value as YAML text, as Kestra writes it (Jackson's YAML
 * generator: minimal quoting, lists indented by one, no `---`, a line break
 * at the end: `{{ {'a': [1, 2]} | yaml }}` → `a:\n - 1\n - 2\n`); null
 * gives `null`. Numbers print as Java does (`1.0E21`), except that a whole
 * number stays whole (JavaScript cannot tell `1.0` from `1`).
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/YamlFilter.java
 */
export function yamlFilter(this: unknown, input: unknown, ...raw: unknown[]): string {
  const callee: Callee = { kind: 'filter', name: 'yaml' };
  bindArguments(callee, [], raw);
  const text = toYaml(input);
  checkResultLength(this, callee, text.length);
  return text;
}

type Reader = typeof import('./yaml-reader.js');

/** The `yaml` package loads before the first template that names `yaml` (a variable of that name only loads it early). */
export const YAML_READER = lazyModule<Reader>('the YAML parser', /\byaml\b/, () => import('./yaml-reader.js'));

const parse = YAML_READER.fn('yaml()', (m) => (text: unknown) => m.parseYaml(text as string));

/**
 * `yaml(yaml)`: parses YAML text into data a template can read
 * (`yaml('foo: [666, 1, 2]').foo[0]` → `666`), with the `yaml` package
 * (YAML 1.2 core schema: Kestra's Jackson reads the same scalars; unlike
 * Kestra, anchors and aliases work). Anything but text is an error.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/functions/YamlFunction.java
 */
export function yamlFunction(this: unknown, ...raw: unknown[]): unknown {
  const callee: Callee = { kind: 'function', name: 'yaml' };
  const args = bindArguments(callee, ['yaml'], raw);
  if (!args.has('yaml')) throw stdlibError(callee, "expects an argument 'yaml'");
  const text = unwrapSafe(args.get('yaml'));
  if (typeof text !== 'string') throw stdlibError(callee, "expects an argument 'yaml' with type string");
  return parse.call(this, text);
}
