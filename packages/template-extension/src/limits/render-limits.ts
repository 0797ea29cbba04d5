/**
 * The bounds of one render (SPEC section 4): a template cannot take the
 * process down or run without bound. Each breach is a template error that
 * names the limit, the expression and its line.
 */
export interface RenderLimits {
  /** Longest text a render may produce, and longest string any expression may build. Default 10 MiB. */
  maxOutputBytes: number;
  /** Loop iterations (`for` bodies) per render, nested loops counted together. Default 1,000,000. */
  maxIterations: number;
  /** Most items `range()` (and other list-building functions) may produce. Default 100,000. */
  maxRange: number;
  /** Deepest nesting of macro calls (and `render()`). Default 100. */
  maxDepth: number;
  /** Wall time of one render in milliseconds, not counting waits for tokens and secrets. Default 10 s. */
  timeoutMs: number;
}

/** The defaults of SPEC section 4. */
export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = Object.freeze({
  maxOutputBytes: 10 * 1024 * 1024,
  maxIterations: 1_000_000,
  maxRange: 100_000,
  maxDepth: 100,
  timeoutMs: 10_000,
});

/** The setting that controls each limit, as `credflow.yaml` names it (`templates.limits.<name>`). */
export const LIMIT_SETTINGS: Readonly<Record<keyof RenderLimits, string>> = Object.freeze({
  maxOutputBytes: 'templates.limits.maxOutputBytes',
  maxIterations: 'templates.limits.maxIterations',
  maxRange: 'templates.limits.maxRange',
  maxDepth: 'templates.limits.maxDepth',
  timeoutMs: 'templates.limits.timeout',
});

