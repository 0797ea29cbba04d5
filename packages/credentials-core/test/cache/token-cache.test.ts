import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/cache/token-cache.js';
import type { Clock } from '../../src/clock.js';
import type { AccessToken } from '../../src/token/access-token.js';

function fakeClock(): Clock & { advance(ms: number): void } {
  let t = 1_000_000;
  return {
    now: () => t,
    wallNow: () => 1_700_000_000_000 + t,
    advance(ms) {
      t += ms;
    },
  };
}

function setup(maxEntries?: number) {
  const clock = fakeClock();
  const warnings: string[] = [];
  const cache = new TokenCache({
    clock,
    logger: { warn: (m) => warnings.push(m) },
    ...(maxEntries ? { maxEntries } : {}),
  });
  let n = 0;
  let fail = false;
  const mint = async (lifetimeS = 600): Promise<AccessToken> => {
    await new Promise((r) => setImmediate(r));
    if (fail) throw new Error('token endpoint down');
    n++;
    return {
      token: `tok-${n}`,
      tokenType: 'Bearer',
      expiresIn: lifetimeS,
      expiresAt: new Date(clock.wallNow() + lifetimeS * 1000),
      expiresAtMono: clock.now() + lifetimeS * 1000,
    };
  };
  return {
    clock,
    cache,
    warnings,
    mint,
    get mints() {
      return n;
    },
    setFail(v: boolean) {
      fail = v;
    },
  };
}

const policy = { enabled: true, refreshBeforeMs: 60_000 };

describe('TokenCache', () => {
  it('serves the cached token until refreshBeforeExpiry, then mints a new one', async () => {
    const s = setup();
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    s.clock.advance(539_000);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    s.clock.advance(1_000); // 60 s left: inside the refresh margin
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-2');
    expect(s.mints).toBe(2);
  });

  it('makes one request for 1,000 concurrent callers (single flight)', async () => {
    const s = setup();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => s.cache.get('a', policy, () => s.mint(), 'a')));
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['tok-1']));
    expect(s.mints).toBe(1);
  });

  it('keeps identities apart', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    await s.cache.get('b', policy, () => s.mint(), 'b');
    expect(s.mints).toBe(2);
    expect(s.cache.size).toBe(2);
  });

  it('mints on every call when disabled', async () => {
    const s = setup();
    const off = { enabled: false, refreshBeforeMs: 60_000 };
    await s.cache.get('a', off, () => s.mint(), 'a');
    await s.cache.get('a', off, () => s.mint(), 'a');
    expect(s.mints).toBe(2);
    expect(s.cache.size).toBe(0);
  });

  it('clamps a margin at least as long as the lifetime to half the lifetime, warning once', async () => {
    const s = setup();
    const long = { enabled: true, refreshBeforeMs: 120_000 };
    await s.cache.get('a', long, () => s.mint(60), 'a');
    s.clock.advance(29_000);
    expect((await s.cache.get('a', long, () => s.mint(60), 'a')).token).toBe('tok-1');
    s.clock.advance(1_000);
    expect((await s.cache.get('a', long, () => s.mint(60), 'a')).token).toBe('tok-2');
    s.clock.advance(30_000);
    await s.cache.get('a', long, () => s.mint(60), 'a');
    expect(s.warnings.filter((w) => w.includes('refreshBeforeExpiry'))).toHaveLength(1);
    expect(s.warnings[0]).toContain("credential 'a'");
  });

  it('serves a still-valid token with a warning when the refresh fails, then surfaces the failure once expired', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(550_000);
    s.setFail(true);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    expect(s.warnings.at(-1)).toMatch(
      /token refresh failed \(token endpoint down\); serving the cached token, valid 50 s more/,
    );
    s.clock.advance(50_000);
    await expect(s.cache.get('a', policy, () => s.mint(), 'a')).rejects.toThrow('token endpoint down');
    s.setFail(false);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-2');
  });

  it('pauses between failed refresh attempts while serving the old token', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(550_000);
    s.setFail(true);
    let attempts = 0;
    const counting = () => {
      attempts++;
      return s.mint();
    };
    await s.cache.get('a', policy, counting, 'a');
    await s.cache.get('a', policy, counting, 'a');
    expect(attempts).toBe(1);
    s.clock.advance(5_000);
    await s.cache.get('a', policy, counting, 'a');
    expect(attempts).toBe(2);
  });

  it('never caches a token that is already expired', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(0), 'a');
    await s.cache.get('a', policy, () => s.mint(0), 'a');
    expect(s.mints).toBe(2);
  });

  it('keeps at most maxEntries tokens, dropping the oldest', async () => {
    const s = setup(100);
    for (let i = 0; i < 1000; i++) await s.cache.get(`id-${i}`, policy, () => s.mint(), 'x');
    expect(s.cache.size).toBe(100);
    await s.cache.get('id-999', policy, () => s.mint(), 'x');
    expect(s.mints).toBe(1000);
    await s.cache.get('id-0', policy, () => s.mint(), 'x');
    expect(s.mints).toBe(1001);
  });

  it('forgets a token on delete and clear', async () => {
    const s = setup();
    await s.cache.get('p:a', policy, () => s.mint(), 'a');
    await s.cache.get('p:b', policy, () => s.mint(), 'b');
    await s.cache.get('q:c', policy, () => s.mint(), 'c');
    expect(s.cache.delete('p:a')).toBe(true);
    s.cache.clear('p:');
    expect(s.cache.size).toBe(1);
    s.cache.clear();
    expect(s.cache.size).toBe(0);
  });
});
