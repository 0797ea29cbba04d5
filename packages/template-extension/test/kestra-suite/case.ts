/**
 * Kestra compatibility suite: the shape of a case and the helpers that name
 * where it comes from.
 *
 * Every case is data: the template exactly as Kestra's test (or Kestra's
 * documentation) writes it, in Pebble syntax (`{{ }}` / `{% %}`), the
 * context it renders with (as JSON), and what Kestra asserts about the
 * result. The runner (kestra-suite.test.ts) renders each template on a
 * Pebble-syntax credflow environment with strict variables and compares.
 *
 * Reference: kestra-io/kestra at commit 58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a
 * (2024-12-20), `core/src/test/java/io/kestra/core/runners/pebble/**`.
 *
 * Context values: Kestra's tests pass Java objects; here the context is the
 * JSON Kestra itself writes for them (Jackson, `JacksonMapper`: dates as ISO
 * strings, `WRITE_DATES_AS_TIMESTAMPS` off, with the JVM's default zone taken
 * as UTC). Where a Java test builds a date with `withZoneSameLocal(ZoneId
 * .systemDefault())`, the expected text is computed for a JVM running in UTC.
 */

/** One assertion on the rendered text, as the Java test makes it with a Hamcrest matcher. */
export type Matcher =
  /** `is(...)`: the whole output. */
  | { is: string }
  /** `containsString(...)`. */
  | { contains: string }
  /** `startsWith(...)`. */
  | { startsWith: string }
  /** `endsWith(...)`. */
  | { endsWith: string }
  /** A regular expression the output matches (shape of a random or time-dependent value). */
  | { matches: RegExp }
  /** `render.equals(x)` is false. */
  | { not: string }
  /** `!rendered.isEmpty()`. */
  | { notEmpty: true }
  /** `render.split(separator).length` is `count` (Java's `String.split` with a literal separator). */
  | { splitCount: { separator: string; count: number } }
  /** `JacksonMapper.ofJson().readValue(render, List)` then `hasItems(...)`. */
  | { jsonHasItems: unknown[] }
  /** `Integer.parseInt(rendered)` is within `[min, max]`. */
  | { intBetween: { min: number; max: number } }
  /**
   * The output contains (`contains: true`) or is (`contains: false`) the
   * current date/time formatted with `format` (`yyyy-MM-dd` or `HH:mm`) in
   * `timeZone` (default: the process's zone), read just before and just after
   * the render (either matches, so a minute or day boundary does not flake).
   */
  | { now: { format: 'yyyy-MM-dd' | 'HH:mm'; timeZone?: string; contains: boolean } }
  /**
   * The output with leading and trailing whitespace removed is this text.
   * Only for documentation examples whose page shows the output without the
   * template's own line breaks and indentation.
   */
  | { trimmedIs: string };

export interface KestraCase {
  /** filters, functions, tests, expressions, renderer, renderer-recursive, docs. */
  group: string;
  /** `<TestClass>#<method> (core/src/test/java/.../X.java)`, or the documentation page and section. */
  source: string;
  /** The template, exactly as the Java test (or the page) has it, Pebble delimiters. */
  template: string;
  /** The render context, as JSON. */
  vars?: Record<string, unknown>;
  /** The exact output Kestra's test asserts, or its matchers. */
  expected?: string | Matcher | Matcher[];
  /** Kestra asserts that rendering throws. */
  expectedError?: true;
  /** Kestra asserts the exception message contains this. */
  errorContains?: string;
  /**
   * A Kestra setting the Java test runs under (RecursivePebbleVariableRendererTest:
   * `kestra.variables.recursive-rendering=true`). credflow has no such setting;
   * the runner renders these cases as usual.
   */
  kestraSetting?: string;
  /** How this port differs from the source's text, if at all. */
  note?: string;
}

/** A case with its id, as the runner sees it. */
export interface IdentifiedCase extends KestraCase {
  /** `<TestClass>#<method>` (Kestra test) or `docs:<section>`, with `/<n>` when the method has several renders. */
  id: string;
}

const TEST_ROOT = 'core/src/test/java/io/kestra/core/runners/pebble';

/**
 * `source` of a case from Kestra's tests: `src('filters/JqFilterTest', 'map')`
 * is `JqFilterTest#map (core/src/test/java/io/kestra/core/runners/pebble/filters/JqFilterTest.java)`.
 */
export function src(classPath: string, method: string): string {
  const className = classPath.slice(classPath.lastIndexOf('/') + 1);
  return `${className}#${method} (${TEST_ROOT}/${classPath}.java)`;
}

/** The id part of a source: `JqFilterTest#map`, or `docs:<page>§<section>`. */
export function baseId(source: string): string {
  const paren = source.indexOf(' (');
  return paren === -1 ? source : source.slice(0, paren);
}

/**
 * Gives each case its id: the source's test method (or doc section), with
 * `/1`, `/2`, ... in the order of the Java test when a method renders more
 * than once. Ids are unique; the runner checks it.
 */
export function identify(cases: KestraCase[]): IdentifiedCase[] {
  const totals = new Map<string, number>();
  for (const c of cases) totals.set(baseId(c.source), (totals.get(baseId(c.source)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const base = baseId(c.source);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...c, id: totals.get(base) === 1 ? base : `${base}/${n}` };
  });
}
