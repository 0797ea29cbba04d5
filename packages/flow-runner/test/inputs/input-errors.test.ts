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
};
const NEEDLES = [SECRET, NUMERIC_SECRET, '1234567890123456'];

const flowWith = (type: InputType) =>
  parseFlow(`id: f
namespace: a.b
inputs:
  - { id: n, type: ${type} }
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

  it.each(INPUT_TYPES.filter((t) => t !== 'STRING' && t !== 'SECRET'))(
    'a %s default that does not fit is reported by path and type, without the value',
    (type) => {
      const err = (() => {
        try {
          parseFlow(`id: f
namespace: a.b
inputs:
  - { id: n, type: ${type}, defaults: "${SECRET}" }
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
