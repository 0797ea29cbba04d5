/**
 * Kestra's `jq` filter with a real jq (jq 1.7, compiled to WebAssembly by
 * the `jq-web` package), run in a worker thread: a jq program can loop or
 * allocate without bound, so it runs off the event loop, with its memory
 * capped, for at most {@link JQ_CALL_TIMEOUT_MS} per call and within the
 * render's time limit (the worker is ended when either is reached).
 * Nothing is loaded until a template calls `jq`: the worker starts (and
 * compiles jq, about 3 MB) on the first call.
 *
 * One worker serves the whole process, one program at a time, in the order
 * the calls came: renders of several tenants share it, so a call may wait
 * for the programs before it, each at most {@link JQ_CALL_TIMEOUT_MS}.
 * The worker never keeps the process alive: it is unreferenced between
 * calls and ended after {@link JQ_IDLE_MS} without one (the next call
 * starts a new one).
 */

import type { Worker } from 'node:worker_threads';
import { DEFAULT_RENDER_LIMITS, RenderLimitError } from '../limits/render-limits.js';
import { frameOf } from '../render-frames.js';
import { bindArguments, type Callee, stdlibError, unwrapSafe } from './arguments.js';
import { checkResultCount, checkResultLength } from './budget.js';
import { notInstalledMessage, OPTIONAL_LIBRARIES } from './optional-libraries.js';

type Callback = (err: unknown, value?: unknown) => void;

const callee: Callee = { kind: 'filter', name: 'jq' };

/** The longest one jq call may run (its render's time limit, when shorter, ends it first). */
export const JQ_CALL_TIMEOUT_MS = 2_000;

/** How long the jq worker is kept without a call before it is ended. */
export const JQ_IDLE_MS = 5_000;

/** The most memory jq's WebAssembly heap may grow to, and the worker's JavaScript heap (MB). */
const WASM_MEMORY_CAP = 256 * 1024 * 1024;
const WORKER_HEAP_MB = 256;

/**
 * The worker: silences the console and its stdout and stderr (jq-web
 * reports jq's stderr there, and data it quotes must not reach the host's
 * output; the host does not read the worker's streams either: read, they
 * would keep the process alive),
 * caps the WebAssembly memory, then answers `{ id, input, program }` with
 * jq's compact output (`-c`: one JSON value per line) or its error.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[k] = () => {};
process.stdout.write = process.stderr.write = () => true;
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function (delta) {
  if (this.buffer.byteLength + delta * 65536 > workerData.cap) throw new RangeError('jq memory limit');
  return grow.call(this, delta);
};
Promise.resolve(require(workerData.jqPath)).then(
  (jq) => {
    parentPort.on('message', ({ id, input, program }) => {
      try {
        const out = jq.raw(input, program, ['-c']);
        parentPort.postMessage({ id, ok: true, out: typeof out === 'string' ? out : '' });
      } catch (e) {
        const code = e && typeof e.exitCode === 'number' ? e.exitCode : null;
        const text = e && typeof e.stderr === 'string' ? e.stderr : String((e && e.message) || e);
        parentPort.postMessage({ id, ok: false, code, message: text });
      }
    });
    parentPort.postMessage({ ready: true });
  },
  (e) => parentPort.postMessage({ ready: false, message: String((e && e.message) || e) }),
);
`;

interface Job {
  id: number;
  input: string;
  program: string;
  timeoutMs: number;
  resolve: (out: string) => void;
  reject: (err: Error) => void;
}

type Reply =
  | { ready: true }
  | { ready: false; message: string }
  | { id: number; ok: true; out: string }
  | { id: number; ok: false; code: number | null; message: string };

/** A jq program failed (compile or run error); the message is jq's, without the data it quotes. */
export class JqError extends Error {}

