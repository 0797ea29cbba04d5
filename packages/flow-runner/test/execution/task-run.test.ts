import { describe, expect, it } from 'vitest';
import { newRunId } from '../../src/execution/task-run.js';

describe('newRunId', () => {
  it('gives 22 base62 characters, distinct across refills of its random pool (256 ids a refill)', () => {
    const ids = Array.from({ length: 1000 }, newRunId);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
