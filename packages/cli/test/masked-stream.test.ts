/**
 * Issue 26 (review R6): `credflow exec` masks its command's output as a
 * stream. A value split across chunks at any byte, in any form the Masker
 * knows, is masked whole; what cannot be the start of a value is written at
 * once; bytes pass unchanged.
 */
import { Masker } from '@credflow/credentials-core';
import { describe, expect, it } from 'vitest';
// Not exported by the package: read from its source, to check the stream's bounds against every form there is.
import { sensitiveForms } from '../../credentials-core/src/redact.js';
import { longestFormBytes, MaskedStream, StreamMasks } from '../src/masked-stream.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjcmVkZmxvdyJ9.c2lnbmF0dXJlLXBhcnQ';
const PASSWORD = 'Pässwörd <&> "Ünïcødé" 😀';

function streamFor(values: string[]) {
  const masker = new Masker(values);
  const written: Buffer[] = [];
  const stream = new MaskedStream(new StreamMasks(masker, values), (d) => written.push(Buffer.from(d)));
  return { stream, written, output: () => Buffer.concat(written) };
}

/** Writes `bytes` in pieces cut at `cuts`, then ends the stream; returns what came out. */
function passThrough(values: string[], bytes: Buffer, cuts: number[]): Buffer {
  const { stream, output } = streamFor(values);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    stream.write(bytes.subarray(at, cut));
    at = cut;
  }
  stream.end();
  return output();
}

describe('MaskedStream', () => {
  it('masks every form of a value cut at every byte', () => {
    const values = [TOKEN, PASSWORD];
    for (const value of values) {
      for (const form of sensitiveForms(value)) {
        const bytes = Buffer.from(`before ${form} after\n`, 'utf8');
        for (let cut = 1; cut < bytes.length; cut++) {
          const out = passThrough(values, bytes, [cut]).toString('utf8');
          expect(out, `form ${JSON.stringify(form)} cut at ${cut}`).toBe('before ****** after\n');
        }
      }
    }
  });

  it('masks every form cut at every byte inside a run longer than the hold (no character to cut at)', () => {
    const values = [TOKEN, PASSWORD];
    const masks = new StreamMasks(new Masker(values), values);
    const run = 'x'.repeat(masks.maxHold + 100);
    for (const value of values) {
      for (const form of sensitiveForms(value)) {
        const bytes = Buffer.from(`${run}${form}${run}`, 'utf8');
        for (let cut = run.length - 3; cut < bytes.length - run.length + 3; cut++) {
          const out = passThrough(values, bytes, [cut, cut + 7]).toString('utf8');
          expect(out, `form ${JSON.stringify(form)} cut at ${cut}`).toBe(`${run}******${run}`);
        }
      }
    }
  });

  it('a value that starts with another one is masked whole', () => {
    const values = ['abcd1234', 'abcd1234SECRETPART'];
    for (const before of ['x '.repeat(10), 'x'.repeat(200)]) {
      const bytes = Buffer.from(`${before}abcd1234SECRETPART\n`);
      const out = passThrough(values, bytes, [before.length + 8]).toString();
      expect(out).toBe(`${before}******\n`);
    }
  });

  it('masks a value written one byte at a time', () => {
    const bytes = Buffer.from(`a ${TOKEN} b ${PASSWORD} c`, 'utf8');
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(passThrough([TOKEN, PASSWORD], bytes, cuts).toString('utf8')).toBe('a ****** b ****** c');
  });

  it('passes other bytes unchanged: binary output and UTF-8 characters split across chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0, 0xff, 0xfe, 0x80, 10]), Buffer.from('é 😀 ünï\n', 'utf8')]);
    for (let cut = 1; cut < bytes.length; cut++) expect(passThrough([TOKEN], bytes, [cut]).equals(bytes)).toBe(true);
  });

  it('writes at once what cannot be the start of a value, and holds only what can', () => {
    const { stream, output } = streamFor([TOKEN]);
    stream.write(Buffer.from('Continue? '));
    expect(output().toString()).toBe('Continue? ');
    stream.write(Buffer.from(`line\n${TOKEN.slice(0, 20)}`));
    expect(output().toString()).toBe('Continue? line\n');
    stream.write(Buffer.from(`${TOKEN.slice(20)} done`));
    expect(output().toString()).toBe('Continue? line\n****** ');
    stream.write(Buffer.from('!\n'));
    expect(output().toString()).toBe('Continue? line\n****** done!\n');
  });

  it('holds at most the longest form less one byte, and writes the rest at the end', () => {
    const masks = new StreamMasks(new Masker([TOKEN]), [TOKEN]);
    const { stream, output } = streamFor([TOKEN]);
    const run = 'A'.repeat(3 * masks.maxHold);
    stream.write(Buffer.from(run));
    expect(output().length).toBe(run.length - masks.maxHold);
    stream.end();
    expect(output().toString()).toBe(run);
  });
});

describe('StreamMasks bounds hold for every form the Masker knows', () => {
  const boundary = ' \t\n\r\f\v"\'<>,';
  const pool = [...'aZ0-_.~/+=%&<>"\'\\ \n:#?@;`|*!$()', '\u0001', 'é', 'É', 'İ', 'ẞ', 'ﷺ', '😀', 'ａ', '（', '\u3000'];
  // A fixed pseudo-random sequence: the same values every run.
  let seed = 26;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const values = Array.from({ length: 3000 }, () =>
    Array.from({ length: 4 + Math.floor(next() * 12) }, () => pool[Math.floor(next() * pool.length)]).join(''),
  );

  it('no form is longer than longestFormBytes, and none holds a boundary its value does not', () => {
    for (const v of values) {
      const nfkc = v.normalize('NFKC');
      const own = new Set([...v, ...v.toLowerCase(), ...v.toUpperCase(), ...nfkc, ...nfkc.toLowerCase()]);
      for (const f of sensitiveForms(v)) {
        expect(Buffer.byteLength(f, 'utf8'), JSON.stringify([v, f])).toBeLessThanOrEqual(longestFormBytes(v));
        for (const c of f) if (boundary.includes(c)) expect(own.has(c), JSON.stringify([v, f, c])).toBe(true);
      }
    }
  });
});