/** Where `jq-web` is: beside this package, or beside `@credflow/template-extension` when bundled into another. */
async function jqWebPath(): Promise<string> {
  const { createRequire } = await import('node:module');
  const here = createRequire(import.meta.url);
  try {
    return here.resolve('jq-web');
  } catch {
    try {
      return createRequire(here.resolve('@credflow/template-extension')).resolve('jq-web');
    } catch {
      throw new Error(notInstalledMessage(OPTIONAL_LIBRARIES.jq));
    }
  }
}

/** One worker running jq, one program at a time; a program past its time is ended with the worker. */
class JqRunner {
  #worker: Worker | undefined;
  #ready: Promise<Worker> | undefined;
  #queue: Job[] = [];
  #current: Job | undefined;
  #timer: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #nextId = 1;

  run(input: string, program: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, input, program, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  #start(): Promise<Worker> {
    this.#ready ??= (async () => {
      const [{ Worker }, jqPath] = await Promise.all([import('node:worker_threads'), jqWebPath()]);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { jqPath, cap: WASM_MEMORY_CAP },
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        // None of the host's flags: the worker's source is CommonJS whatever the host was started
        // with (`--input-type=module`), and a host's preloads (`--import`, `--require`: module hooks,
        // instrumentation) have nothing to do in it (module hooks there kept the process alive).
        execArgv: [],
      });
      // Only a call in progress keeps the process alive (see #pump), not a worker starting or idle.
      worker.unref();
      try {
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (reply: Reply) => {
            if ('ready' in reply && reply.ready) resolve();
            else reject(stdlibError(callee, `jq could not be loaded: ${'message' in reply ? reply.message : ''}`));
          });
          worker.once('error', reject);
          worker.once('exit', () => reject(stdlibError(callee, 'jq could not be loaded')));
        });
      } catch (err) {
        void worker.terminate();
        throw err;
      }
      for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
      worker.on('message', (reply: Reply) => this.#answer(worker, reply));
      worker.on('error', (err: Error) => this.#fail(worker, err));
      worker.on('exit', () => this.#fail(worker, new Error('the jq worker stopped')));
      this.#worker = worker;
      return worker;
    })();
    this.#ready.catch(() => {
      this.#ready = undefined;
    });
    return this.#ready;
  }

  #pump(): void {
    if (this.#current || this.#queue.length === 0) return;
    const job = this.#queue.shift() as Job;
    this.#current = job;
    clearTimeout(this.#idle);
    this.#start().then(
      (worker) => {
        if (this.#current !== job) return;
        worker.ref();
        const ownLimit = JQ_CALL_TIMEOUT_MS < job.timeoutMs;
        this.#timer = setTimeout(
          () => {
            this.#stop(worker);
            this.#settle(
              job,
              ownLimit
                ? new JqError(
                    `the jq program ran longer than ${JQ_CALL_TIMEOUT_MS / 1000} s, the limit of one jq call (it was stopped)`,
                  )
                : new RenderLimitError('timeoutMs', `the jq program ran longer than ${job.timeoutMs / 1000} s`),
            );
          },
          Math.min(JQ_CALL_TIMEOUT_MS, job.timeoutMs),
        );
        worker.postMessage({ id: job.id, input: job.input, program: job.program });
      },
      (err: Error) => this.#settle(job, err),
    );
  }

  #answer(worker: Worker, reply: Reply): void {
    const job = this.#current;
    if ('ready' in reply || !job || reply.id !== job.id) return;
    if (reply.ok) this.#settle(job, reply.out);
    else if (reply.code === null) {
      // jq aborted (its memory cap, an internal error): its runtime is unusable, start a new one next time.
      this.#stop(worker);
      this.#settle(
        job,
        new JqError(/memory|alloc/i.test(reply.message) ? 'the jq program used too much memory' : 'jq failed'),
      );
    } else this.#settle(job, new JqError(jqMessage(reply.code, reply.message)));
  }

  #fail(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#stop(worker);
    const job = this.#current;
    if (job) {
      const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#settle(job, new JqError(oom ? 'the jq program used too much memory' : `jq failed: ${err.message}`));
    }
  }

  #stop(worker: Worker): void {
    if (this.#worker === worker) {
      this.#worker = undefined;
      this.#ready = undefined;
    }
    void worker.terminate();
  }

  #settle(job: Job, result: string | Error): void {
    if (this.#current !== job) return;
    clearTimeout(this.#timer);
    this.#current = undefined;
    this.#worker?.unref();
    if (typeof result === 'string') job.resolve(result);
    else job.reject(result);
    this.#pump();
    if (!this.#current && this.#worker) {
      const worker = this.#worker;
      this.#idle = setTimeout(() => this.#stop(worker), JQ_IDLE_MS);
      this.#idle.unref();
    }
  }
}

