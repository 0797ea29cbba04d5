/**
 * The keys of a map derived from a secret are masked too, unless a sensitive
 * value holds them as its own JSON or YAML keys. That check reads the
 * sensitive values, so it reads at most 16 Mi characters of them per derived
 * value: 9,000 keys against five 8.7 MB values ran a render for 60 s past
 * its 10 s limit (attacker review, round 6, G2). Past the budget a key is
 * treated as not the value's own: masked, never shown.
 */
import { CredentialStore, Masker } from '@credflow/credentials-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RenderState } from '../../src/render-state.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the own-key check of derived maps', () => {
  it('reads a bounded number of characters of the sensitive values, and masks the keys it did not check', () => {
    const big = `${'s3cr3t-'.repeat(400_000)}end`; // 2.8 MB, under the 4 MiB of sensitive values an execution may hold
    const reported: string[] = [];
    const state = new RenderState(CredentialStore.fromYaml(''), (v) => reported.push(v), [big, 'json-secret-value']);
    const map = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`field${i}`, 'json-secret-value']));
    let scanned = 0;
    const includes = String.prototype.includes;
    vi.spyOn(String.prototype, 'includes').mockImplementation(function (this: string, search: string, from?: number) {
      scanned += this.length;
      return includes.call(this, search, from);
    });
    state.derive(map);
    vi.restoreAllMocks();
    // Unbounded, the check would read 2,000 keys x 2 patterns x 2.8 MB (about 11 G characters).
    expect(scanned).toBeLessThanOrEqual(16 * 1024 * 1024);
    // The keys it could not check are masked as derived values.
    const masker = new Masker(reported);
    expect(masker.mask('field1999 field7')).toBe('****** ******');
  });
});
