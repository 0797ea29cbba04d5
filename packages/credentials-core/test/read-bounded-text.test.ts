import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_VALUE_BYTES, readBoundedText } from '../src/read-bounded-text.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-bounded-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(name: string, content: string | Buffer, max?: number): Promise<string | undefined> {
  await writeFile(join(dir, name), content);
  const handle = await open(join(dir, name), 'r');
  try {
    return await readBoundedText(handle, max);
  } finally {
    await handle.close();
  }
}

describe('readBoundedText', () => {
  it('reads a file of exactly the cap, and refuses one byte more', async () => {
    expect((await read('at-cap', Buffer.alloc(MAX_FILE_VALUE_BYTES, 'x')))?.length).toBe(MAX_FILE_VALUE_BYTES);
    expect(await read('over-cap', Buffer.alloc(MAX_FILE_VALUE_BYTES + 1, 'x'))).toBeUndefined();
  });

  it('counts against the cap it is given, across chunks', async () => {
    expect(await read('small-cap', 'x'.repeat(100_001), 100_000)).toBeUndefined();
    expect((await read('small-cap-ok', 'x'.repeat(100_000), 100_000))?.length).toBe(100_000);
  });

  it('trims one trailing newline (LF or CRLF), not two, and decodes UTF-8', async () => {
    expect(await read('lf', 'value\n')).toBe('value');
    expect(await read('crlf', 'value\r\n')).toBe('value');
    expect(await read('two', 'value\n\n')).toBe('value\n');
    expect(await read('utf8', 'clé ✓\n')).toBe('clé ✓');
  });
});
