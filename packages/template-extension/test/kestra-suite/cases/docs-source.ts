/**
 * Where the documentation cases come from (kestra-io/docs, read through the
 * search tool's stored copy of the repository; path and commit of the
 * stored version).
 *
 * The pages document a newer Kestra than commit 58c1ca2d0 of the test
 * suite (e.g. the `string` filter, `timestampMilli`, `timestampMicro`
 * returning microseconds): for these cases the page is the reference.
 */

/** "Kestra Expressions Full Reference" (the complete legacy reference of filters, functions, operators, tags, tests). */
export const FULL_REFERENCE =
  'kestra-io/docs src/contents/docs/expressions/99.full-reference/index.md at fb55f8a2501521467b63bcf4fac826375ff66786';

/** "Handle Null and Undefined Values in Kestra". */
export const NULL_VALUES =
  'kestra-io/docs src/contents/docs/15.how-to-guides/null-values/index.md at 0c1f810c3c6ac99e421f6b25e0b01e29503acfd7';

/** `source` of a documentation case: `docs:full-reference§jq (kestra-io/docs ... at <commit>)`. */
export function doc(page: 'full-reference' | 'null-values', section: string): string {
  return `docs:${page}§${section} (${page === 'full-reference' ? FULL_REFERENCE : NULL_VALUES})`;
}
