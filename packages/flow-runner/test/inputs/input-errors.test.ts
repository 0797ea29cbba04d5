import { CredentialStore } from '@credflow/credentials-core';
import { describeFindings, scanForLeaks } from '@credflow/testkit';
import { describe, expect, it } from 'vitest';
import { runFlow } from '../../src/execution/run-flow.js';
import { parseFlow } from '../../src/flow/load-flow.js';
import { INPUT_TYPES, type InputType } from '../../src/inputs/input-types.js';
import { InputError } from '../../src/inputs/resolve-inputs.js';

// Issue 26 (5): an input error names the input, its type and what is expected, never the value.
// A value given with --input n=@file:PATH or n=@env:VAR may be a secret even when the input is
// not declared SECRET (a wrong type, a typo in the flow), so no input error quotes any part of it.

const SECRET = `very-secret-file-content-${'9f3a7c1e5b2d4086'.repeat(5)}`;
const NUMERIC_SECRET = '4111111111111111222233334444555566667777888899990000';

/** Values that do not fit each type (text, as from --input, and typed values, as from an API caller). */
const BAD: Record<InputType, unknown[]> = {
  STRING: [{ k: SECRET }, [SECRET]],
  SECRET: [{ k: SECRET }, [SECRET]],
  INT: [SECRET, ` ${SECRET} `, NUMERIC_SECRET, `${NUMERIC_SECRET}.5`, [SECRET], [NUMERIC_SECRET], { k: SECRET }],
  FLOAT: [SECRET, `${NUMERIC_SECRET}x`, [SECRET], { k: SECRET }],
  BOOLEAN: [SECRET, `true${SECRET}`, [SECRET], 1234567890123456, { k: SECRET }],
  JSON: [SECRET, `{"k": "${SECRET}"`, `["${SECRET}",]`],
  URI: [SECRET, `not a uri ${SECRET}`, `//${SECRET}`, [SECRET], { k: SECRET }],
  DURATION: [SECRET, `PT${NUMERIC_SECRET}X`, 1234567890123456, [SECRET], { k: SECRET }],
  BOOL: [SECRET, `true${SECRET}`, [SECRET], 1234567890123456],
  YAML: [`k: [${SECRET}`, `{${SECRET}`, `"${SECRET}`],
  DATETIME: [SECRET, `2024-01-31T10:15:00${SECRET}`, `${NUMERIC_SECRET}`, [SECRET], { k: SECRET }],
  DATE: [SECRET, `2024-01-3${SECRET}`, NUMERIC_SECRET, [SECRET], { k: SECRET }],
  TIME: [SECRET, `10:15:${SECRET}`, NUMERIC_SECRET, [SECRET], { k: SECRET }],
  EMAIL: [SECRET, `${SECRET} @x`, `@${SECRET}`, [SECRET], { k: SECRET }],
  SELECT: [SECRET, NUMERIC_SECRET, [SECRET], { k: SECRET }],
  ENUM: [SECRET, [SECRET]],
  MULTISELECT: [SECRET, [SECRET], `["a", "${SECRET}"]`, [{ k: SECRET }]],
  ARRAY: [SECRET, [SECRET], `[1, "${SECRET}"]`, { k: SECRET }, [NUMERIC_SECRET]],
  FILE: [`/nonexistent/${SECRET}`, `file:///nonexistent/${SECRET}`, [SECRET], { k: SECRET }],
};

/** The properties some types need (SELECT's values, ARRAY's itemType). */
const PROPS: Partial<Record<InputType, string>> = {
  SELECT: ', values: [a, b]',
  ENUM: ', values: [a, b]',
  MULTISELECT: ', values: [a, b]',
  ARRAY: ', itemType: INT',
};
const NEEDLES = [SECRET, NUMERIC_SECRET, '1234567890123456'];

const flowWith = (type: InputType) =>
  parseFlow(`id: f
namespace: a.b
inputs:
  - { id: n, type: ${type}${PROPS[type] ?? ''} }
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: never runs
`);

/** What each type's error says is expected (a description, never the value). */
const EXPECTED: Record<InputType, RegExp> = {
  STRING: /expected text/,
  SECRET: /expected text/,
  INT: /expected an integer/,
  FLOAT: /expected a finite number/,
  BOOLEAN: /expected true or false/,
  JSON: /expected valid JSON/,
  URI: /expected an absolute URI/,
  DURATION: /expected an ISO-8601 duration/,
  BOOL: /expected true or false/,
  YAML: /expected valid YAML/,
  DATETIME: /expected an ISO-8601 date and time/,
  DATE: /expected an ISO-8601 date/,
  TIME: /expected an ISO-8601 local time/,
  EMAIL: /expected an email address/,
  SELECT: /expected one of the input's values(: a, b|, got)/,
  ENUM: /expected one of the input's values(: a, b|, got)/,
  MULTISELECT: /expected (one of the input's values: a, b|a list)/,
  ARRAY: /expected a list|item \d+ \(INT\): expected an integer/,
  FILE: /expected the path of an existing, readable file|expected the path of a local file/,
};

describe('input errors never quote the value', () => {
  const cases = INPUT_TYPES.flatMap((type) => BAD[type].map((value, i) => [type, i, value] as const));
  it.each(cases)('%s, bad value %i: names the input, its type and what is expected', async (type, _i, value) => {
    const err = await runFlow(flowWith(type), { store: CredentialStore.fromYaml(''), inputs: { n: value } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    const text = [e.message, e.stack ?? '', JSON.stringify(e)].join('\n');
    expect(describeFindings(scanForLeaks(text, NEEDLES))).toEqual([]);
    expect(e.message).toContain(`input 'n' (${type})`);
    expect(e.message).toMatch(EXPECTED[type]);
    expect(e.message).toMatch(/value is not shown/);
  });

  it('every declared input type has a case', () => {
    expect(Object.keys(BAD).sort()).toEqual([...INPUT_TYPES].sort());
  });

  // Any text is a STRING; most text is YAML; a FILE default is checked when the flow runs.
  it.each(INPUT_TYPES.filter((t) => !['STRING', 'SECRET', 'YAML', 'FILE'].includes(t)))(
    'a %s default that does not fit is reported by path and type, without the value',
    (type) => {
      const err = (() => {
        try {
          parseFlow(`id: f
namespace: a.b
inputs:
  - { id: n, type: ${type}${PROPS[type] ?? ''}, defaults: "${SECRET}" }
tasks:
  - { id: log, type: io.kestra.plugin.core.log.Log, message: x }
`);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err?.message).toMatch(new RegExp(`inputs\\[0\\]\\.defaults: does not fit type ${type}: `));
      const text = [err?.message, JSON.stringify(err)].join('\n');
      // The flow file itself is not secret, but the rule is the same everywhere: no input error quotes a value.
      expect(describeFindings(scanForLeaks(text, [SECRET]))).toEqual([]);
    },
  );
});
