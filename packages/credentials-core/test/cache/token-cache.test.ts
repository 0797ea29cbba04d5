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

/** Lets every pending promise callback and I/O callback run. */
const flush = () => new Promise((r) => setImmediate(r));

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
  /** When set, mints wait until `release()`: a token endpoint that has not answered yet. */
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  const token = (value: string, lifetimeS: number): AccessToken => ({
    token: value,
    tokenType: 'Bearer',
    expiresIn: lifetimeS,
    expiresAt: new Date(clock.wallNow() + lifetimeS * 1000),
    expiresAtMono: clock.now() + lifetimeS * 1000,
  });
  const mint = async (lifetimeS = 600): Promise<AccessToken> => {
    await flush();
    if (gate) await gate;
    if (fail) throw new Error('token endpoint down');
    n++;
    return token(`tok-${n}`, lifetimeS);
  };
  return {
    clock,
    cache,
    warnings,
    mint,
    token,
    get mints() {
      return n;
    },
    setFail(v: boolean) {
      fail = v;
    },
    hold() {
      gate = new Promise((r) => {
        open = r;
      });
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

const policy = { enabled: true, refreshBeforeMs: 60_000 };

describe('TokenCache: refresh ahead', () => {
  it('serves the cached token until refreshBeforeExpiry, then refreshes in the background', async () => {
    const s = setup();
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    s.clock.advance(539_000);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    s.clock.advance(1_000); // 60 s left: inside the refresh window
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-1');
    await flush();
    expect(s.mints).toBe(2);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-2');
  });

  it('across a refresh boundary no caller waits: 1,000 calls get the valid token while one refresh is pending', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(550_000); // 50 s left
    s.hold(); // the token endpoint does not answer until released
    let attempts = 0;
    const counting = () => {
      attempts++;
      return s.mint();
    };
    const calls = Array.from({ length: 1000 }, (_, i) => {
      s.clock.advance(i % 10 === 0 ? 10 : 0); // calls keep coming while the refresh is pending
      return s.cache.get('a', policy, counting, 'a');
    });
    const tokens = await Promise.all(calls); // resolves although no mint has finished
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['tok-1']));
    expect(attempts).toBe(1);
    expect(s.cache.peek('a')?.token).toBe('tok-1'); // synchronous hits meanwhile
    s.release();
    await flush();
    await flush();
    expect((await s.cache.get('a', policy, counting, 'a')).token).toBe('tok-2');
    expect(attempts).toBe(1);
  });

  it('makes one request for 1,000 concurrent callers on a cold cache (single flight)', async () => {
    const s = setup();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => s.cache.get('a', policy, () => s.mint(), 'a')));
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['tok-1']));
    expect(s.mints).toBe(1);
  });

  it('makes callers wait only once the token has expired', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(600_000); // expired: no valid token exists
    s.hold();
    let settled = false;
    const p = s.cache
      .get('a', policy, () => s.mint(), 'a')
      .then((t) => {
        settled = true;
        return t;
      });
    await flush();
    expect(settled).toBe(false);
    s.release();
    expect((await p).token).toBe('tok-2');
  });
});

describe('TokenCache: failed background refresh', () => {
  it('100 callers during a failed refresh get the valid token and cause 1 warning', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(550_000);
    s.setFail(true);
    s.hold();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => s.cache.get('a', policy, () => s.mint(), 'a')));
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['tok-1']));
    s.release();
    await flush();
    await flush();
    await Promise.all(Array.from({ length: 100 }, () => s.cache.get('a', policy, () => s.mint(), 'a')));
    await flush();
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toBe(
      "credential 'a': token refresh failed (token endpoint down); serving the cached token, valid 50 s more; next try in 5 s",
    );
  });

  it('retries with backoff (5 s, then 10 s) while serving the old token, then surfaces the failure once expired', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(540_000); // 60 s left
    s.setFail(true);
    let attempts = 0;
    const counting = () => {
      attempts++;
      return s.mint();
    };
    const call = async () => (await s.cache.get('a', policy, counting, 'a')).token;
    expect(await call()).toBe('tok-1');
    await flush();
    expect(attempts).toBe(1);
    s.clock.advance(4_999);
    expect(await call()).toBe('tok-1');
    await flush();
    expect(attempts).toBe(1);
    s.clock.advance(1);
    expect(await call()).toBe('tok-1');
    await flush();
    expect(attempts).toBe(2);
    s.clock.advance(9_999);
    expect(await call()).toBe('tok-1');
    await flush();
    expect(attempts).toBe(2);
    s.clock.advance(1);
    await call();
    await flush();
    expect(attempts).toBe(3);
    expect(s.warnings.map((w) => w.replace(/.*next try in /, ''))).toEqual(['5 s', '10 s', '20 s']);
    s.clock.advance(45_000); // expired
    await expect(call()).rejects.toThrow('token endpoint down');
    s.setFail(false);
    expect(await call()).toBe('tok-2');
  });
});

