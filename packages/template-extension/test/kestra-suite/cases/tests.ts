/**
 * Kestra compatibility suite, group `tests` (Pebble tests: `is defined`,
 * `is empty`, `is json`, `is map`, ...).
 *
 * Kestra's test suite at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a)
 * has no test class for Pebble tests (core/src/main/.../pebble/tests/JsonTest.java
 * has none under core/src/test/.../pebble/); these cases are the examples of
 * the "Test" section and of the `is`/logic operators of Kestra's expressions
 * documentation, kestra-io/docs src/contents/docs/expressions/99.full-reference/index.md
 * at fb55f8a2501521467b63bcf4fac826375ff66786 (see docs.ts for how the pages'
 * examples become assertions).
 *
 * Each example is an `{% if <test> %}\n\t...\n{% endif %}` block: the page's
 * claim is that the condition holds, so Kestra renders the block's body,
 * "\n\t...\n" (Pebble's newLineTrimming is off in Kestra). Where the page's
 * example reads a variable it does not give, the case gives one (`note`).
 */
import type { KestraCase } from '../case.js';
import { doc } from './docs-source.js';

const g = 'tests';
const ref = (section: string) => doc('full-reference', section);
const BODY = '\n\t...\n';

export const tests: KestraCase[] = [
  // Operators: is, not, logic
  { group: g, source: ref('is'), template: '{% if 2 is even %}\n\t...\n{% endif %}', expected: BODY },
  { group: g, source: ref('is'), template: '{% if 3 is not even %}\n\t...\n{% endif %}', expected: BODY },
  { group: g, source: ref('logic'), template: '{% if 2 is even and 3 is odd %}\n\t...\n{% endif %}', expected: BODY },
  {
    group: g,
    source: ref('logic'),
    template: '{% if (3 is not even) and (2 is odd or 3 is even) %}\n\t...\n{% endif %}',
    expected: '',
    note: 'the condition is false (2 is not odd, 3 is not even): nothing renders',
  },
  // Tag if
  {
    group: g,
    source: ref('if'),
    template:
      '{% if users is empty %}\n    No users available.\n{% elseif users.length == 1 %}\n    One user found.\n{% else %}\n    Multiple users found.\n{% endif %}',
    vars: { users: [] },
    expected: '\n    No users available.\n',
    note: 'context given here (an empty list)',
  },
  // Test section
  { group: g, source: ref('defined'), template: '{% if missing is not defined %}\n\t...\n{% endif %}', expected: BODY },
  {
    group: g,
    source: ref('empty'),
    template: '{% if user.email is empty %}\n\t...\n{% endif %}',
    vars: { user: { email: '' } },
    expected: BODY,
    note: 'context given here (an empty string)',
  },
  { group: g, source: ref('even'), template: '{% if 2 is even %}\n\t...\n{% endif %}', expected: BODY },
  {
    group: g,
    source: ref('iterable'),
    template: '{% if users is iterable %}\n\t{% for user in users %}\n\t\t...\n\t{% endfor %}\n{% endif %}',
    vars: { users: ['a'] },
    expected: '\n\t\n\t\t...\n\t\n',
    note: 'context given here (a one-item list)',
  },
  { group: g, source: ref('json'), template: `{% if '{"test": 1}' is json %}\n\t...\n{% endif %}`, expected: BODY },
  {
    group: g,
    source: ref('map'),
    template: '{% if {"apple":"red", "banana":"yellow"} is map %}\n\t...\n{% endif %}',
    expected: BODY,
  },
  {
    group: g,
    source: ref('null'),
    template: '{% if user.email is null %}\n\t...\n{% endif %}',
    vars: { user: { email: null } },
    expected: BODY,
    note: 'context given here (null)',
  },
  { group: g, source: ref('odd'), template: '{% if 3 is odd %}\n\t...\n{% endif %}', expected: BODY },
];
