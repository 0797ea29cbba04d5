import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is not logged (replaced by a notice): cutting it could split a secret the masker then misses. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** How long a process may take to end after SIGTERM before its group gets SIGKILL. */
const KILL_GRACE_MS = 2000;

export interface ProcessOptions {
  /** The program and its arguments (e.g. `['/bin/sh', '-c', script]`). */
  command: readonly string[];
  /** The whole environment of the child: nothing else is inherited. */
  env: Record<string, string>;
  /** Each line of stdout (`false`) and stderr (`true`), without its line break. */
  onLine(line: string, stderr: boolean): void;
  /** Ends the process group (SIGTERM, then SIGKILL). */
  signal: AbortSignal;
  /** Fills the working directory before the command starts (`inputFiles`). */
  prepare?(workingDir: string): Promise<void>;
  /** Reads the working directory once the command has ended, before it is removed (`outputFiles`). */
  collect?(workingDir: string, exitCode: number): Promise<void>;
}

export interface ProcessResult {
  exitCode: number;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals;
  /** The run's working directory (already removed). */
  workingDir: string;
}

/**
 * Runs a command as Kestra's Process task runner does, in a fresh temporary
 * working directory (removed afterwards), as the leader of its own process
 * group so that ending it (abort: timeout, Ctrl-C) ends what it started too.
 * `WORKING_DIR` is set to the directory, as Kestra does.
 */
export async function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  const workingDir = await mkdtemp(join(tmpdir(), 'credflow-task-'));
  try {
    await options.prepare?.(workingDir);
    const result = await new Promise<ProcessResult>((resolve, reject) => {
      const [program, ...args] = options.command as [string, ...string[]];
      const child = spawn(program, args, {
        cwd: workingDir,
        env: { ...options.env, WORKING_DIR: workingDir },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = (sig: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      };
      const onAbort = () => {
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
      const out = lineReader((l) => options.onLine(l, false));
      const err = lineReader((l) => options.onLine(l, true));
      child.stdout.on('data', out.push);
      child.stderr.on('data', err.push);
      child.on('error', (e) => {
        options.signal.removeEventListener('abort', onAbort);
        reject(e);
      });
      // 'close': the process has exited and both streams are drained.
      child.on('close', (code, sig) => {
        out.end();
        err.end();
        options.signal.removeEventListener('abort', onAbort);
        // The group may outlive its leader (a background job): end it with the task.
        if (options.signal.aborted) killGroup('SIGKILL');
        clearTimeout(killTimer);
        resolve({ exitCode: code ?? (sig ? 128 + signalNumber(sig) : 1), ...(sig ? { signal: sig } : {}), workingDir });
      });
    });
    await options.collect?.(workingDir, result.exitCode);
    return result;
  } finally {
    await rm(workingDir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Splits a byte stream into lines (`\n`, `\r\n` or `\r`, as Java's `readLine`), UTF-8 decoded. */
function lineReader(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let dropped = 0;
  let pendingCr = false;
  const emit = (line: string) => {
    if (dropped) {
      onLine(`(a line of ${dropped + Buffer.byteLength(line)} bytes is not shown: over ${MAX_LINE_BYTES} bytes)`);
      dropped = 0;
    } else onLine(line);
  };
  const take = (text: string) => {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 10 && pendingCr && i === start && buffer === '') {
          // the \n of a \r\n already ended the line
          pendingCr = false;
          start = i + 1;
          continue;
        }
        emit(buffer + text.slice(start, i));
        buffer = '';
        pendingCr = c === 13;
        start = i + 1;
      } else pendingCr = false;
    }
    buffer += text.slice(start);
    if (buffer.length > MAX_LINE_BYTES) {
      dropped += Buffer.byteLength(buffer);
      buffer = '';
    }
  };
  return {
    push: (chunk) => take(decoder.write(chunk)),
    end: () => {
      take(decoder.end());
      if (buffer !== '' || dropped) emit(buffer);
      buffer = '';
    },
  };
}

function signalNumber(sig: NodeJS.Signals): number {
  const n: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return n[sig] ?? 0;
}
