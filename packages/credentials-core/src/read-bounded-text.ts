import type { FileHandle } from 'node:fs/promises';

/** Largest file credflow reads as one value (a secret file, a CLI `@file:` input): 1 MiB. */
export const MAX_FILE_VALUE_BYTES = 1 << 20;

const CHUNK = 64 * 1024;

/**
 * Reads an open file to its end as UTF-8 text, one trailing newline
 * trimmed; `undefined` when it holds more than `maxBytes`. Reading stops one
 * chunk past the cap, so a file that grows while it is read (or a pipe that
 * never ends) cannot make it read more. Read errors are thrown as they come
 * (the caller names the file).
 */
export async function readBoundedText(
  handle: FileHandle,
  maxBytes: number = MAX_FILE_VALUE_BYTES,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(CHUNK), 0, CHUNK, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) return undefined;
    chunks.push(buffer.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
