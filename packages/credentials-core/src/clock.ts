/** Time source. `now` is monotonic (immune to wall-clock jumps); `wallNow` is epoch ms. */
export interface Clock {
  now(): number;
  wallNow(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};

/** Where credflow writes warnings; never given a secret or a token. */
export interface Logger {
  warn(message: string): void;
}

export const stderrLogger: Logger = {
  warn: (message) => {
    process.stderr.write(`credflow warning: ${message}\n`);
  },
};
