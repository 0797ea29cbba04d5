import { describe, expect, it } from 'vitest';
import { Masker } from '../../src/execution/masker.js';

describe('Masker', () => {
  it('masks values and their encodings with a fixed mask, deeply', () => {
    const m = new Masker();
    const token = 'ghs_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ+/=';
    m.add(token);
    m.add('abc'); // too short to mask
    const b64 = Buffer.from(token).toString('base64');
    expect(m.mask(`t=${token} b=${b64} u=${encodeURIComponent(token)} abc`)).toBe('t=****** b=****** u=****** abc');
    expect(m.maskDeep({ a: [token, { [token]: 1 }], n: 3 })).toEqual({ a: ['******', { '******': 1 }], n: 3 });
  });

  it('masks the longest value first', () => {
    const m = new Masker();
    m.add('secret');
    m.add('secret-and-more');
    expect(m.mask('x secret-and-more y secret')).toBe('x ****** y ******');
  });
});