describe('TokenCache: minValidity', () => {
  it('does not hand out a token with less left than minValidity; others keep the cached one', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(3600), 'a');
    s.clock.advance(3_000_000); // 600 s left
    const long = await s.cache.get('a', policy, () => s.mint(3600), 'a', 900_000);
    expect(long.token).toBe('tok-2');
    expect(long.expiresAtMono - s.clock.now()).toBeGreaterThanOrEqual(900_000);
    expect((await s.cache.get('a', policy, () => s.mint(3600), 'a', 600_000)).token).toBe('tok-2');
    expect(s.mints).toBe(2);
  });

  it('hands out the cached token when it has exactly minValidity left', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(3600), 'a');
    s.clock.advance(2_700_000); // 900 s left
    expect((await s.cache.get('a', policy, () => s.mint(3600), 'a', 900_000)).token).toBe('tok-1');
    expect(s.mints).toBe(1);
  });

  it('fails with ERR_TOKEN_LIFETIME_TOO_SHORT when even a new token lives less', async () => {
    const s = setup();
    const err = await s.cache.get('a', policy, () => s.mint(600), 'a', 900_000).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_TOKEN_LIFETIME_TOO_SHORT',
      message:
        "credential 'a': the new token is valid 600 s, less than the minValidity of 900 s asked for (the token endpoint issues shorter-lived tokens)",
    });
    expect((await s.cache.get('a', policy, () => s.mint(600), 'a')).token).toBe('tok-1'); // still cached for others
  });

  it('checks minValidity with the cache disabled too', async () => {
    const s = setup();
    const off = { enabled: false, refreshBeforeMs: 60_000 };
    await expect(s.cache.get('a', off, () => s.mint(60), 'a', 120_000)).rejects.toMatchObject({
      code: 'ERR_TOKEN_LIFETIME_TOO_SHORT',
    });
    expect((await s.cache.get('a', off, () => s.mint(600), 'a', 120_000)).token).toBe('tok-2');
  });
});

describe('TokenCache: invalidation', () => {
  it('100 concurrent 401s with the same token: exactly 1 new mint', async () => {
    const s = setup();
    const seen = await s.cache.get('a', policy, () => s.mint(), 'a');
    const retried = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i % 7)); // the 401s arrive spread out
        s.cache.invalidate('a', seen.token);
        return (await s.cache.get('a', policy, () => s.mint(), 'a')).token;
      }),
    );
    expect(s.mints - 1).toBe(1);
    expect(new Set(retried)).toEqual(new Set(['tok-2']));
  });

  it('an invalidation naming another token keeps the cached one', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    expect(s.cache.invalidate('a', 'tok-0')).toBe(false);
    expect(s.cache.peek('a')?.token).toBe('tok-1');
    expect(s.cache.invalidate('a', 'tok-1')).toBe(true);
    expect(s.cache.peek('a')).toBeUndefined();
  });

  it('a mint in flight during invalidate() does not fill the cache; its waiting callers still get it', async () => {
    const s = setup();
    s.hold();
    const waiting = s.cache.get('a', policy, () => s.mint(), 'a');
    await flush();
    expect(s.cache.invalidate('a')).toBe(false); // nothing cached yet, the mint is detached
    s.release();
    expect((await waiting).token).toBe('tok-1');
    await flush();
    expect(s.cache.size).toBe(0);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-2');
    expect(s.mints).toBe(2);
  });

  it('callers arriving after invalidate() do not join the detached mint', async () => {
    const s = setup();
    s.hold();
    const waiting = s.cache.get('a', policy, () => s.mint(), 'a');
    await flush();
    s.cache.invalidate('a');
    const after = s.cache.get('a', policy, () => s.mint(), 'a');
    s.release();
    expect((await waiting).token).toBe('tok-1');
    expect((await after).token).toBe('tok-2');
  });

  it('a background refresh in flight when its token is invalidated does not fill the cache', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(), 'a');
    s.clock.advance(550_000);
    s.hold();
    await s.cache.get('a', policy, () => s.mint(), 'a'); // starts the background refresh
    expect(s.cache.invalidate('a', 'tok-1')).toBe(true);
    s.release();
    await flush();
    await flush();
    expect(s.mints).toBe(2);
    expect(s.cache.size).toBe(0);
    expect((await s.cache.get('a', policy, () => s.mint(), 'a')).token).toBe('tok-3');
  });

  it('forgets tokens on invalidate and clear', async () => {
    const s = setup();
    await s.cache.get('p:a', policy, () => s.mint(), 'a');
    await s.cache.get('p:b', policy, () => s.mint(), 'b');
    await s.cache.get('q:c', policy, () => s.mint(), 'c');
    expect(s.cache.invalidate('p:a')).toBe(true);
    s.cache.clear('p:');
    expect(s.cache.size).toBe(1);
    s.cache.clear();
    expect(s.cache.size).toBe(0);
  });
});

