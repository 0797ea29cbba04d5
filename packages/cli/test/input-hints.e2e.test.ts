/**
 * Issue 29 / SPEC section 6: a missing required input says how to give it,
 * naming the input, its type and the exact flag, in the error on stderr and
 * in the --json error document.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-inputs-'));
  await writeFile(
    join(dir, 'flow.yaml'),
    `id: inputs
namespace: company.team
inputs:
  - id: customer
    type: STRING
  - id: password
    type: SECRET
  - id: count
    type: INT
    defaults: 3
  - id: note
    type: STRING
    required: false
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "<< inputs.customer >> << inputs.count >>"
`,
  );
});

describe('a missing input says how to give it', () => {
  it('names the input, its type and the --input flag; a SECRET the @env: and @file: forms', async () => {
    const r = await runCli(['run', 'flow.yaml'], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("input 'customer' (STRING) is required: give it with --input customer=…");
    expect(r.stderr).toContain(
      "input 'password' (SECRET) is required: give it with --input password=@env:VAR or --input password=@file:PATH",
    );
    // Inputs with a default, or not required, are not missing.
    expect(r.stderr).not.toContain('--input count=');
    expect(r.stderr).not.toContain('--input note=');
  });

  it('only the inputs still missing, and the hint in the --json error document', async () => {
    const r = await runCli(['run', 'flow.yaml', '--input', 'customer=Ada', '--json'], {}, dir);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('ERR_INPUT_INVALID');
    expect(doc.error.message).toContain(
      "input 'password' (SECRET) is required: give it with --input password=@env:VAR or --input password=@file:PATH",
    );
    expect(doc.error.message).not.toContain('customer');
    expect(doc.error.message).not.toContain('Ada');
  });
});