let runner: JqRunner | undefined;

/** Runs `program` on the JSON text `input` with jq; resolves to jq's compact output (one value per line). */
export function runJq(input: string, program: string, timeoutMs: number): Promise<string> {
  runner ??= new JqRunner();
  return runner.run(input, program, timeoutMs);
}

/** jq's quoted data in its messages (`object ({"a":1}) has no keys`): the kind is kept, the value left out. */
const DUMP = /\b(null|boolean|number|string|array|object) \(.{0,20}?\)(?=[\s,]|$)/g;

/** jq's error, as a message: its first line, without the `jq: error` prefix and the data it quotes. */
function jqMessage(code: number, stderr: string): string {
  const first = (stderr.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  if (code === 3) {
    const detail = first
      .replace(/^jq: error: /, '')
      .replace(' (Unix shell quoting issues?)', '')
      .replace(/:$/, '');
    return `the expression is not valid jq: ${detail}`;
  }
  const detail = first
    .replace(/^jq: error \(at [^)]*\)/, '')
    .replace(/^ \(not a string\): .*$/, 'error() with a value that is not text')
    .replace(/^: /, '')
    .replace(DUMP, '$1');
  return `the jq program failed: ${detail || 'jq error'}`;
}

/** jq's functions that run a regular expression (on Oniguruma, a backtracking engine). */
const REGEX_FUNCTIONS = new Set(['test', 'match', 'capture', 'scan', 'splits', 'sub', 'gsub', '_match_impl']);
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*/y;

/**
 * The first regular-expression function a jq program calls (`test`,
 * `match`, `capture`, `scan`, `splits`, `sub`, `gsub`, two-argument
 * `split`), if any. Field names (`.test`), variables (`$test`), object keys
 * (`{test: 1}`), strings and comments are not calls; string interpolation
 * (`"\(test("a"))"`) is code.
 */
export function regexFunctionIn(program: string): string | undefined {
  let i = 0;
  let found: string | undefined;
  const n = program.length;
  const skipString = (): void => {
    while (i < n && !found) {
      const c = program[i];
      if (c === '\\') {
        if (program[i + 1] === '(') {
          i += 2;
          code(true);
        } else i += 2;
        continue;
      }
      i++;
      if (c === '"') return;
    }
  };
  const twoArguments = (): boolean => {
    let j = i;
    while (j < n && /\s/.test(program[j] as string)) j++;
    if (program[j] !== '(') return false;
    const save = i;
    i = j + 1;
    let depth = 0;
    let semicolon = false;
    while (i < n && !found) {
      const c = program[i] as string;
      if (c === '"') {
        i++;
        skipString();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ';' && depth === 0) semicolon = true;
      i++;
    }
    i = save;
    return semicolon;
  };
  const code = (inInterpolation: boolean): void => {
    let depth = 0;
    let previous = '';
    while (i < n && !found) {
      const c = program[i] as string;
      if (c === '#') {
        while (i < n && program[i] !== '\n') i++;
        continue;
      }
      if (c === '"') {
        i++;
        skipString();
        previous = '"';
        continue;
      }
      if (c === ')' && inInterpolation && depth === 0) {
        i++;
        return;
      }
      if (c === '(') depth++;
      if (c === ')') depth--;
      IDENT.lastIndex = i;
      const m = /[A-Za-z_]/.test(c) ? IDENT.exec(program) : null;
      if (m) {
        const name = m[0];
        i += name.length;
        const isKey = /^\s*:(?!:)/.test(program.slice(i, i + 64));
        if (previous !== '.' && previous !== '$' && !isKey) {
          if (REGEX_FUNCTIONS.has(name)) found = name;
          else if (name === 'split' && twoArguments()) found = 'split/2';
        }
        previous = 'a';
        continue;
      }
      if (!/\s/.test(c)) previous = c;
      i++;
    }
  };
  code(false);
  return found;
}