describe('TokenCache: storm bounds', () => {
  it('a server issuing 10 s tokens under a 60 s refreshBeforeExpiry gets at most one request per 5 s', async () => {
    const s = setup();
    const step = 100;
    const span = 120_000;
    for (let t = 0; t < span; t += step) {
      const got = await s.cache.get('a', policy, () => s.mint(10), 'a');
      expect(got.expiresAtMono).toBeGreaterThan(s.clock.now());
      await flush();
      s.clock.advance(step);
    }
    // Bound: span / (lifetime / 2) + 1 = 25 requests for 1,200 calls.
    expect(s.mints).toBeLessThanOrEqual(span / 5_000 + 1);
    expect(s.mints).toBeGreaterThanOrEqual(span / 5_000 - 1);
    expect(s.warnings.filter((w) => w.includes('refreshBeforeExpiry'))).toHaveLength(1);
  });

  it('a server handing back the same token gets at most two requests per token lifetime', async () => {
    const s = setup();
    // Like a metadata server: one token per 50 s, handed back with the life it has left.
    let requests = 0;
    let issued: { value: string; expiresAtMono: number } | undefined;
    const sameToken = async (): Promise<AccessToken> => {
      requests++;
      await flush();
      if (!issued || issued.expiresAtMono <= s.clock.now()) {
        issued = { value: `same-${requests}`, expiresAtMono: s.clock.now() + 50_000 };
      }
      return s.token(issued.value, Math.floor((issued.expiresAtMono - s.clock.now()) / 1000));
    };
    const span = 500_000; // ten server tokens
    for (let t = 0; t < span; t += 100) {
      await s.cache.get('a', policy, sameToken, 'a');
      await flush();
      s.clock.advance(100);
    }
    expect(requests).toBeLessThanOrEqual(2 * (span / 50_000) + 1);
  });

  it('never caches a token that is already expired', async () => {
    const s = setup();
    await s.cache.get('a', policy, () => s.mint(0), 'a');
    await s.cache.get('a', policy, () => s.mint(0), 'a');
    expect(s.mints).toBe(2);
  });
});

describe('TokenCache: refresh time, min(refreshBeforeExpiry, half the lifetime)', () => {
  // 60 s tokens: refreshBeforeExpiry below S/2, between S/2 and S, equal to S, above S.
  for (const [refreshBeforeMs, marginMs] of [
    [20_000, 20_000],
    [50_000, 30_000],
    [60_000, 30_000],
    [120_000, 30_000],
  ] as const) {
    it(`refreshBeforeExpiry ${refreshBeforeMs / 1000} s on 60 s tokens: the refresh starts with ${marginMs / 1000} s left`, async () => {
      const s = setup();
      const p = { enabled: true, refreshBeforeMs };
      expect((await s.cache.get('a', p, () => s.mint(60), 'a')).token).toBe('tok-1');
      s.clock.advance(60_000 - marginMs - 1);
      expect(s.cache.peek('a')?.token).toBe('tok-1');
      expect((await s.cache.get('a', p, () => s.mint(60), 'a')).token).toBe('tok-1');
      await flush();
      expect(s.mints).toBe(1); // not due yet: no refresh started
      s.clock.advance(1);
      expect(s.cache.peek('a')).toBeUndefined(); // due
      expect((await s.cache.get('a', p, () => s.mint(60), 'a')).token).toBe('tok-1'); // starts the refresh
      await flush();
      expect((await s.cache.get('a', p, () => s.mint(60), 'a')).token).toBe('tok-2');
      expect(s.mints).toBe(2);
      // Only a margin at least as long as the lifetime is a configuration worth a warning.
      expect(s.warnings.filter((w) => w.includes('refreshBeforeExpiry'))).toHaveLength(
        refreshBeforeMs >= 60_000 ? 1 : 0,
      );
    });
  }

  it('refreshBeforeExpiry between S/2 and S: at most one request per S/2 (a 60 s token, 50 s early: one mint per 30 s)', async () => {
    const s = setup();
    const p = { enabled: true, refreshBeforeMs: 50_000 };
    const step = 100;
    const span = 300_000;
    for (let t = 0; t < span; t += step) {
      await s.cache.get('a', p, () => s.mint(60), 'a');
      await flush();
      s.clock.advance(step);
    }
    expect(s.mints).toBeLessThanOrEqual(span / 30_000 + 1);
    expect(s.mints).toBeGreaterThanOrEqual(span / 30_000 - 1);
  });
});

describe('TokenCache: bounds and policy', () => {
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
    s.clock.advance(29_999);
    expect(s.cache.peek('a')?.token).toBe('tok-1');
    s.clock.advance(1);
    expect(s.cache.peek('a')).toBeUndefined(); // refresh due
    expect((await s.cache.get('a', long, () => s.mint(60), 'a')).token).toBe('tok-1');
    await flush();
    expect((await s.cache.get('a', long, () => s.mint(60), 'a')).token).toBe('tok-2');
    expect(s.warnings.filter((w) => w.includes('refreshBeforeExpiry'))).toHaveLength(1);
    expect(s.warnings[0]).toContain("credential 'a'");
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
});
