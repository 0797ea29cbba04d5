/**
 * The flows directory's index (Subflow targets): read from each file's
 * top-level `id:` and `namespace:` lines without a YAML parse (review N9),
 * split into lines as YAML splits them, and never trusted for more than
 * finding the file: the flow a Subflow task runs is the one the file
 * declares (attacker review, round 5: F1b, F2).
 */
import { execFileSync } from 'node:child_process';
import { link, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlowDirectory } from '../../src/flow/flow-directory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flows-dir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const flow = (namespace: string, id: string, before = '') =>
  `${before}id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

describe('FlowDirectory', () => {
  it('finds a flow by the namespace and id it declares (CRLF and a byte-order mark too)', async () => {
    await writeFile(join(dir, 'a.yaml'), flow('company.team', 'a'));
    await writeFile(join(dir, 'b.yaml'), `\uFEFF${flow('company.team', 'b').replaceAll('\n', '\r\n')}`);
    const flows = new FlowDirectory(dir);
    expect((await flows.find('company.team', 'a')).id).toBe('a');
    expect((await flows.find('company.team', 'b')).id).toBe('b');
  });

  it('splits lines where YAML does: a U+2028 inside a value does not start a namespace: line (F2)', async () => {
    // YAML reads one description holding U+2028; a multiline regex saw a second `namespace:` line first.
    await writeFile(
      join(dir, 'helper.yaml'),
      flow('team.b', 'helper', 'description: "about\u2028namespace: company.team #"\n'),
    );
    const flows = new FlowDirectory(dir);
    expect(await flows.problem('company.team', 'helper')).toMatch(/^no flow 'helper' in namespace 'company.team'/);
    expect(await flows.problem('team.b', 'helper')).toBeUndefined();
    expect((await flows.find('team.b', 'helper')).namespace).toBe('team.b');
  });

  it('runs only the flow the file declares: a file that no longer says what it was found as is refused', async () => {
    await writeFile(join(dir, 'helper.yaml'), flow('company.team', 'helper'));
    const flows = new FlowDirectory(dir);
    expect(await flows.problem('company.team', 'helper')).toBeUndefined();
    // Changed after the index was read (or indexed from lines YAML reads otherwise).
    await writeFile(join(dir, 'helper.yaml'), flow('team.b', 'helper'));
    await expect(flows.find('company.team', 'helper')).rejects.toThrow(
      /helper\.yaml .* was found as company\.team\.helper but declares team\.b\.helper/,
    );
  });

  it('does not index names no flow may have (a 26,000-character id line), and answers at once', async () => {
    await writeFile(join(dir, 'long.yaml'), flow('company.team', 'a'.repeat(26_000)));
    const flows = new FlowDirectory(dir);
    const t0 = performance.now();
    expect(await flows.problem('company.team', `${'a'.repeat(25_999)}b`)).toMatch(/^no flow /);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(await flows.problem('company.team', 'a'.repeat(26_000))).toMatch(/^no flow /);
  });

  it('reads the first 64 KiB of each file: id and namespace lines past it are not seen, a line cut at its end is not read', async () => {
    const filler = (bytes: number) => `# ${'x'.repeat(bytes - 3)}\n`;
    // namespace first, then the id line straddling byte 65,536: read cut, it would say 'straddl'.
    const before = `namespace: company.team\n${filler(65_536 - 24 - 8)}`;
    await writeFile(
      join(dir, 'cut.yaml'),
      `${before}id: straddling\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`,
    );
    expect(Buffer.byteLength(before)).toBeLessThan(65_536);
    expect(Buffer.byteLength(`${before}id: straddling\n`)).toBeGreaterThan(65_536);
    await writeFile(join(dir, 'late.yaml'), flow('company.team', 'late', filler(70_000)));
    await writeFile(join(dir, 'early.yaml'), flow('company.team', 'early', filler(1_000)));
    const flows = new FlowDirectory(dir);
    expect(await flows.problem('company.team', 'early')).toBeUndefined();
    expect(await flows.problem('company.team', 'late')).toMatch(/^no flow /);
    for (const cut of ['s', 'st', 'str', 'stra', 'strad', 'stradd', 'straddl', 'straddli', 'straddlin', 'straddling']) {
      expect(await flows.problem('company.team', cut)).toMatch(/^no flow /);
    }
  });

  it('a file swapped for a FIFO after the index read it is refused, not waited for (review round 6, G4)', async () => {
    await writeFile(join(dir, 'helper.yaml'), flow('company.team', 'helper'));
    const flows = new FlowDirectory(dir);
    expect(await flows.problem('company.team', 'helper')).toBeUndefined();
    await rm(join(dir, 'helper.yaml'));
    execFileSync('mkfifo', [join(dir, 'helper.yaml')]);
    await expect(flows.find('company.team', 'helper')).rejects.toThrow(/not a regular file/);
    // A new index does not wait on it either.
    expect(await new FlowDirectory(dir).problem('company.team', 'helper')).toMatch(/^no flow /);
  });

  it('reads thousands of files of empty lines in one search each (review round 6, G3)', async () => {
    const lines = join(dir, 'lines.yaml');
    await writeFile(lines, 'id\n'.repeat(21_845)); // 64 KiB of lines that each start like an id: line
    for (let i = 0; i < 2_000; i++) await link(lines, join(dir, `l${i}.yaml`));
    await writeFile(join(dir, 'zz.yaml'), flow('company.team', 'last'));
    // Searches of the index's pattern: one per file (and one per id:/namespace: line found), not one per line.
    let searches = 0;
    const exec = RegExp.prototype.exec;
    vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, text: string) {
      if (this.source.includes('(id|namespace)')) searches++;
      return exec.call(this, text);
    });
    expect(await new FlowDirectory(dir).problem('company.team', 'last')).toBeUndefined();
    vi.restoreAllMocks();
    expect(searches).toBeGreaterThan(2_000);
    expect(searches).toBeLessThan(2_000 * 3);
  });
});
