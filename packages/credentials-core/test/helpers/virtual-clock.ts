import type { Clock } from '../../src/clock.js';

/** A clock a test moves forward, for code that runs against real servers. */
export type MovableClock = Clock & { advance(ms: number): void };

/**
 * A virtual monotonic and wall clock, starting at the real time: it stands
 * still until the test calls `advance`, which moves both.
 */
export function virtualClock(): MovableClock {
  let offset = 0;
  // A whole number of ms, so that every virtual time is exact: from a fractional start,
  // `start + 50_000 - 25_000` and `start + 25_000` can differ in their last bit, and a
  // boundary the test steps onto exactly would fall on either side of it by chance.
  const mono0 = Math.floor(performance.now());
  const wall0 = Date.now();
  return {
    now: () => mono0 + offset,
    wallNow: () => wall0 + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/**
 * A monotonic clock that runs with real time and that the test can move
 * ahead; the wall clock stays real (a server checks it, as GitHub does its
 * JWTs).
 */
export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => performance.now() + offset,
    wallNow: () => Date.now(),
    advance(ms) {
      offset += ms;
    },
  };
}