/** The JSON text jq reads: text is JSON already (Kestra parses it), other values are written as JSON. */
function jqInput(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      throw stdlibError(callee, 'the text it is applied to is not valid JSON');
    }
    return value;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  } catch {
    throw stdlibError(callee, 'the value cannot be written as JSON (it refers to itself)');
  }
  return text ?? 'null';
}

/**
 * `jq(expression)`: runs a jq program on the value (a list or map, or JSON
 * text) and gives the list of its results (`{{ [1, 2, 3] | jq(".[0]") }}`
 * → `[1]`; `| first` for the first one). A real jq (jq 1.7; Kestra uses
 * jackson-jq's jq 1.6 dialect) runs in a worker thread within the render's
 * time limit. jq's regular-expression functions (`test`, `match`,
 * `capture`, `scan`, `splits`, `sub`, `gsub`, `split/2`) are refused: jq
 * runs them on a backtracking engine, and templates run regular expressions
 * in linear time only. Asynchronous (registered as an async filter): it
 * works in outputs, `if`, `for` and `set`, not in macros or `set` blocks.
 * Null gives null.
 * @see kestra-io/kestra core/src/main/java/io/kestra/core/runners/pebble/filters/JqFilter.java
 */
export function jqFilter(this: unknown, input: unknown, ...raw: unknown[]): void {
  // Called through lazy-jq.ts's jqFilter, which has checked that nunjucks passed the callback.
  const done = raw.at(-1) as Callback;
  let program: string;
  let text: string | undefined;
  let timeoutMs = DEFAULT_RENDER_LIMITS.timeoutMs;
  try {
    const args = bindArguments(callee, ['expression'], raw.slice(0, -1));
    const value = unwrapSafe(input);
    if (value === null || value === undefined) {
      done(null, null);
      return;
    }
    if (!args.has('expression')) throw stdlibError(callee, "expects an argument 'expression'");
    const expression = unwrapSafe(args.get('expression'));
    if (typeof expression !== 'string') throw stdlibError(callee, "argument 'expression' must be text");
    program = expression;
    const regex = regexFunctionIn(program);
    if (regex) {
      throw stdlibError(
        callee,
        `jq's regular-expression functions (here '${regex}') are not available: jq runs them on a backtracking engine, and template regular expressions must run in linear time; use the template's own (matches, replace(..., regexp=true), split) on the result`,
      );
    }
    text = jqInput(value);
    checkResultLength(this, callee, text.length);
    const budget = frameOf(this)?.budget;
    if (budget) timeoutMs = budget.limits.timeoutMs;
  } catch (err) {
    done(err);
    return;
  }
  runJq(text, program, timeoutMs).then(
    (out) => {
      let results: unknown[];
      try {
        checkResultLength(this, callee, out.length);
        results = out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as unknown);
        checkResultCount(this, callee, results.length);
      } catch (err) {
        done(err);
        return;
      }
      done(null, results);
    },
    (err: Error) => {
      if (err instanceof RenderLimitError) {
        const budget = frameOf(this)?.budget;
        done(budget ? budget.reached(err.limit, err.message.replace(/^.*?\): /, '')) : err);
      } else done(err instanceof JqError ? stdlibError(callee, err.message) : err);
    },
  );
}