/** Fills in the defaults and checks each given limit is a positive integer. */
export function resolveLimits(given: Partial<RenderLimits> | undefined): RenderLimits {
  const out: RenderLimits = { ...DEFAULT_RENDER_LIMITS };
  for (const [name, value] of Object.entries(given ?? {}) as [keyof RenderLimits, unknown][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_RENDER_LIMITS)) throw new TypeError(`unknown render limit '${String(name)}'`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`render limit '${name}' must be a positive integer`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * What one render has used of its limits. The clock does not run while the
 * render waits for a token or a secret (a slow identity provider is not the
 * template's doing).
 */
export class RenderBudget {
  readonly limits: RenderLimits;
  iterations = 0;
  depth = 0;
  /** Characters printed so far, captured blocks and macro output included. */
  printed = 0;
  /**
   * The first limit the render reached. nunjucks rewraps errors into plain
   * ones (losing their cause), so the render's error is told from here.
   */
  breach: RenderLimitError | undefined;
  /**
   * What the walks of large call arguments found, kept for the rest of the
   * render (see guard-calls.ts); made at the first such argument.
   */
  walks: WeakMap<object, ArgumentsWalk> | undefined;
  #deadline: number;

  constructor(limits: RenderLimits) {
    this.limits = limits;
    this.#deadline = Date.now() + limits.timeoutMs;
  }

  /** Moves the deadline by the time spent waiting for something outside the template. */
  waited(ms: number): void {
    this.#deadline += ms;
  }

  /** Records and returns the error for a reached limit (throw it). */
  reached(limit: keyof RenderLimits, what: string, line?: number, column?: number): RenderLimitError {
    const err = new RenderLimitError(limit, what, line, column);
    this.breach ??= err;
    return err;
  }

  /** One loop iteration; checks the iteration count, and every 1024 iterations the clock. */
  tick(line?: number, column?: number): void {
    this.iterations++;
    if (this.iterations > this.limits.maxIterations) {
      throw this.reached('maxIterations', `more than ${this.limits.maxIterations} loop iterations`, line, column);
    }
    if ((this.iterations & 1023) === 0) this.checkTime(line, column);
  }

  checkTime(line?: number, column?: number): void {
    if (Date.now() > this.#deadline) {
      throw this.reached('timeoutMs', `the render ran longer than ${this.limits.timeoutMs / 1000} s`, line, column);
    }
  }

  /**
   * `length` more characters printed. Everything a render prints, in its
   * output, captured blocks (`set … endset`, `filter`) and macro bodies, may
   * total at most 4 × `maxOutputBytes`: a loop printing into a captured
   * block would otherwise fill memory before any string is checked.
   */
  print(length: number, line?: number, column?: number): void {
    this.printed += length;
    if (this.printed > 4 * this.limits.maxOutputBytes) {
      throw this.reached(
        'maxOutputBytes',
        `more than ${4 * this.limits.maxOutputBytes} characters printed in all (captured blocks and macro output included)`,
        line,
        column,
      );
    }
  }

  /** A string of `length` characters may be built. */
  checkLength(length: number, line?: number, column?: number): void {
    if (length > this.limits.maxOutputBytes) {
      throw this.reached(
        'maxOutputBytes',
        `a text of ${length} characters is longer than the limit of ${this.limits.maxOutputBytes}`,
        line,
        column,
      );
    }
  }

  /**
   * A list of `count` items may be built. The message quotes neither the
   * count nor the arguments: they may be numbers computed from a secret
   * (`range(0, pin + 1)`, review of issue 26, N7).
   */
  checkCount(count: number, what: string): void {
    if (!(count <= this.limits.maxRange)) {
      throw this.reached('maxRange', `${what} would have more items than the limit of ${this.limits.maxRange}`);
    }
  }
}

/** What one walk of a call argument found (its text length and parts, and whether it held a sensitive value). */
export interface ArgumentsWalk {
  chars: number;
  parts: number;
  sensitive: boolean;
  /** The number of sensitive values and of derived lists and maps the walk knew. */
  values: number;
  taints: number;
}

/** A render went past one of its {@link RenderLimits}. */
export class RenderLimitError extends Error {
  readonly limit: keyof RenderLimits;
  /** Where in the template, when the check knew it (loops, concatenations). */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(limit: keyof RenderLimits, what: string, line?: number, column?: number) {
    super(`render limit reached (${LIMIT_SETTINGS[limit]}): ${what}`);
    this.name = 'RenderLimitError';
    this.limit = limit;
    this.line = line;
    this.column = column;
  }
}

/**
 * The limit a failed render reached, if any: the budget's first breach, or
 * one of V8's own limits hit by something the budget did not foresee (a
 * string too long to build, a call stack too deep), told by its message
 * (nunjucks rewraps what a render throws into a plain error).
 */
export function limitErrorOf(
  err: unknown,
  budget: RenderBudget | undefined,
  limits: RenderLimits,
): RenderLimitError | undefined {
  if (budget?.breach) return budget.breach;
  const message = err instanceof Error ? err.message : String(err);
  if (/RangeError: (Invalid string length|Invalid array length|Array buffer allocation failed)/.test(message)) {
    return new RenderLimitError('maxOutputBytes', `a value grew past ${limits.maxOutputBytes} characters`);
  }
  if (/RangeError: Maximum call stack size exceeded/.test(message)) {
    return new RenderLimitError('maxDepth', 'calls nested too deeply');
  }
  return undefined;
}

/**
 * The budget of the render whose synchronous code is running now: set while
 * a guarded filter or function or a macro runs (nunjucks calls them
 * synchronously), so code that has no render context at hand (a macro of a
 * template imported without context, a long loop inside a filter) still
 * counts against the render that called it.
 */
let active: RenderBudget | undefined;

/** Runs `fn` with `budget` as the active one. */
export function withActiveBudget<T>(budget: RenderBudget, fn: () => T): T {
  const previous = active;
  active = budget;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** Makes `budget` the active one until {@link leaveBudget} (no closure to allocate, unlike {@link withActiveBudget}); returns the previous one. */
export function enterBudget(budget: RenderBudget): RenderBudget | undefined {
  const previous = active;
  active = budget;
  return previous;
}

/** Restores the budget {@link enterBudget} returned (call it in a `finally`). */
export function leaveBudget(previous: RenderBudget | undefined): void {
  active = previous;
}

/** The active budget (see {@link withActiveBudget}), if any. */
export const activeBudget = (): RenderBudget | undefined => active;
